/**
 * Landmarks of each action potential (eFEL's SpikeShape.cpp): its onset (AP_begin_indices,
 * where dV/dt rises through DerivativeThreshold), its end (AP_end_indices, where dV/dt comes
 * back up through DownDerivativeThreshold after the steepest fall), and the half-height
 * points on the rise and on the fall.
 */
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { findIndex, minIndex } from './numeric.ts';

/**
 * For each peak after the stimulus start: walking back from the peak towards the preceding
 * AHP (or the stimulus start), the first sample after the last one whose dV/dt is at or below
 * the threshold, such that dV/dt stays at or above it for DerivativeWindow samples. Peaks
 * with no such onset are skipped.
 */
function apBeginIndices(ctx: FeatureContext): number[] {
  const dvdt = ctx.dvdt();
  const th = ctx.settings.derivativeThreshold;
  const width = ctx.settings.derivativeWindow;
  const peaksAll = ctx.need('peak_indices');
  // (tolerates a missing min_AHP_indices, e.g. one spike whose minimum is the trace's last sample)
  const ahp = ctx.get('min_AHP_indices') ?? [];
  const sbi = ctx.stimStartIndex;
  // start two samples early so that an onset exactly at the stimulus start is not missed
  const minima = [sbi > 1 ? sbi - 2 : sbi === 1 ? 0 : sbi];
  for (const a of ahp) if (a > sbi) minima.push(a);
  const peaks = peaksAll.filter((p) => p > sbi);
  const endIndex = ctx.t.length;
  if (minima.length < peaks.length) unavailable('more peaks than AHP minima');
  const out: number[] = [];
  for (let i = 0; i < peaks.length; i++) {
    const lo = minima[i]!;
    let newBegin = peaks[i]!;
    let begin: number;
    let skip = false;
    for (;;) {
      let k = newBegin - 1;
      while (k >= lo && !(dvdt[k]! <= th)) k--;
      begin = k + 1;
      if (begin > endIndex - width) begin = endIndex - width;
      if (begin <= lo) {
        // no onset between this peak and the previous minimum
        skip = true;
        break;
      }
      newBegin = begin - 1;
      let steady = true;
      for (let j = begin; j < begin + width; j++) {
        if (dvdt[j]! < th) {
          steady = false;
          break;
        }
      }
      if (steady) break;
    }
    if (!skip) out.push(begin);
  }
  return out;
}

/** For each peak after the stimulus start: after the steepest fall before the next peak, the first sample whose dV/dt is back at or above DownDerivativeThreshold. */
function apEndIndices(ctx: FeatureContext): number[] {
  const dvdt = ctx.dvdt();
  const th = ctx.settings.downDerivativeThreshold;
  const sbi = ctx.stimStartIndex;
  const peaks = ctx.need('peak_indices').filter((p) => p > sbi);
  peaks.push(ctx.v.length - 1);
  const out: number[] = [];
  for (let i = 0; i < peaks.length - 1; i++) {
    const start = peaks[i]! + 1;
    const end = peaks[i + 1]!;
    if (start >= end || start >= dvdt.length || end >= dvdt.length) continue;
    const steepest = minIndex(dvdt, start, end);
    const k = findIndex(dvdt, steepest, end, (x) => x >= th);
    if (k !== end) out.push(k);
  }
  return out;
}

/** Index in [from, to) of the (first) sample closest to the given voltage, or from if the range is empty. */
function closestTo(v: Float64Array, from: number, to: number, level: number): number {
  let best = from;
  let bestDist = Infinity;
  for (let j = from; j < to; j++) {
    const d = Math.abs(v[j]! - level);
    if (d < bestDist) {
      bestDist = d;
      best = j;
    }
  }
  return best;
}

/** Sample closest to half height (between onset and peak) on the rising phase. */
function apRiseIndices(ctx: FeatureContext): number[] {
  const begin = ctx.need('AP_begin_indices');
  const peaks = ctx.need('peak_indices');
  const v = ctx.v;
  const n = Math.min(begin.length, peaks.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (peaks[i]! < begin[i]!) unavailable('peak and onset indices out of step');
    const half = (v[peaks[i]!]! + v[begin[i]!]!) / 2;
    out.push(closestTo(v, begin[i]!, peaks[i]!, half));
  }
  return out;
}

/** Sample closest to half height on the falling phase (between peak and AP end); 0 where they are out of step, as in eFEL. */
function apFallIndices(ctx: FeatureContext): number[] {
  const begin = ctx.need('AP_begin_indices');
  const end = ctx.need('AP_end_indices');
  const peaks = ctx.need('peak_indices');
  const v = ctx.v;
  const n = Math.min(begin.length, peaks.length);
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    if (i >= end.length || peaks[i]! > end[i]!) continue;
    const half = (v[peaks[i]!]! + v[begin[i]!]!) / 2;
    out[i] = closestTo(v, peaks[i]!, end[i]!, half);
  }
  return out;
}

/** Width at the onset voltage: from the onset to where the voltage falls back to it (before the AHP). */
function apBeginWidth(ctx: FeatureContext): number[] {
  const begin = ctx.need('AP_begin_indices');
  const ahp = ctx.need('min_AHP_indices').filter((a) => a > ctx.stimStartIndex);
  if (begin.length < ahp.length) unavailable('fewer onsets than AHPs');
  const { t, v } = ctx;
  return ahp.map((a, i) => {
    const b = begin[i]!;
    const vStart = v[b]!;
    return t[findIndex(v, b + 1, a, (x) => x <= vStart)]! - t[b]!;
  });
}

function nth(ctx: FeatureContext, name: string, k: number): number[] {
  const a = ctx.need(name);
  if (a.length <= k) unavailable(`${name} has fewer than ${k + 1} values`);
  return [a[k]!];
}

export const apOnsetFeatures: readonly FeatureDef[] = [
  cppFeature('AP_begin_indices', 'list', apBeginIndices),
  cppFeature('AP_end_indices', 'list', apEndIndices),
  cppFeature('AP_rise_indices', 'list', apRiseIndices),
  cppFeature('AP_fall_indices', 'list', apFallIndices),
  cppFeature('AP_begin_voltage', 'list', (ctx) => ctx.need('AP_begin_indices').map((k) => ctx.v[k]!)),
  cppFeature('AP_begin_time', 'list', (ctx) => ctx.need('AP_begin_indices').map((k) => ctx.t[k]!)),
  cppFeature('AP1_begin_voltage', 'scalar', (ctx) => nth(ctx, 'AP_begin_voltage', 0)),
  cppFeature('AP2_begin_voltage', 'scalar', (ctx) => nth(ctx, 'AP_begin_voltage', 1)),
  cppFeature('AP_begin_width', 'list', apBeginWidth),
  cppFeature('AP1_begin_width', 'scalar', (ctx) => nth(ctx, 'AP_begin_width', 0)),
  cppFeature('AP2_begin_width', 'scalar', (ctx) => nth(ctx, 'AP_begin_width', 1)),
  cppFeature('AP2_AP1_begin_width_diff', 'scalar', (ctx) => {
    const w = ctx.need('AP_begin_width');
    if (w.length < 2) unavailable('two spikes are needed');
    return [w[1]! - w[0]!];
  }),
];
