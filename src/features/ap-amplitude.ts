/**
 * Peak voltages and action-potential amplitudes (eFEL's SpikeShape.cpp: peak_voltage,
 * AP_amplitude, AP1_amp, mean_AP_amplitude, amp_drop_*, ...).
 */
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';

/** Peak voltage minus onset voltage, for the peaks inside [stim_start, stim_end]. */
function apAmplitude(ctx: FeatureContext): number[] {
  const pt = ctx.need('peak_time');
  const pv = ctx.need('peak_voltage');
  const begin = ctx.need('AP_begin_indices');
  const during = pv.filter((_, i) => pt[i]! >= ctx.stimStart && pt[i]! <= ctx.stimEnd);
  if (during.length > begin.length) unavailable('more peaks during the stimulus than AP onsets');
  return during.map((x, i) => x - ctx.v[begin[i]!]!);
}

/** (x[i] - x[0]) / x[0] for i >= 1. */
export function relativeChange(x: readonly number[]): number[] {
  return x.slice(1).map((xi) => (xi - x[0]!) / x[0]!);
}

/** x[i+1] - x[i]. */
export function differences(x: readonly number[]): number[] {
  return x.slice(1).map((xi, i) => xi - x[i]!);
}

function element(ctx: FeatureContext, name: string, k: number | 'last', atLeast = 1): number[] {
  const a = ctx.need(name);
  if (a.length < atLeast) unavailable(`${name} needs at least ${atLeast} values`);
  return [a[k === 'last' ? a.length - 1 : k]!];
}

function atLeast(ctx: FeatureContext, name: string, n: number): number[] {
  const a = ctx.need(name);
  if (a.length < n) unavailable(`at least ${n} spikes are needed`);
  return a;
}

export const apAmplitudeFeatures: readonly FeatureDef[] = [
  cppFeature('peak_voltage', 'list', (ctx) => ctx.need('peak_indices').map((k) => ctx.v[k]!)),
  cppFeature('AP_height', 'list', (ctx) => ctx.need('peak_voltage')),
  cppFeature('AP_amplitude', 'list', apAmplitude),
  cppFeature('AP1_amp', 'scalar', (ctx) => element(ctx, 'AP_amplitude', 0)),
  cppFeature('AP2_amp', 'scalar', (ctx) => element(ctx, 'AP_amplitude', 1, 2)),
  cppFeature('APlast_amp', 'scalar', (ctx) => element(ctx, 'AP_amplitude', 'last')),
  cppFeature('mean_AP_amplitude', 'scalar', (ctx) => {
    const a = ctx.need('AP_amplitude');
    let s = 0;
    for (const x of a) s += x;
    return [s / a.length];
  }),
  cppFeature('AP_amplitude_change', 'list', (ctx) => relativeChange(ctx.need('AP_amplitude'))),
  cppFeature('AP_amplitude_diff', 'list', (ctx) => differences(ctx.need('AP_amplitude'))),
  cppFeature('AP_amplitude_from_voltagebase', 'list', (ctx) => {
    const vb = ctx.need('voltage_base')[0]!;
    return ctx.need('peak_voltage').map((x) => x - vb);
  }),
  cppFeature('AP1_peak', 'scalar', (ctx) => element(ctx, 'peak_voltage', 0)),
  cppFeature('AP2_peak', 'scalar', (ctx) => element(ctx, 'peak_voltage', 1, 2)),
  cppFeature('AP2_AP1_diff', 'scalar', (ctx) => {
    const a = atLeast(ctx, 'AP_amplitude', 2);
    return [a[1]! - a[0]!];
  }),
  cppFeature('AP2_AP1_peak_diff', 'scalar', (ctx) => {
    const p = atLeast(ctx, 'peak_voltage', 2);
    return [p[1]! - p[0]!];
  }),
  cppFeature('amp_drop_first_second', 'scalar', (ctx) => {
    const p = atLeast(ctx, 'peak_voltage', 2);
    return [p[0]! - p[1]!];
  }),
  cppFeature('amp_drop_first_last', 'scalar', (ctx) => {
    const p = atLeast(ctx, 'peak_voltage', 2);
    return [p[0]! - p[p.length - 1]!];
  }),
  cppFeature('amp_drop_second_last', 'scalar', (ctx) => {
    const p = atLeast(ctx, 'peak_voltage', 3);
    return [p[1]! - p[p.length - 1]!];
  }),
  cppFeature('max_amp_difference', 'scalar', (ctx) => {
    const p = atLeast(ctx, 'peak_voltage', 2);
    return [p.slice(1).reduce((m, x, i) => Math.max(m, p[i]! - x), -Infinity)];
  }),
];
