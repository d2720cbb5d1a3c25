/**
 * Burst features: eFEL's "strict" burst detection on the ISIs (SpikeEvent.cpp:
 * burst_begin_indices, strict_burst_mean_freq, postburst_* ...) and the burst features of
 * its Python layer (burst_ISI_indices, burst_mean_freq, burst_number, interburst_voltage,
 * spikes_per_burst ...).
 */
import { cppFeature, pyFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { median } from '../numeric/quantile.ts';
import { firstMinIndex, findIndex, maxIndex, mean, minIndex } from './numeric.ts';

interface StrictBursts {
  begin: number[];
  end: number[];
}

/**
 * Strict burst detection on all ISIs (the first one ignored): a burst ends at an ISI longer
 * than strict_burst_factor times the median of the ISIs since the burst began, and begins at
 * an ISI shorter than the previous one over the factor. Indices are ISI indices.
 */
function strictBursts(ctx: FeatureContext): StrictBursts {
  return ctx.once('strictBursts', () => {
    const isi = ctx.need('all_ISI_values');
    if (isi.length < 2) unavailable('at least 3 spikes are needed for bursts');
    const factor = ctx.settings.strictBurstFactor;
    const firstIsi = ctx.settings.ignoreFirstISI ? 1 : 0;
    let count = firstIsi;
    const begin = [firstIsi];
    const end: number[] = [];
    for (let i = firstIsi + 1; i < isi.length; i++) {
      const med = median(isi.slice(count, i));
      const inBurst = end.length === 0 || begin[begin.length - 1]! > end[end.length - 1]!;
      if (inBurst && isi[i]! > factor * med) {
        end.push(i);
        count = i;
      }
      if (isi[i]! < isi[i - 1]! / factor) {
        // (as in eFEL, "in burst" is the state before this ISI's end test)
        if (inBurst) begin[begin.length - 1] = i;
        else begin.push(i);
        count = i;
      }
    }
    if (end.length === 0 || begin[begin.length - 1]! > end[end.length - 1]!) end.push(isi.length);
    return { begin, end };
  });
}

function strictBurstMeanFreq(ctx: FeatureContext): number[] {
  const pt = ctx.need('peak_time');
  const { begin, end } = strictBursts(ctx);
  const freq: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    if (end[i]! - begin[i]! > 0) {
      const span = pt[end[i]!]! - pt[begin[i]!]!;
      freq.push(((end[i]! - begin[i]! + 1) * 1000) / span);
    }
  }
  return freq;
}

function strictInterburstVoltage(ctx: FeatureContext): number[] {
  const peaks = ctx.need('peak_indices');
  const { begin } = strictBursts(ctx);
  const { t, v } = ctx;
  const out: number[] = [];
  for (let i = 1; i < begin.length; i++) {
    let ts = peaks[begin[i]! - 1]!;
    const tStart = t[ts]! + 5;
    let te = peaks[begin[i]!]!;
    const tEnd = t[te]! - 5;
    let j = ts;
    while (j < te && !(t[j]! > tStart)) j++;
    ts = j - 1;
    j = te;
    while (j > ts && !(t[j]! < tEnd)) j--;
    te = j + 1;
    out.push(mean(v, ts, te + 1));
  }
  return out;
}

/** The peak indices and the strict-burst end indices (ISI indices, i.e. the index of each burst's last spike). */
function burstEndPeaks(ctx: FeatureContext): { peaks: number[]; end: number[] } {
  return { peaks: ctx.need('peak_indices'), end: ctx.need('burst_end_indices') };
}

function interburstMin(ctx: FeatureContext): number[] {
  const { peaks, end } = burstEndPeaks(ctx);
  const out: number[] = [];
  for (let i = 0; i < end.length && end[i]! + 1 < peaks.length; i++) {
    out.push(minIndex(ctx.v, peaks[end[i]!]!, peaks[end[i]! + 1]!));
  }
  return out;
}

function postburstMin(ctx: FeatureContext): number[] {
  const { peaks, end } = burstEndPeaks(ctx);
  const stimEndIndex = ctx.stimEndIndex;
  const n = ctx.v.length;
  const out: number[] = [];
  for (let i = 0; i < end.length; i++) {
    const from = peaks[end[i]!]!;
    let k: number;
    if (end[i]! + 1 < peaks.length) k = minIndex(ctx.v, from, peaks[end[i]! + 1]!);
    else if (from < stimEndIndex) {
      k = minIndex(ctx.v, from, stimEndIndex);
      if (k === stimEndIndex) continue;
    } else {
      k = minIndex(ctx.v, from, n);
      if (k === n) continue;
    }
    out.push(k);
  }
  return out;
}

function postburstSlowAhp(ctx: FeatureContext): number[] {
  const { peaks, end } = burstEndPeaks(ctx);
  const { t, v } = ctx;
  const stimEndIndex = ctx.stimEndIndex;
  const n = t.length;
  const out: number[] = [];
  for (let i = 0; i < end.length; i++) {
    const from = peaks[end[i]!]!;
    const tStart = t[from]! + ctx.settings.sahpStart;
    const limit = end[i]! + 1 < peaks.length ? peaks[end[i]! + 1]! : from < stimEndIndex ? stimEndIndex : n;
    const startIndex = findIndex(t, from, limit, (x) => x >= tStart);
    if (end[i]! + 1 >= peaks.length && startIndex >= limit) continue;
    out.push(minIndex(v, startIndex, limit));
  }
  return out;
}

