/**
 * Spike-count and inter-spike-interval features of eFEL's Python layer
 * (efel/pyfeatures: spike_count, ISI_values, ISI_CV, ISI_log_slope, inv_first_ISI, ...).
 */
import { pyFeature, type FeatureContext, type FeatureDef } from './context.ts';
import { mean, polyfitSlope, sampleStd } from './numeric.ts';

/** All ISIs, without the first if ignore_first_ISI is set (eFEL's default). */
function isiValues(ctx: FeatureContext): number[] | null {
  const all = ctx.get('all_ISI_values');
  if (all === null) return null;
  return ctx.settings.ignoreFirstISI ? all.slice(1) : all.slice();
}

function isiCv(ctx: FeatureContext): number[] | null {
  const isi = ctx.get('ISI_values');
  if (isi === null || isi.length < 2) return null;
  return [sampleStd(isi) / mean(isi)];
}

/** Slope of log(ISI) against log(n) (or n for the semi-log variant), after skipping the first ISIs if asked. */
function isiLogSlope(ctx: FeatureContext, semilog: boolean, skip: boolean): number[] | null {
  let isi = ctx.get('ISI_values');
  if (isi === null || isi.length === 0) return null;
  if (skip) {
    const { spikeSkipf, maxSpikeSkip } = ctx.settings;
    isi = isi.slice(Math.min(maxSpikeSkip, Math.trunc((isi.length + 1) * spikeSkipf + 0.5)));
  }
  const x = isi.map((_, i) => (semilog ? i + 1 : Math.log(i + 1)));
  const slope = polyfitSlope(x, isi.map(Math.log));
  return slope === null ? null : [slope];
}

function invIsi(ctx: FeatureContext, which: number | 'last'): number[] | null {
  const inv = ctx.get('inv_ISI_values');
  if (inv === null || inv.length === 0) return null;
  const k = which === 'last' ? inv.length - 1 : which;
  return k < inv.length ? [inv[k]!] : null;
}

function spikeCountStimint(ctx: FeatureContext): number[] {
  const pt = ctx.get('peak_time');
  if (pt === null) return [0];
  return [pt.filter((x) => ctx.stimStart <= x && x <= ctx.stimEnd).length];
}

/** [0] if no spike is outside [stim_start, 1.05 stim_end], else null. */
function traceCheck(ctx: FeatureContext): number[] | null {
  const pt = ctx.get('peak_time');
  if (pt === null) return [0];
  return pt.every((x) => x >= ctx.stimStart && x <= ctx.stimEnd * 1.05) ? [0] : null;
}

/** The slow AHP after an initial burst (ISIs above initburst_freq_threshold): the minimum voltage from 5 to 100 ms after its last spike. */
function initburstSahp(ctx: FeatureContext): number[] | null {
  const pt = ctx.get('peak_time');
  const all = ctx.get('all_ISI_values');
  if (pt === null || all === null) return null;
  const { initburstFreqThreshold, initburstSahpStart, initburstSahpEnd } = ctx.settings;
  let lastIsi = -1;
  for (let i = 0; i < all.length; i++) {
    if (1000 / all[i]! < initburstFreqThreshold) break;
    lastIsi = i;
  }
  if (lastIsi < 0) return null;
  const lastPeak = lastIsi + 1;
  const lastPeakTime = pt[lastPeak]!;
  const start = Math.min(lastPeakTime + initburstSahpStart, ctx.stimEnd);
  const end =
    lastPeak + 1 < pt.length
      ? Math.min(lastPeakTime + initburstSahpEnd, pt[lastPeak + 1]!, ctx.stimEnd)
      : Math.min(lastPeakTime + initburstSahpEnd, ctx.stimEnd);
  if (end <= start) return null;
  const { t, v } = ctx;
  let best = Infinity;
  for (let i = ctx.indexAt(start); i < t.length && t[i]! <= end; i++) if (v[i]! < best) best = v[i]!;
  return best === Infinity ? null : [best];
}

function initburstSahpMinus(ctx: FeatureContext, reference: string): number[] | null {
  const sahp = ctx.get('initburst_sahp');
  const ref = ctx.get(reference);
  if (sahp === null || ref === null || sahp.length !== 1 || ref.length !== 1) return null;
  return [sahp[0]! - ref[0]!];
}

const spikeCount = (ctx: FeatureContext): number[] => [ctx.get('peak_indices')?.length ?? 0];

export const isiFeatures: readonly FeatureDef[] = [
  pyFeature('spike_count', 'scalar', spikeCount),
  pyFeature('Spikecount', 'scalar', spikeCount),
  pyFeature('spike_count_stimint', 'scalar', spikeCountStimint),
  pyFeature('Spikecount_stimint', 'scalar', spikeCountStimint),
  pyFeature('trace_check', 'scalar', traceCheck),
  pyFeature('ISIs', 'list', (ctx) => ctx.get('all_ISI_values')),
  pyFeature('ISI_values', 'list', isiValues),
  pyFeature('ISI_CV', 'scalar', isiCv),
  pyFeature('single_burst_ratio', 'scalar', (ctx) => {
    const isi = ctx.get('ISI_values');
    if (isi === null || isi.length < 2) return null;
    return [isi[0]! / mean(isi)];
  }),
  pyFeature('irregularity_index', 'scalar', (ctx) => {
    const isi = ctx.get('ISI_values');
    if (isi === null) return null;
    // (NaN for fewer than two ISIs, the mean of an empty array in numpy)
    return [mean(isi.slice(1).map((x, i) => Math.abs(x - isi[i]!)))];
  }),
  pyFeature('ISI_log_slope', 'scalar', (ctx) => isiLogSlope(ctx, false, false)),
  pyFeature('ISI_semilog_slope', 'scalar', (ctx) => isiLogSlope(ctx, true, false)),
  pyFeature('ISI_log_slope_skip', 'scalar', (ctx) => isiLogSlope(ctx, false, true)),
  pyFeature('inv_ISI_values', 'list', (ctx) => ctx.get('all_ISI_values')?.map((x) => 1000 / x) ?? null),
  pyFeature('inv_first_ISI', 'scalar', (ctx) => invIsi(ctx, 0)),
  pyFeature('inv_second_ISI', 'scalar', (ctx) => invIsi(ctx, 1)),
  pyFeature('inv_third_ISI', 'scalar', (ctx) => invIsi(ctx, 2)),
  pyFeature('inv_fourth_ISI', 'scalar', (ctx) => invIsi(ctx, 3)),
  pyFeature('inv_fifth_ISI', 'scalar', (ctx) => invIsi(ctx, 4)),
  pyFeature('inv_last_ISI', 'scalar', (ctx) => invIsi(ctx, 'last')),
  pyFeature('initburst_sahp', 'scalar', initburstSahp),
  pyFeature('initburst_sahp_vb', 'scalar', (ctx) => initburstSahpMinus(ctx, 'voltage_base')),
  pyFeature('initburst_sahp_ssse', 'scalar', (ctx) => initburstSahpMinus(ctx, 'steady_state_voltage_stimend')),
];
