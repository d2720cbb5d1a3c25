import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PosteriorSummary } from '../fit/posterior-summary.ts';
import { pairPlotSpec } from '../plot/pair.ts';
import { renderSvg } from '../plot/render.ts';

/**
 * The pair plot of an sbi fit's posterior as SVG (see {@link pairPlotSpec}); `truth`, when
 * known, is marked.
 *
 * ```ts
 * const fit = await opt.run({ maxEvals: 2000 }); // method 'sbi'
 * const svg = await posteriorPlotSvg(fit.posterior!);
 * ```
 */
export function posteriorPlotSvg(posterior: PosteriorSummary, truth?: Record<string, number>): Promise<string> {
  return renderSvg(
    pairPlotSpec(
      { names: posterior.names, samples: posterior.samples, bounds: posterior.bounds, map: posterior.map, truth },
      { title: `Posterior (${posterior.simulations} simulations, acceptance ${(100 * posterior.acceptanceRate).toFixed(1)} %)` },
    ),
  );
}

/** Writes {@link posteriorPlotSvg} to `file` (its folder is created). */
export async function writePosteriorPlot(posterior: PosteriorSummary, file: string, truth?: Record<string, number>): Promise<void> {
  const svg = await posteriorPlotSvg(posterior, truth);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, svg);
}