function postburstFastAhp(ctx: FeatureContext): number[] {
  const { peaks, end } = burstEndPeaks(ctx);
  const { t, v } = ctx;
  const starts: number[] = [];
  const ends: number[] = [];
  for (const e of end) {
    starts.push(peaks[e]!);
    if (e + 1 < peaks.length) ends.push(peaks[e + 1]!);
  }
  const endIndex = t[starts[starts.length - 1]!]! < ctx.stimEnd ? ctx.stimEndIndex : t.length;
  if (ends.length < starts.length) ends.push(endIndex);
  const out: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    const k = firstMinIndex(v, starts[i]!, ends[i]!);
    if (k !== endIndex - 1) out.push(k);
  }
  return out;
}

function postburstAdpPeak(ctx: FeatureContext): number[] {
  const fast = ctx.need('postburst_fast_ahp_indices');
  const slow = ctx.need('postburst_slow_ahp_indices');
  if (slow.length > fast.length) unavailable('more slow than fast post-burst AHPs');
  const out: number[] = [];
  for (let i = 0; i < slow.length; i++) {
    if (slow[i]! < fast[i]!) continue;
    const k = maxIndex(ctx.v, fast[i]!, slow[i]!);
    if (k < slow[i]! - 1) out.push(k);
  }
  return out;
}

/** Time from the last spike of each burst to the given per-burst indices. */
function timeFromBurstEnd(ctx: FeatureContext, indicesName: string): number[] {
  const indices = ctx.need(indicesName);
  const pt = ctx.need('peak_time');
  const end = ctx.need('burst_end_indices');
  if (end.length < indices.length) unavailable(`fewer burst ends than ${indicesName}`);
  return indices.map((k, i) => ctx.t[k]! - pt[end[i]!]!);
}

function timeToPostburstAdpPeak(ctx: FeatureContext): number[] {
  const adp = ctx.need('postburst_adp_peak_indices');
  const pt = ctx.need('peak_time');
  const end = ctx.need('burst_end_indices');
  if (end.length < adp.length) unavailable('fewer burst ends than ADP peaks');
  return adp.map((k, i) => {
    // there is not always an ADP peak after each burst: take the last spike before it
    let j = 0;
    while (end[i]! + j + 1 < pt.length && pt[end[i]! + j + 1]! < ctx.t[k]!) j++;
    return ctx.t[k]! - pt[end[i]! + j]!;
  });
}

function interburstPercentIndices(ctx: FeatureContext, fraction: number): number[] {
  const fast = ctx.need('postburst_fast_ahp_indices');
  const peaks = ctx.need('peak_indices');
  const end = ctx.need('burst_end_indices');
  const t = ctx.t;
  const out: number[] = [];
  for (let i = 0; i < fast.length; i++) {
    if (i < end.length && end[i]! + 1 < peaks.length) {
      const interval = t[peaks[end[i]! + 1]!]! - t[fast[i]!]!;
      const at = t[fast[i]!]! + interval * fraction;
      const k = ctx.indexAt(at);
      if (k >= ctx.v.length) unavailable('interburst fraction past the end of the trace');
      out.push(k);
    }
  }
  return out;
}

/** Indices (into the ISIs without the first) where a burst starts: a long ISI followed by a short one. */
function burstIsiIndices(ctx: FeatureContext): number[] | null {
  const isi = ctx.get('ISI_values');
  if (isi === null || isi.length < 4) return null;
  const bf = ctx.settings.burstFactor;
  const out: number[] = [];
  let count = -1;
  for (let i = 1; i < isi.length - 1; i++) {
    const since = isi.slice(count + 1, i);
    if (since.length === 0) continue;
    if (isi[i]! > bf * median(since) && isi[i + 1]! < isi[i]! / bf) {
      out.push(i + 1);
      count = i - 1;
    }
  }
  return out.length === 0 ? null : out;
}

function burstMeanFreq(ctx: FeatureContext): number[] | null {
  const pt = ctx.get('peak_time');
  const idx = ctx.get('burst_ISI_indices');
  if (idx === null || pt === null) return null;
  const bi = [...idx, pt.length - 1];
  const out = [((bi[0]! + 1) * 1000) / (pt[bi[0]!]! - pt[0]!)];
  for (let i = 0; i < bi.length - 1; i++) {
    if (bi[i + 1]! - bi[i]! !== 1) out.push(((bi[i + 1]! - bi[i]!) * 1000) / (pt[bi[i + 1]!]! - pt[bi[i]! + 1]!));
  }
  return out;
}

