/**
 * vega-lite specs of a fit: pure functions from data to spec (render them with
 * `renderSvg` from ./render.ts). Data are inlined, so a spec is self-contained.
 */
import type { TopLevelSpec } from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Colours of the target (data) and of the fitted model, the same in every plot. */
export const SERIES_COLORS = { target: '#1f1f1f', fit: '#d62728' } as const;
const TARGET = 'target';
const FIT = 'best fit';

/** Readable sizes: 12-13 px axis text, light grid, left-aligned titles. */
export const PLOT_CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 8,
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal' as const, gridColor: '#ececec', titleColor: '#222', labelColor: '#333' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' as const, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start' as const, subtitleFontSize: 12, subtitleColor: '#555', offset: 8 },
  concat: { spacing: 24 },
  view: { stroke: '#d8d8d8' },
};

/** Axis title with its unit in parentheses, e.g. `v (mV)`. */
function withUnit(name: string, unit: string | undefined): string {
  return unit ? `${name} (${unit})` : name;
}

// ---------------------------------------------------------------------------------------------
// downsampling

/**
 * Min/max downsampling for plotting: the time range is cut into `buckets` equal buckets
 * (one per pixel column) and each bucket keeps its smallest and its largest sample, in time
 * order. A spike peak is a bucket maximum, so it survives; the result has at most
 * 2 * buckets points (the input is returned as is when it is not longer than that).
 */
export function downsampleMinMax(times: ArrayLike<number>, values: ArrayLike<number>, buckets: number): { t: number[]; v: number[] } {
  const n = Math.min(times.length, values.length);
  if (n <= 2 * buckets || buckets < 1) return { t: Array.from(times).slice(0, n), v: Array.from(values).slice(0, n) };
  const t0 = times[0]!;
  const span = times[n - 1]! - t0 || 1;
  const t: number[] = [];
  const v: number[] = [];
  let current = -1;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (current < 0) return;
    // NaN samples (a diverged simulation) are neither min nor max; keep one so the gap shows
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    t.push(times[first]!);
    v.push(values[first]!);
    if (second !== first) {
      t.push(times[second]!);
      v.push(values[second]!);
    }
  };
  for (let i = 0; i < n; i++) {
    const b = Math.min(buckets - 1, Math.floor(((times[i]! - t0) / span) * buckets));
    if (b !== current) {
      flush();
      current = b;
      lo = hi = i;
      continue;
    }
    const x = values[i]!;
    if (x < values[lo]! || Number.isNaN(values[lo]!)) lo = i;
    if (x > values[hi]! || Number.isNaN(values[hi]!)) hi = i;
  }
  flush();
  return { t, v };
}

// ---------------------------------------------------------------------------------------------
// traces

/** One recorded trace with its spike times. */
export interface TraceSeries {
  times: ArrayLike<number>;
  values: ArrayLike<number>;
  spikes?: ArrayLike<number>;
}

/** One panel (chunk) of the traces plot: the target and the fit over the same time axis. */
export interface TracePanel {
  /** Panel title, e.g. `sweep 1 (I = 10)`. */
  label?: string;
  target?: TraceSeries;
  fit?: TraceSeries;
  /** Length of the chunk (time axis range); default the last sample time. */
  duration?: number;
}

export interface TracesOptions {
  /** The plotted variable (default 'v'). */
  variable?: string;
  /** Its unit, e.g. 'mV'. */
  unit?: string;
  /** Unit of the times (default 'ms'). */
  timeUnit?: string;
  /** Width of each panel in pixels (default 760); also the number of downsampling buckets. */
  width?: number;
  /** Height of each trace panel (default 170). */
  height?: number;
  title?: string;
}

/**
 * Target vs fitted trace, one panel per chunk, each with a spike raster below it (a tick per
 * spike, one row for the target and one for the fit). Long traces are min/max downsampled to
 * about two points per pixel.
 */
