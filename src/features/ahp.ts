/**
 * After-hyperpolarisation and inter-spike voltage features (eFEL's SpikeShape.cpp:
 * min_AHP_indices, AHP_depth, AHP_depth_abs_slow, fast_AHP, ADP_peak_*, depolarized_base,
 * min_between_peaks_*, ...).
 */
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { findIndex, firstMinIndex, maxIndex, mean, minIndex } from './numeric.ts';

/**
 * The first local minimum after each peak, before the next peak (after the last peak: before
 * the end of the trace). A minimum at the very last sample is not an AHP and is left out.
 */
function minAhpIndices(ctx: FeatureContext): number[] {
  const peaks = ctx.need('peak_indices');
  const endIndex = ctx.v.length;
  const out: number[] = [];
  for (let i = 0; i < peaks.length; i++) {
    const k = firstMinIndex(ctx.v, peaks[i]!, i + 1 < peaks.length ? peaks[i + 1]! : endIndex);
    if (k !== endIndex - 1) out.push(k);
  }
  return out;
}

/** The (first) minimum between consecutive peaks, and after the last peak up to the end of the trace. */
function minBetweenPeaksIndices(ctx: FeatureContext): number[] {
  const peaks = ctx.need('peak_indices');
  return peaks.map((p, i) => minIndex(ctx.v, p, i + 1 < peaks.length ? peaks[i + 1]! : ctx.v.length));
}

interface SlowAhp {
  indices: number[];
  times: number[];
}

/** The slow AHP of each ISI but the first: the minimum from sahp_start ms after a spike to the next spike. */
function slowAhp(ctx: FeatureContext): SlowAhp {
  return ctx.once('slowAhp', () => {
    const peaks = ctx.need('peak_indices');
    if (peaks.length < 3) unavailable('at least 3 spikes are needed for the slow AHP');
    const { t, v } = ctx;
    const indices: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < peaks.length - 2; i++) {
      const from = peaks[i + 1]!;
      const to = peaks[i + 2]!;
      const tStart = t[from]! + ctx.settings.sahpStart;
      const k = minIndex(v, findIndex(t, from, to, (x) => x >= tStart), to);
      indices.push(k);
      times.push((t[k]! - t[from]!) / (t[to]! - t[from]!));
    }
    return { indices, times };
  });
}

function depolarizedBase(ctx: FeatureContext): number[] {
  const begin = ctx.need('AP_begin_indices');
  const end = ctx.need('AP_end_indices');
  const n = Math.min(begin.length, end.length);
  if (n <= 2) unavailable('more than 2 spikes with begin and end are needed');
  const out: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    const from = Math.max(end[i]!, 0);
    const to = Math.min(begin[i + 1]!, ctx.v.length);
    if (to > from) out.push(mean(ctx.v, from, to));
  }
  return out;
}

function adpPeakIndices(ctx: FeatureContext): number[] {
  const ahp = ctx.need('min_AHP_indices');
  const between = ctx.need('min_between_peaks_indices');
  if (ahp.length > between.length) unavailable('more AHPs than minima between peaks');
  return ahp.map((a, i) => maxIndex(ctx.v, a, between[i]!));
}

const valuesAt = (ctx: FeatureContext, name: string): number[] => ctx.need(name).map((k) => ctx.v[k]!);

export const ahpFeatures: readonly FeatureDef[] = [
  cppFeature('min_AHP_indices', 'list', minAhpIndices),
  cppFeature('min_AHP_values', 'list', (ctx) => valuesAt(ctx, 'min_AHP_indices')),
  cppFeature('AHP_depth_abs', 'list', (ctx) => ctx.need('min_AHP_values')),
  cppFeature('AHP_depth', 'list', (ctx) => {
    const vb = ctx.need('voltage_base')[0]!;
    return ctx.need('min_AHP_values').map((x) => x - vb);
  }),
  cppFeature('AHP_depth_diff', 'list', (ctx) => {
    const d = ctx.need('AHP_depth');
    return d.slice(1).map((x, i) => x - d[i]!);
  }),
  cppFeature('AHP_depth_abs_slow', 'list', (ctx) => slowAhp(ctx).indices.map((k) => ctx.v[k]!)),
  cppFeature('AHP_slow_time', 'list', (ctx) => slowAhp(ctx).times),
  cppFeature('AHP_depth_slow', 'list', (ctx) => {
    const vb = ctx.need('voltage_base')[0]!;
    return ctx.need('AHP_depth_abs_slow').map((x) => x - vb);
  }),
  cppFeature('AHP_depth_from_peak', 'list', (ctx) => {
    const peaks = ctx.need('peak_indices');
    const ahp = ctx.need('min_AHP_indices');
    if (peaks.length < ahp.length) unavailable('more AHPs than peaks');
    return ahp.map((a, i) => ctx.v[peaks[i]!]! - ctx.v[a]!);
  }),
  cppFeature('AHP1_depth_from_peak', 'scalar', (ctx) => [ctx.need('AHP_depth_from_peak')[0]!]),
  cppFeature('AHP2_depth_from_peak', 'scalar', (ctx) => {
    const d = ctx.need('AHP_depth_from_peak');
    if (d.length < 2) unavailable('two AHPs are needed');
    return [d[1]!];
  }),
  cppFeature('AHP_time_from_peak', 'list', (ctx) => {
    const peaks = ctx.need('peak_indices');
    const ahp = ctx.need('min_AHP_indices');
    const n = Math.min(peaks.length, ahp.length);
    return ahp.slice(0, n).map((a, i) => ctx.t[a]! - ctx.t[peaks[i]!]!);
  }),
  cppFeature('fast_AHP', 'list', (ctx) => {
    const begin = ctx.need('AP_begin_indices');
    const ahp = ctx.need('min_AHP_indices');
    const out: number[] = [];
    for (let i = 0; i < begin.length - 1; i++) {
      if (i >= ahp.length) unavailable('fewer AHPs than spike onsets');
      out.push(ctx.v[begin[i]!]! - ctx.v[ahp[i]!]!);
    }
    return out;
  }),
  cppFeature('fast_AHP_change', 'list', (ctx) => {
    const f = ctx.need('fast_AHP');
    return f.slice(1).map((x) => (x - f[0]!) / f[0]!);
  }),
  cppFeature('min_between_peaks_indices', 'list', minBetweenPeaksIndices),
  cppFeature('min_between_peaks_values', 'list', (ctx) => valuesAt(ctx, 'min_between_peaks_indices')),
  cppFeature('min_voltage_between_spikes', 'list', (ctx) => {
    const peaks = ctx.need('peak_indices');
    if (peaks.length < 2) unavailable('two spikes are needed');
    return peaks.slice(1).map((p, i) => ctx.v[minIndex(ctx.v, peaks[i]!, p)]!);
  }),
  cppFeature('ADP_peak_indices', 'list', adpPeakIndices),
  cppFeature('ADP_peak_values', 'list', (ctx) => valuesAt(ctx, 'ADP_peak_indices')),
  cppFeature('ADP_peak_amplitude', 'list', (ctx) => {
    const ahp = ctx.need('min_AHP_values');
    const adp = ctx.need('ADP_peak_values');
    if (ahp.length !== adp.length) unavailable('as many AHPs as ADP peaks are needed');
    return adp.map((x, i) => x - ahp[i]!);
  }),
  cppFeature('depolarized_base', 'list', depolarizedBase),
];
