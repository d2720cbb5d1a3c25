/**
 * Subthreshold features (eFEL's Subthreshold.cpp: voltage_base, steady_state_voltage,
 * voltage_deflection, minimum_voltage, sag_ratio2, decay_time_constant_after_stim, ...).
 */
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { maxIndex, mean, minIndex, straightLineFit } from './numeric.ts';

/** Mean voltage over [voltage_base_start_perc, voltage_base_end_perc] x stim_start (the end included, within precision_threshold). */
function voltageBase(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  const { voltageBaseStartPerc, voltageBaseEndPerc, precisionThreshold } = ctx.settings;
  const startTime = ctx.stimStart * voltageBaseStartPerc;
  const endTime = ctx.stimStart * voltageBaseEndPerc;
  if (startTime >= endTime) unavailable('voltage_base: the window is empty (stim_start <= 0?)');
  let first = ctx.indexAt(startTime);
  if (first === t.length) first = 0; // (eFEL's default when no sample is late enough)
  let last = t.length;
  for (let i = t.length - 1; i > 0; i--) {
    if (t[i]! - endTime < precisionThreshold) {
      last = i + 1;
      break;
    }
  }
  if (last <= first) unavailable('voltage_base: no samples in the window');
  return [mean(v, first, last)];
}

/** Mean voltage after the stimulus end. */
function steadyStateVoltage(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  let sum = 0;
  let n = 0;
  for (let i = t.length - 1; i >= 0 && t[i]! > ctx.stimEnd; i--) {
    sum += v[i]!;
    n++;
  }
  return [sum / n];
}

/** Mean voltage over the last 10 % of the stimulus. */
function steadyStateVoltageStimend(ctx: FeatureContext): number[] {
  const start = ctx.indexAt(ctx.stimEnd - 0.1 * (ctx.stimEnd - ctx.stimStart));
  const stop = ctx.stimEndIndex;
  if (stop <= start) unavailable('no samples in the last 10 % of the stimulus');
  return [mean(ctx.v, start, stop)];
}

/** Mean of the 30 samples ending 5 samples before the stimulus end. */
function steadyStateHyper(ctx: FeatureContext): number[] {
  const end = ctx.stimEndIndex - 5;
  if (end < 30) unavailable('too few samples before the stimulus end');
  return [mean(ctx.v, end - 30, end)];
}

/** Mean of 5 samples just before the stimulus end minus the mean before the stimulus. */
function voltageDeflection(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  const window = 5;
  let stimEndIndex = 0;
  let base = 0;
  let baseSize = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! < ctx.stimStart) {
      base += v[i]!;
      baseSize++;
    }
    if (t[i]! > ctx.stimEnd) {
      stimEndIndex = i;
      break;
    }
  }
  if (baseSize === 0) unavailable('no samples before the stimulus');
  base /= baseSize;
  if (!(stimEndIndex >= 2 * window && stimEndIndex > window)) unavailable('no samples after the stimulus end');
  let wind = 0;
  for (let i = stimEndIndex - 2 * window; i < stimEndIndex - window; i++) wind += v[i]!;
  wind /= window;
  return [wind - base];
}

/** Mean over (5 %, 15 %] of the stimulus minus the mean before the stimulus. */
function voltageDeflectionBegin(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  const duration = ctx.stimEnd - ctx.stimStart;
  const rangeBegin = ctx.stimStart + duration * (0.1 / 2);
  const rangeStop = rangeBegin + duration * 0.1;
  let base = 0;
  let baseSize = 0;
  for (let i = 0; i < t.length && t[i]! < ctx.stimStart; i++) {
    base += v[i]!;
    baseSize++;
  }
  base /= baseSize;
  let volt = 0;
  let voltSize = 0;
  for (let i = 0; i < t.length && !(t[i]! > rangeStop); i++) {
    if (t[i]! > rangeBegin) {
      volt += v[i]!;
      voltSize++;
    }
  }
  volt /= voltSize;
  return [volt - base];
}

/** Mean voltage from 25 % to 75 % of the time between the stimulus end and the trace end. */
function voltageAfterStim(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  const tail = t[t.length - 1]! - ctx.stimEnd;
  const startTime = ctx.stimEnd + tail * 0.25;
  const endTime = ctx.stimEnd + tail * 0.75;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! >= startTime) {
      sum += v[i]!;
      n++;
    }
    if (t[i]! > endTime) break;
  }
  if (n === 0) unavailable('no samples after the stimulus');
  return [sum / n];
}