export function tracesSpec(panels: TracePanel[], options: TracesOptions = {}): TopLevelSpec {
  const width = options.width ?? 760;
  const height = options.height ?? 170;
  const variable = options.variable ?? 'v';
  const timeTitle = withUnit('time', options.timeUnit ?? 'ms');
  const datasets: Record<string, Record<string, unknown>[]> = {};
  const present = [panels.some((p) => p.target) ? TARGET : undefined, panels.some((p) => p.fit) ? FIT : undefined].filter((s): s is string => s !== undefined);
  const color = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: present, range: present.map((s) => (s === TARGET ? SERIES_COLORS.target : SERIES_COLORS.fit)) },
    legend: { title: null, orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 2.5 },
  };
  const rows = panels.map((panel, k) => {
    const trace: Record<string, unknown>[] = [];
    const spikes: Record<string, unknown>[] = [];
    let end = panel.duration ?? 0;
    let start = Infinity;
    for (const [series, s] of [[TARGET, panel.target], [FIT, panel.fit]] as const) {
      if (!s || s.times.length === 0) continue;
      start = Math.min(start, s.times[0]!);
      if (panel.duration === undefined) end = Math.max(end, s.times[s.times.length - 1]!);
      const d = downsampleMinMax(s.times, s.values, width);
      for (let i = 0; i < d.t.length; i++) trace.push({ series, t: d.t[i], v: Number.isFinite(d.v[i]!) ? d.v[i] : null });
      for (const t of Array.from(s.spikes ?? [])) spikes.push({ series, t });
    }
    if (!Number.isFinite(start)) start = 0;
    if (!(end > start)) end = start + 1;
    datasets[`trace-${k}`] = trace;
    datasets[`spikes-${k}`] = spikes;
    const x = { field: 't', type: 'quantitative' as const, scale: { domain: [start, end], nice: false, zero: false } };
    return {
      spacing: 2,
      vconcat: [
        {
          name: `trace_${k}`,
          title: panel.label ?? `chunk ${k + 1}`,
          width,
          height,
          data: { name: `trace-${k}` },
          mark: { type: 'line' as const, strokeWidth: 1, clip: true, aria: false },
          encoding: {
            x: { ...x, title: timeTitle, axis: { labels: false, title: null, ticks: false } },
            y: { field: 'v', type: 'quantitative' as const, title: withUnit(variable, options.unit), scale: { zero: false } },
            color,
          },
        },
        {
          name: `spikes_${k}`,
          width,
          height: present.length * 14,
          data: { name: `spikes-${k}` },
          mark: { type: 'tick' as const, thickness: 1.5, clip: true, aria: false },
          encoding: {
            x: { ...x, title: timeTitle },
            y: { field: 'series', type: 'nominal' as const, scale: { domain: present }, title: 'spikes', axis: { titleAngle: 0, titleAlign: 'right' as const, titleBaseline: 'middle' as const, ticks: false, domain: false } },
            color,
          },
        },
      ],
    };
  });
  return {
    $schema: SCHEMA,
    config: PLOT_CONFIG,
    ...(options.title ? { title: options.title } : {}),
    datasets,
    vconcat: rows,
    spacing: 28,
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// loss history

/** Anything with a loss; null, NaN and infinite losses are failed evaluations. */
export interface LossEntry {
  loss: number | null;
  /** A mini-batch gradient step's sweeps: its loss is over those only, drawn but never the best. */
  batch?: unknown;
}

/** The best finite loss so far at each evaluation (NaN before the first finite one); never increases. */
export function bestSoFar(losses: (number | null)[]): number[] {
  let best = NaN;
  return losses.map((l) => {
    if (l !== null && Number.isFinite(l) && !(l >= best)) best = l;
    return best;
  });
}

/** Index of the evaluation with the smallest finite loss, or -1. */
export function bestIndex(history: LossEntry[]): number {
  let k = -1;
  history.forEach((h, i) => {
    if (h.loss !== null && Number.isFinite(h.loss) && !h.batch && (k < 0 || h.loss < history[k]!.loss!)) k = i;
  });
  return k;
}

/** True when the values are all positive and span at least two decades: a log axis reads better. */
export function spansDecades(values: number[], decades = 2): boolean {
  const finite = values.filter((x) => Number.isFinite(x));
  if (finite.length < 2) return false;
  const min = Math.min(...finite);
  return min > 0 && Math.max(...finite) / min >= 10 ** decades;
}

export interface LossHistoryOptions {
  /** Log loss axis; default: when the losses are positive and span two decades. */
  log?: boolean;
  /** Evaluations drawn at most (default 5000; see {@link thinHistory}). */
  maxPoints?: number;
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Loss of every evaluation (points, failed ones left out) and the best so far (a step line),
 * against the evaluation number (1-based, in the order of the results file).
 */
export function lossHistorySpec(history: LossEntry[], options: LossHistoryOptions = {}): TopLevelSpec {
  const losses = history.map((h) => h.loss);
  const finite = (l: number | null): l is number => l !== null && Number.isFinite(l);
  const all = history.flatMap((h, i) => (finite(h.loss) ? [{ evaluation: i + 1, loss: h.loss }] : []));
  const failed = history.length - all.length;
  const drawn = new Set(thinHistory(history, options.maxPoints ?? 5000));
  const points = all.filter((p) => drawn.has(p.evaluation - 1));
  // the step line needs only the evaluations that improved, and the last one
  const best = bestSoFar(history.map((h, i) => (h.batch ? null : losses[i]!)));
  const line = best.flatMap((b, i) => (Number.isFinite(b) && (i === best.length - 1 || !(b >= best[i - 1]!)) ? [{ evaluation: i + 1, best: b }] : []));
  const log = options.log ?? spansDecades(all.map((p) => p.loss));
  const k = bestIndex(history);
  // subtitle lines stay short: a title wider than the plot widens the whole SVG
  const subtitle = [
    `points: the ${all.length} evaluations${failed > 0 ? `, not the ${failed} failed (no loss)` : ''}; red line: best so far; diamond: best`,
    ...(points.length < all.length ? [`${points.length} of them drawn: the best half and an even sample`] : []),
  ];
  const x = { field: 'evaluation', type: 'quantitative' as const, title: 'evaluation', scale: { domain: [0, Math.max(1, history.length)], nice: false } };
  const y = { type: 'quantitative' as const, title: log ? 'loss (log scale)' : 'loss', scale: log ? { type: 'log' as const } : { zero: false } };
  return {
    $schema: SCHEMA,
    config: PLOT_CONFIG,
    title: { text: options.title ?? 'Loss per evaluation', subtitle },
    width: options.width ?? 760,
    height: options.height ?? 260,
    layer: [
      {
        name: 'loss_points',
        data: { values: points },
        // many points: smaller and more transparent, so the density shows
        mark: { type: 'circle', size: points.length > 1000 ? 12 : 30, opacity: points.length > 1000 ? 0.45 : 0.7, color: '#3f6fa8', aria: false },
        encoding: { x, y: { ...y, field: 'loss' } },
      },
      {
        name: 'loss_best_so_far',
        data: { values: line },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, color: SERIES_COLORS.fit, aria: false },
        encoding: { x, y: { ...y, field: 'best' } },
      },
      {
        name: 'loss_best',
        data: { values: k >= 0 ? [{ evaluation: k + 1, loss: history[k]!.loss }] : [] },
        mark: { type: 'point', shape: 'diamond', size: 140, filled: true, color: SERIES_COLORS.fit, stroke: 'white', strokeWidth: 1, opacity: 1 },
        encoding: { x, y: { ...y, field: 'loss' } },
      },
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// parameter cloud

/** One evaluation: every parameter value and its loss. */
export interface CloudEntry extends LossEntry {
  params: Record<string, number>;
}

export interface ParameterCloudOptions {
  /** Units of parameters, for the axis titles. */
  units?: Record<string, string>;
  /** Panels per row (default 2). */
  columns?: number;
  width?: number;
  height?: number;
  /** Log colour scale of the loss; default when the losses span two decades. */
  logLoss?: boolean;
  /** Evaluations drawn at most (default 2500 per parameter; see {@link thinHistory}), so the SVG stays small. */
  maxPoints?: number;
  title?: string;
}

/**
 * Indices (ascending) of the evaluations to draw: all when there are at most maxPoints, else
 * the best maxPoints/2 and evenly spaced others, maxPoints in all.
 */
export function thinHistory(history: LossEntry[], maxPoints: number): number[] {
  const all = history.map((_, i) => i);
  if (history.length <= maxPoints) return all;
  const byLoss = all.filter((i) => Number.isFinite(history[i]!.loss ?? NaN)).sort((a, b) => history[a]!.loss! - history[b]!.loss!);
  const keep = new Set(byLoss.slice(0, Math.floor(maxPoints / 2)));
  const rest = all.filter((i) => !keep.has(i));
  const quota = maxPoints - keep.size;
  for (let j = 0; j < quota; j++) keep.add(rest[Math.floor((j * rest.length) / quota)]!);
  return [...keep].sort((a, b) => a - b);
}

/**
 * For each fitted parameter, its value against the evaluation number, coloured by loss
 * (low loss dark, drawn on top): the cloud a TPE search leaves, or the trajectories of
 * gradient starts. The best evaluation is a red diamond with a dashed line at its value;
 * the y range is the parameter's bounds. Failed evaluations are grey crosses.
 */
export function parameterCloudSpec(history: CloudEntry[], fitted: { name: string; low: number; high: number }[], options: ParameterCloudOptions = {}): TopLevelSpec {
  const columns = Math.max(1, Math.min(options.columns ?? 2, fitted.length));
  const width = options.width ?? (columns === 1 ? 720 : Math.floor(660 / columns) - 10);
  const height = options.height ?? 170;
  const drawn = thinHistory(history, options.maxPoints ?? 2500);
  const rows: Record<string, number>[] = [];
  const failedRows: Record<string, number>[] = [];
  for (const i of drawn) {
    const h = history[i]!;
    const row: Record<string, number> = { evaluation: i + 1 };
    for (const f of fitted) row[f.name] = h.params[f.name]!;
    if (h.loss !== null && Number.isFinite(h.loss)) rows.push({ ...row, loss: h.loss });
    else failedRows.push(row);
  }
  // highest loss first: the good evaluations are drawn last, on top
  rows.sort((a, b) => b.loss! - a.loss!);
  const k = bestIndex(history);
  const bestRow = k >= 0 ? [{ evaluation: k + 1, ...Object.fromEntries(fitted.map((f) => [f.name, history[k]!.params[f.name]])) }] : [];
  const logLoss = options.logLoss ?? spansDecades(rows.map((r) => r.loss!));
  const subtitle = [
    `colour: loss${logLoss ? ' (log scale)' : ''}, dark = low; red diamond: best; y range: the bounds`,
    ...(failedRows.length ? ['grey crosses: failed evaluations (no loss)'] : []),
    ...(drawn.length < history.length ? [`${drawn.length} of ${history.length} evaluations drawn: the best half and an even sample`] : []),
  ];
  const x = { field: 'evaluation', type: 'quantitative' as const, title: 'evaluation', scale: { domain: [0, Math.max(1, history.length)], nice: false } };
  const panels = fitted.map((f, j) => {
    const logY = f.low > 0 && f.high / f.low >= 1000;
    const y = {
      field: f.name,
      type: 'quantitative' as const,
      title: withUnit(f.name, options.units?.[f.name]),
      scale: { domain: [f.low, f.high], nice: false, zero: false, ...(logY ? { type: 'log' as const } : {}) },
    };
    return {
      width,
      height,
      layer: [
        {
          name: `cloud_${j}_failed`,
          data: { name: 'failed' },
          mark: { type: 'point', shape: 'cross', size: 20, color: '#b0b0b0', filled: true, clip: true, aria: false },
          encoding: { x, y },
        },
        {
          name: `cloud_${j}_points`,
          data: { name: 'evaluations' },
          mark: { type: 'circle', size: rows.length > 1000 ? 12 : 24, opacity: rows.length > 1000 ? 0.6 : 0.85, clip: true, aria: false },
          encoding: {
            x,
            y,
            color: {
              field: 'loss',
              type: 'quantitative',
              title: logLoss ? 'loss (log)' : 'loss',
              scale: { scheme: 'viridis', ...(logLoss ? { type: 'log' } : {}) },
              legend: { orient: 'right', gradientLength: 160, format: '.3~g' },
            },
          },
        },
        {
          name: `cloud_${j}_best_value`,
          data: { name: 'best' },
          mark: { type: 'rule', strokeDash: [4, 3], color: SERIES_COLORS.fit, strokeWidth: 1 },
          encoding: { y },
        },
        {
          name: `cloud_${j}_best`,
          data: { name: 'best' },
          mark: { type: 'point', shape: 'diamond', size: 150, filled: true, color: SERIES_COLORS.fit, stroke: 'white', strokeWidth: 1 },
          encoding: { x, y },
        },
      ],
    };
  });
  return {
    $schema: SCHEMA,
    config: PLOT_CONFIG,
    title: { text: options.title ?? 'Fitted parameters per evaluation', subtitle },
    datasets: { evaluations: rows, failed: failedRows, best: bestRow },
    columns,
    concat: panels,
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// f-I curve

export interface FiData {
  /** Injected current amplitudes (one per step). */
  amplitudes: number[];
  /** Firing rate of the target at each amplitude. */
  target?: number[];
  /** Firing rate of the fitted model at each amplitude. */
  fit?: number[];
}

export interface FiOptions {
  /** Unit of the current, for the axis title. */
  currentUnit?: string;
  /** Name of the current (default 'I'). */
  current?: string;
  /** Unit of the rate (default 'Hz'). */
  rateUnit?: string;
  width?: number;
  height?: number;
  title?: string;
}

/** Firing rate against the injected current, target and fit (lines through points). */
export function fiCurveSpec(data: FiData, options: FiOptions = {}): TopLevelSpec {
  const values: { I: number; rate: number; series: string }[] = [];
  const series: string[] = [];
  for (const [name, rates] of [[TARGET, data.target], [FIT, data.fit]] as const) {
    if (!rates) continue;
    if (rates.length !== data.amplitudes.length) throw new Error(`fiCurveSpec: ${rates.length} ${name} rates for ${data.amplitudes.length} amplitudes`);
    series.push(name);
    data.amplitudes.forEach((I, k) => {
      if (Number.isFinite(I) && Number.isFinite(rates[k]!)) values.push({ I, rate: rates[k]!, series: name });
    });
  }
  values.sort((a, b) => a.I - b.I);
  return {
    $schema: SCHEMA,
    config: PLOT_CONFIG,
    title: options.title ?? 'Firing rate vs injected current (f–I)',
    width: options.width ?? 360,
    height: options.height ?? 240,
    data: { values },
    encoding: {
      x: { field: 'I', type: 'quantitative', title: withUnit(`injected current ${options.current ?? 'I'}`, options.currentUnit), scale: { zero: false, padding: 12 } },
      y: { field: 'rate', type: 'quantitative', title: withUnit('firing rate', options.rateUnit ?? 'Hz'), scale: { zero: true } },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: series, range: series.map((s) => (s === TARGET ? SERIES_COLORS.target : SERIES_COLORS.fit)) },
        legend: { title: null, orient: 'top', direction: 'horizontal' },
      },
    },
    // where target and fit agree they overlap: the fit is drawn dashed over a wider target
    // line, with smaller diamonds inside the target's larger circles, so both stay visible
    layer: [
      {
        name: 'fi_lines',
        mark: { type: 'line' },
        encoding: {
          strokeWidth: { field: 'series', type: 'ordinal', sort: series, scale: { domain: series, range: series.map((s) => (s === TARGET ? 4 : 2)) } },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: series, range: series.map((s) => (s === TARGET ? [1, 0] : [6, 3])) } },
        },
      },
      {
        name: 'fi_points',
        mark: { type: 'point', filled: true, opacity: 1 },
        encoding: {
          shape: { field: 'series', type: 'nominal', scale: { domain: series, range: series.map((s) => (s === TARGET ? 'circle' : 'diamond')) } },
          size: { field: 'series', type: 'ordinal', sort: series, scale: { domain: series, range: series.map((s) => (s === TARGET ? 160 : 50)) } },
        },
      },
    ],
  } as TopLevelSpec;
}