function interburstVoltage(ctx: FeatureContext): number[] | null {
  const peaks = ctx.get('peak_indices');
  const idx = ctx.get('burst_ISI_indices');
  if (peaks === null || idx === null) return null;
  const { t, v } = ctx;
  return idx.map((k) => {
    const tStart = t[peaks[k]!]! + 5;
    const startIdx = ctx.indexAt(tStart) - 1; // the last sample before tStart
    const tEnd = t[peaks[k + 1]!]! - 5;
    const endIdx = findIndex(t, 0, t.length, (x) => x > tEnd);
    if (startIdx < 0 || endIdx >= t.length) unavailable('no samples around the interburst interval'); // numpy raises
    return mean(v, startIdx, endIdx + 1);
  });
}

function spikesPerBurst(ctx: FeatureContext): number[] | null {
  const begin = ctx.get('burst_begin_indices');
  const end = ctx.get('burst_end_indices');
  if (begin === null || end === null || begin.length < 1) return null;
  const n = Math.min(begin.length, end.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(end[i]! - begin[i]! + 1);
  return out;
}

function spikesPerBurstDiff(ctx: FeatureContext): number[] | null {
  const s = ctx.get('spikes_per_burst');
  if (s === null || s.length < 2) return null;
  return s.slice(0, -1).map((x, i) => x - s[i + 1]!);
}

const PERCENTS = [15, 20, 25, 30, 40, 60] as const;

export const burstFeatures: readonly FeatureDef[] = [
  cppFeature('burst_begin_indices', 'list', (ctx) => strictBursts(ctx).begin),
  cppFeature('burst_end_indices', 'list', (ctx) => strictBursts(ctx).end),
  cppFeature('strict_burst_mean_freq', 'list', strictBurstMeanFreq),
  pyFeature('strict_burst_number', 'scalar', (ctx) => [ctx.get('strict_burst_mean_freq')?.length ?? 0]),
  cppFeature('strict_interburst_voltage', 'list', strictInterburstVoltage),
  cppFeature('interburst_min_indices', 'list', interburstMin),
  cppFeature('interburst_min_values', 'list', (ctx) => ctx.need('interburst_min_indices').map((k) => ctx.v[k]!)),
  cppFeature('time_to_interburst_min', 'list', (ctx) => timeFromBurstEnd(ctx, 'interburst_min_indices')),
  cppFeature('postburst_min_indices', 'list', postburstMin),
  cppFeature('postburst_min_values', 'list', (ctx) => ctx.need('postburst_min_indices').map((k) => ctx.v[k]!)),
  cppFeature('postburst_slow_ahp_indices', 'list', postburstSlowAhp),
  cppFeature('postburst_slow_ahp_values', 'list', (ctx) => ctx.need('postburst_slow_ahp_indices').map((k) => ctx.v[k]!)),
  cppFeature('time_to_postburst_slow_ahp', 'list', (ctx) => timeFromBurstEnd(ctx, 'postburst_slow_ahp_indices')),
  cppFeature('postburst_fast_ahp_indices', 'list', postburstFastAhp),
  cppFeature('postburst_fast_ahp_values', 'list', (ctx) => ctx.need('postburst_fast_ahp_indices').map((k) => ctx.v[k]!)),
  cppFeature('time_to_postburst_fast_ahp', 'list', (ctx) => timeFromBurstEnd(ctx, 'postburst_fast_ahp_indices')),
  cppFeature('postburst_adp_peak_indices', 'list', postburstAdpPeak),
  cppFeature('postburst_adp_peak_values', 'list', (ctx) => ctx.need('postburst_adp_peak_indices').map((k) => ctx.v[k]!)),
  cppFeature('time_to_postburst_adp_peak', 'list', timeToPostburstAdpPeak),
  ...PERCENTS.flatMap((p) => [
    cppFeature(`interburst_${p}percent_indices`, 'list', (ctx) => interburstPercentIndices(ctx, p / 100)),
    cppFeature(`interburst_${p}percent_values`, 'list', (ctx) => ctx.need(`interburst_${p}percent_indices`).map((k) => ctx.v[k]!)),
  ]),
  cppFeature('interburst_duration', 'list', (ctx) => {
    const pt = ctx.need('peak_time');
    const end = ctx.need('burst_end_indices');
    const out: number[] = [];
    for (const e of end) if (e + 1 < pt.length) out.push(pt[e + 1]! - pt[e]!);
    return out;
  }),
  pyFeature('burst_ISI_indices', 'list', burstIsiIndices),
  pyFeature('burst_mean_freq', 'list', burstMeanFreq),
  pyFeature('burst_number', 'scalar', (ctx) => [ctx.get('burst_mean_freq')?.length ?? 0]),
  pyFeature('interburst_voltage', 'list', interburstVoltage),
  pyFeature('spikes_per_burst', 'list', spikesPerBurst),
  pyFeature('spikes_per_burst_diff', 'list', spikesPerBurstDiff),
  pyFeature('spikes_in_burst1_burst2_diff', 'scalar', (ctx) => {
    const d = ctx.get('spikes_per_burst_diff');
    return d === null || d.length < 1 ? null : [d[0]!];
  }),
  pyFeature('spikes_in_burst1_burstlast_diff', 'scalar', (ctx) => {
    const s = ctx.get('spikes_per_burst');
    return s === null || s.length < 2 ? null : [s[0]! - s[s.length - 1]!];
  }),
];
