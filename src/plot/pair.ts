import type { TopLevelSpec } from 'vega-lite';
import { PLOT_CONFIG, SERIES_COLORS } from './specs.ts';

/** What {@link pairPlotSpec} draws: posterior draws over named parameters. */
export interface PairPlotData {
  names: string[];
  samples: number[][];
  /** Axis limits, the prior's bounds (default: the draws' range). */
  bounds?: { low: number[]; high: number[] };
  /** The posterior's maximum, marked red. */
  map?: Record<string, number>;
  /** True values, when known, marked black. */
  truth?: Record<string, number>;
}

/**
 * The pair plot of a posterior: for each parameter its marginal histogram on the diagonal,
 * below it 2-D densities (binned counts) of each pair, above it the draws themselves; axis
 * limits are the prior's bounds; the MAP is a red diamond (red line on the diagonal), the
 * true values a black cross (dashed line).
 *
 * ```ts
 * const svg = await renderSvg(pairPlotSpec({ names: ['gNa', 'gK'], samples, bounds, map: { gNa: 120, gK: 36 } }));
 * ```
 */
export function pairPlotSpec(data: PairPlotData, options: { title?: string; size?: number } = {}): TopLevelSpec {
  const D = data.names.length;
  const size = options.size ?? Math.max(110, Math.min(200, Math.floor(640 / Math.max(1, D))));
  const key = (i: number) => `p${i}`;
  const rows = data.samples.slice(0, 2000).map((s) => Object.fromEntries(s.map((v, i) => [key(i), v])));
  const domain = (i: number): [number, number] => {
    if (data.bounds) return [data.bounds.low[i]!, data.bounds.high[i]!];
    const col = data.samples.map((s) => s[i]!);
    return [Math.min(...col), Math.max(...col)];
  };
  const mark = (values: Record<string, number> | undefined) => (values ? [Object.fromEntries(data.names.map((n, i) => [key(i), values[n]!]))] : []);
  const axis = (i: number, type: 'x' | 'y', show: boolean) => ({
    field: key(i),
    type: 'quantitative' as const,
    title: show ? data.names[i] : null,
    scale: { domain: domain(i), nice: false, zero: false },
    axis: show ? { tickCount: 4, format: '.3~g' } : { labels: false, ticks: false, title: null },
    ...(type === 'x' ? {} : {}),
  });
  const panels: object[] = [];
  for (let r = 0; r < D; r++) {
    for (let c = 0; c < D; c++) {
      const xAxis = axis(c, 'x', r === D - 1);
      const yAxis = axis(r, 'y', c === 0 && r !== c);
      if (r === c) {
        const [lo, hi] = domain(c);
        panels.push({
          width: size,
          height: size,
          layer: [
            {
              data: { name: 'samples' },
              mark: { type: 'bar', color: '#4c78a8', clip: true },
              encoding: {
                x: { ...xAxis, bin: { extent: [lo, hi], maxbins: 30 } },
                y: { aggregate: 'count', type: 'quantitative', title: c === 0 ? 'draws' : null, axis: c === 0 ? { tickCount: 3 } : { labels: false, ticks: false, title: null } },
              },
            },
            { data: { name: 'map' }, mark: { type: 'rule', color: SERIES_COLORS.fit, strokeWidth: 2 }, encoding: { x: xAxis } },
            { data: { name: 'truth' }, mark: { type: 'rule', color: SERIES_COLORS.target, strokeDash: [4, 3], strokeWidth: 2 }, encoding: { x: xAxis } },
          ],
        });
        continue;
      }
      const body =
        r > c
          ? {
              data: { name: 'samples' },
              mark: { type: 'rect', clip: true },
              encoding: {
                x: { ...xAxis, bin: { extent: domain(c), maxbins: 25 } },
                y: { ...yAxis, bin: { extent: domain(r), maxbins: 25 } },
                color: { aggregate: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: null },
              },
            }
          : { data: { name: 'samples' }, mark: { type: 'circle', size: 6, opacity: 0.35, color: '#4c78a8', clip: true }, encoding: { x: xAxis, y: yAxis } };
      panels.push({
        width: size,
        height: size,
        layer: [
          body,
          { data: { name: 'map' }, mark: { type: 'point', shape: 'diamond', size: 120, filled: true, color: SERIES_COLORS.fit, stroke: 'white', strokeWidth: 1 }, encoding: { x: xAxis, y: yAxis } },
          { data: { name: 'truth' }, mark: { type: 'point', shape: 'cross', size: 120, filled: true, color: SERIES_COLORS.target }, encoding: { x: xAxis, y: yAxis } },
        ],
      });
    }
  }
  const subtitle = [
    `diagonal: marginal histograms; below: 2-D densities; above: draws (${rows.length} shown); limits: ${data.bounds ? "the prior's bounds" : "the draws' range"}`,
    `red: MAP${data.truth ? '; black: true values' : ''}`,
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...PLOT_CONFIG, concat: { spacing: 6 } },
    title: { text: options.title ?? 'Posterior', subtitle },
    datasets: { samples: rows, map: mark(data.map), truth: mark(data.truth) },
    columns: D,
    concat: panels,
  } as TopLevelSpec;
}