/** Samples [first at or after stim_start, first at or after stim_end) (stim_end clipped to the trace). */
function stimulusRange(ctx: FeatureContext): [number, number] {
  const t = ctx.t;
  const tLast = t[t.length - 1]!;
  if (ctx.stimStart > tLast) unavailable('stimulus start after the end of the trace');
  const from = ctx.indexAt(ctx.stimStart);
  const to = ctx.indexAt(Math.min(ctx.stimEnd, tLast));
  if (from >= t.length || to >= t.length || to <= from) unavailable('no samples in the stimulus');
  return [from, to];
}

/** Time constant of the decay from 1 to 10 ms after the stimulus end: a line fit to log|V - V(stim_start)|. */
function decayTimeConstantAfterStim(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  const { decayStartAfterStim, decayEndAfterStim } = ctx.settings;
  const reference = v[ctx.stimStartIndex]!;
  const from = ctx.indexAt(ctx.stimEnd + decayStartAfterStim);
  const to = ctx.indexAt(ctx.stimEnd + decayEndAfterStim);
  if (to <= from) unavailable('no samples in the decay window');
  const times = t.subarray(from, to);
  const logs = new Float64Array(to - from);
  for (let i = 0; i < logs.length; i++) logs[i] = Math.log(Math.abs(v[from + i]! - reference));
  return [Math.abs(-1 / straightLineFit(times, logs).slope)];
}

export const subthresholdFeatures: readonly FeatureDef[] = [
  cppFeature('voltage_base', 'scalar', voltageBase),
  cppFeature('steady_state_voltage', 'scalar', steadyStateVoltage),
  cppFeature('steady_state_voltage_stimend', 'scalar', steadyStateVoltageStimend),
  cppFeature('steady_state_hyper', 'scalar', steadyStateHyper),
  cppFeature('voltage_deflection', 'scalar', voltageDeflection),
  cppFeature('voltage_deflection_begin', 'scalar', voltageDeflectionBegin),
  cppFeature('voltage_deflection_vb_ssse', 'scalar', (ctx) => [
    ctx.need('steady_state_voltage_stimend')[0]! - ctx.need('voltage_base')[0]!,
  ]),
  cppFeature('voltage_after_stim', 'scalar', voltageAfterStim),
  cppFeature('maximum_voltage', 'scalar', (ctx) => {
    const [from, to] = stimulusRange(ctx);
    return [ctx.v[maxIndex(ctx.v, from, to)]!];
  }),
  cppFeature('minimum_voltage', 'scalar', (ctx) => {
    const [from, to] = stimulusRange(ctx);
    return [ctx.v[minIndex(ctx.v, from, to)]!];
  }),
  cppFeature('maximum_voltage_from_voltagebase', 'scalar', (ctx) => [ctx.need('maximum_voltage')[0]! - ctx.need('voltage_base')[0]!]),
  cppFeature('sag_amplitude', 'scalar', (ctx) => {
    if (ctx.need('voltage_deflection_vb_ssse')[0]! > 0) unavailable('sag_amplitude: the deflection is positive');
    return [ctx.need('steady_state_voltage_stimend')[0]! - ctx.need('minimum_voltage')[0]!];
  }),
  cppFeature('sag_ratio1', 'scalar', (ctx) => {
    const sag = ctx.need('sag_amplitude')[0]!;
    const vb = ctx.need('voltage_base')[0]!;
    const vmin = ctx.need('minimum_voltage')[0]!;
    if (vmin === vb) unavailable('voltage_base equals minimum_voltage');
    return [sag / (vb - vmin)];
  }),
  cppFeature('sag_ratio2', 'scalar', (ctx) => {
    const vb = ctx.need('voltage_base')[0]!;
    const vmin = ctx.need('minimum_voltage')[0]!;
    const ss = ctx.need('steady_state_voltage_stimend')[0]!;
    if (vmin === vb) unavailable('voltage_base equals minimum_voltage');
    return [(vb - ss) / (vb - vmin)];
  }),
  cppFeature('decay_time_constant_after_stim', 'scalar', decayTimeConstantAfterStim),
];
