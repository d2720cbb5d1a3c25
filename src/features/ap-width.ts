/**
 * Action-potential widths and durations (eFEL's SpikeShape.cpp: AP_width,
 * AP_duration_half_width, spike_half_width, spike_width2, AP_duration,
 * AP_width_between_threshold, ...).
 */
import { relativeChange } from './ap-amplitude.ts';
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { centralDifference, findIndex } from './numeric.ts';

/**
 * Time above the spike threshold, in each interval [previous AHP, AHP) (the first from the
 * start of the trace): from the first sample at or above the threshold to the next one at or
 * below it.
 */
function apWidth(ctx: FeatureContext): number[] {
  ctx.need('peak_indices');
  const bounds = [0, ...ctx.need('min_AHP_indices')];
  return thresholdWidths(ctx, bounds, false);
}

/** As AP_width, but between the minima between peaks, from the stimulus start, and only where the voltage comes back down. */
function apWidthBetweenThreshold(ctx: FeatureContext): number[] {
  const bounds = [ctx.stimStartIndex, ...ctx.need('min_between_peaks_indices')];
  return thresholdWidths(ctx, bounds, true);
}

function thresholdWidths(ctx: FeatureContext, bounds: readonly number[], onlyComplete: boolean): number[] {
  const { t, v } = ctx;
  const th = ctx.settings.threshold;
  const out: number[] = [];
  for (let i = 0; i < bounds.length - 1; i++) {
    const last = bounds[i + 1]!;
    const onset = findIndex(v, bounds[i]!, last, (x) => x >= th);
    const end = findIndex(v, onset, last, (x) => x <= th);
    if (onlyComplete && end === last) continue;
    out.push(t[end]! - t[onset]!);
  }
  return out;
}

/**
 * Full width at half height, half height between the peak and the following AHP, with the
 * crossing times linearly interpolated between samples. The first spike's rising phase is
 * searched from the stimulus start.
 */
function spikeHalfWidth(ctx: FeatureContext): number[] {
  const peaks = ctx.need('peak_indices');
  const ahp = [ctx.stimStartIndex, ...ctx.need('min_AHP_indices')];
  const { t, v } = ctx;
  const out: number[] = [];
  for (let i = 1; i < ahp.length; i++) {
    const p = peaks[i - 1]!;
    const half = (v[p]! + v[ahp[i]!]!) / 2;
    const rise = findIndex(v, ahp[i - 1]!, p, (x) => x >= half);
    const tDevRise = ((t[rise]! - t[rise - 1]!) * (half - v[rise]!)) / (v[rise]! - v[rise - 1]!);
    const fall = findIndex(v, p, ahp[i]!, (x) => x <= half);
    const tDevFall = ((t[fall]! - t[fall - 1]!) * (half - v[fall]!)) / (v[fall]! - v[fall - 1]!);
    out.push(t[fall]! - tDevRise - t[rise]! + tDevFall);
  }
  return out;
}

/**
 * Width at half height between the spike's own threshold (where the second derivative of V
 * is largest between the previous AHP and the peak) and the peak, for every spike but the
 * first, with linear interpolation of the crossings.
 */
function spikeWidth2(ctx: FeatureContext): number[] {
  const peaks = ctx.need('peak_indices');
  const ahp = ctx.need('min_AHP_indices');
  if (peaks.length <= 1) unavailable('more than one spike is needed');
  const { t, v } = ctx;
  const dx = t[1]! - t[0]!;
  const out: number[] = [];
  for (let i = 0; i < ahp.length && i < peaks.length - 1; i++) {
    const a = ahp[i]!;
    const p = peaks[i + 1]!;
    const seg = v.subarray(a, p + 1);
    if (seg.length < 2) unavailable('AHP after the next peak');
    const d2 = centralDifference(dx, centralDifference(dx, seg));
    let dMax = d2[0]!;
    let index = 0;
    for (let j = 1; j < d2.length; j++) {
      if (dMax <= d2[j]!) {
        dMax = d2[j]!;
        index = j;
      }
    }
    index += a;
    const half = (v[p]! + v[index]!) / 2;
    for (let j = 0; j < seg.length; j++) {
      if (seg[j]! > half) {
        index = a + j;
        break;
      }
    }
    const tStart = t[index - 1]! + ((half - v[index - 1]!) / (v[index]! - v[index - 1]!)) * dx;
    for (let j = p; j < v.length; j++) {
      if (v[j]! < half) {
        index = j;
        break;
      }
    }
    const tEnd = t[index - 1]! + ((half - v[index - 1]!) / (v[index]! - v[index - 1]!)) * dx;
    out.push(tEnd - tStart);
  }
  return out;
}

function element(ctx: FeatureContext, name: string, k: number | 'last'): number[] {
  const a = ctx.need(name);
  const i = k === 'last' ? a.length - 1 : k;
  if (i >= a.length) unavailable(`${name} has fewer than ${i + 1} values`);
  return [a[i]!];
}

export const apWidthFeatures: readonly FeatureDef[] = [
  cppFeature('AP_width', 'list', apWidth),
  cppFeature('AP_width_between_threshold', 'list', apWidthBetweenThreshold),
  cppFeature('AP_duration', 'list', (ctx) => {
    const begin = ctx.need('AP_begin_indices');
    const end = ctx.need('AP_end_indices');
    const n = Math.min(begin.length, end.length);
    return begin.slice(0, n).map((b, i) => ctx.t[end[i]!]! - ctx.t[b]!);
  }),
  cppFeature('AP_duration_change', 'list', (ctx) => relativeChange(ctx.need('AP_duration'))),
  cppFeature('AP_duration_half_width', 'list', (ctx) => {
    const rise = ctx.need('AP_rise_indices');
    const fall = ctx.need('AP_fall_indices');
    return rise.map((r, i) => ctx.t[fall[i]!]! - ctx.t[r]!);
  }),
  cppFeature('AP_duration_half_width_change', 'list', (ctx) => relativeChange(ctx.need('AP_duration_half_width'))),
  cppFeature('spike_half_width', 'list', spikeHalfWidth),
  cppFeature('AP1_width', 'scalar', (ctx) => element(ctx, 'spike_half_width', 0)),
  cppFeature('AP2_width', 'scalar', (ctx) => element(ctx, 'spike_half_width', 1)),
  cppFeature('APlast_width', 'scalar', (ctx) => element(ctx, 'spike_half_width', 'last')),
  cppFeature('spike_width2', 'list', spikeWidth2),
];
