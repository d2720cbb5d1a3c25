/**
 * Rise and fall of the action potential (eFEL's SpikeShape.cpp: AP_rise_time, AP_fall_time,
 * AP_rise_rate, AP_fall_rate, AP_peak_upstroke, AP_peak_downstroke, AP_phaseslope; and the
 * Python phaseslope_max).
 */
import { relativeChange } from './ap-amplitude.ts';
import { cppFeature, pyFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { maxIndex, minIndex } from './numeric.ts';

/** Onsets paired with the peaks that come after the first onset (AP_begin_indices only covers peaks after the stimulus start). */
function onsetPeakPairs(ctx: FeatureContext): { begin: number[]; peaks: number[] } {
  const begin = ctx.need('AP_begin_indices');
  const all = ctx.need('peak_indices');
  const peaks = all.filter((p) => p > begin[0]!);
  // eFEL sizes the result by all the peaks; pairs past the shorter list do not exist
  const n = Math.min(begin.length, all.length, peaks.length);
  return { begin: begin.slice(0, n), peaks: peaks.slice(0, n) };
}

/** Peaks after the stimulus start paired with the AP ends. */
function peakEndPairs(ctx: FeatureContext): { peaks: number[]; end: number[] } {
  const all = ctx.need('peak_indices');
  const end = ctx.need('AP_end_indices');
  const peaks = all.filter((p) => ctx.t[p]! > ctx.stimStart);
  const n = Math.min(all.length, end.length, peaks.length);
  return { peaks: peaks.slice(0, n), end: end.slice(0, n) };
}

/** Time from the onset (rise_start_perc of the amplitude) to the peak (rise_end_perc). */
function apRiseTime(ctx: FeatureContext): number[] {
  const { begin, peaks } = onsetPeakPairs(ctx);
  const { t, v } = ctx;
  const { risePercStart, risePercEnd } = ctx.settings;
  return begin.map((b, i) => {
    const p = peaks[i]!;
    const amplitude = v[p]! - v[b]!;
    const vBegin = v[b]! + risePercStart * amplitude;
    const vEnd = v[b]! + risePercEnd * amplitude;
    // (the small margins absorb the rounding of vBegin and vEnd at 0 % and 100 %)
    let j = b;
    while (j < p && v[j]! < vBegin - 1e-13) j++;
    const from = j;
    j = p;
    while (j > b && v[j]! > vEnd + 1e-13) j--;
    return t[j]! - t[from]!;
  });
}

function apPeakUpstroke(ctx: FeatureContext): number[] {
  const begin = ctx.need('AP_begin_indices');
  const peaks = ctx.need('peak_indices');
  const dvdt = ctx.dvdt();
  // pair each onset with the first peak at or after it
  const paired: number[] = [];
  let j = 0;
  for (const b of begin) {
    while (j < peaks.length && peaks[j]! < b) j++;
    if (j < peaks.length) paired.push(peaks[j++]!);
  }
  const n = Math.min(begin.length, paired.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(dvdt[maxIndex(dvdt, begin[i]!, paired[i]!)]!);
  return out;
}

function apPeakDownstroke(ctx: FeatureContext): number[] {
  const ahp = ctx.need('min_AHP_indices');
  const peaks = ctx.need('peak_indices');
  const dvdt = ctx.dvdt();
  const n = Math.min(ahp.length, peaks.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(dvdt[minIndex(dvdt, peaks[i]!, ahp[i]!)]!);
  return out;
}

/** Slope of dV/dt against V around each onset, over +-AP_phaseslope_range samples. */
function apPhaseslope(ctx: FeatureContext): number[] {
  const begin = ctx.need('AP_begin_indices');
  const range = ctx.settings.apPhaseslopeRange;
  const dvdt = ctx.dvdt();
  const v = ctx.v;
  return begin.map((b) => {
    const lo = b - range;
    const hi = b + range;
    if (lo < 0 || hi >= v.length) unavailable('onset too close to the trace ends');
    if (v[hi]! - v[lo]! === 0) unavailable('flat voltage around an onset');
    return (dvdt[hi]! - dvdt[lo]!) / (v[hi]! - v[lo]!);
  });
}

function phaseslopeMax(ctx: FeatureContext): number[] | null {
  const { t, v } = ctx;
  if (v.length < 2) return null;
  let best = -Infinity;
  for (let i = 1; i < v.length; i++) {
    const s = (v[i]! - v[i - 1]!) / (t[i]! - t[i - 1]!);
    if (s > best) best = s;
  }
  return [best];
}

export const apKineticsFeatures: readonly FeatureDef[] = [
  cppFeature('AP_rise_time', 'list', apRiseTime),
  cppFeature('AP_fall_time', 'list', (ctx) => {
    const { peaks, end } = peakEndPairs(ctx);
    return end.map((e, i) => ctx.t[e]! - ctx.t[peaks[i]!]!);
  }),
  cppFeature('AP_rise_rate', 'list', (ctx) => {
    const { begin, peaks } = onsetPeakPairs(ctx);
    const { t, v } = ctx;
    return begin.map((b, i) => (v[peaks[i]!]! - v[b]!) / (t[peaks[i]!]! - t[b]!));
  }),
  cppFeature('AP_fall_rate', 'list', (ctx) => {
    const { peaks, end } = peakEndPairs(ctx);
    const { t, v } = ctx;
    return end.map((e, i) => (v[e]! - v[peaks[i]!]!) / (t[e]! - t[peaks[i]!]!));
  }),
  cppFeature('AP_rise_rate_change', 'list', (ctx) => relativeChange(ctx.need('AP_rise_rate'))),
  cppFeature('AP_fall_rate_change', 'list', (ctx) => relativeChange(ctx.need('AP_fall_rate'))),
  cppFeature('AP_peak_upstroke', 'list', apPeakUpstroke),
  cppFeature('AP_peak_downstroke', 'list', apPeakDownstroke),
  cppFeature('AP_phaseslope', 'list', apPhaseslope),
  pyFeature('phaseslope_max', 'scalar', phaseslopeMax),
];
