import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a vega-lite spec to an SVG string, headless: vega-lite compiles it to vega and
 * vega's scenegraph is serialised without a browser or canvas (text widths are estimated).
 * vega and vega-lite are imported on first use, so importing this module costs nothing.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Output width in pixels (default: the SVG's own width). */
  width?: number;
  /** Background colour (default white; the SVGs vega writes are opaque anyway). */
  background?: string;
}

/** Rasterises an SVG (e.g. from {@link renderSvg}) to PNG with resvg, using the system fonts. */
export function renderPng(svg: string, options: PngOptions = {}): Buffer {
  // a synchronous, lazy load of the native module: nothing is loaded until a PNG is asked for
  const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: options.background ?? 'white',
    fitTo: options.width ? { mode: 'width', value: options.width } : { mode: 'original' },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
