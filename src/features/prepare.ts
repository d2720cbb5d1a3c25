/**
 * Input validation and preparation (interpolation) of a trace for feature extraction.
 */
import { interpolateTrace } from './interpolate.ts';
import { DEFAULT_SETTINGS, type FeatureInput, type FeatureSettings, type PreparedTrace } from './types.ts';

/** Largest interpolated grid accepted, to catch a step given in the wrong unit. */
const MAX_GRID_POINTS = 1e8;

function finiteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`features: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** Checks the input; throws an Error saying what is wrong (and where). */
export function validateInput(input: FeatureInput): void {
  if (input === null || typeof input !== 'object') throw new Error('features: the input must be an object { t, v, stimStart, stimEnd }');
  const { t, v } = input;
  if (t == null || typeof t.length !== 'number') throw new Error('features: t must be an array of times (ms)');
  if (v == null || typeof v.length !== 'number') throw new Error('features: v must be an array of voltages (mV)');
  if (t.length !== v.length) throw new Error(`features: t and v differ in length (${t.length} and ${v.length})`);
  if (t.length < 2) throw new Error(`features: at least 2 samples are needed, got ${t.length}`);
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (typeof ti !== 'number' || !Number.isFinite(ti)) throw new Error(`features: t[${i}] is ${Number.isNaN(ti) ? 'NaN' : String(ti)}`);
    const vi = v[i];
    if (typeof vi !== 'number' || !Number.isFinite(vi)) throw new Error(`features: v[${i}] is ${Number.isNaN(vi) ? 'NaN' : String(vi)}`);
    if (i > 0 && !(ti > t[i - 1]!)) {
      throw new Error(`features: t must be strictly increasing, but t[${i}] = ${ti} <= t[${i - 1}] = ${t[i - 1]}`);
    }
  }
  const stimStart = finiteNumber('stimStart', input.stimStart);
  const stimEnd = finiteNumber('stimEnd', input.stimEnd);
  if (!(stimStart < stimEnd)) throw new Error(`features: stimStart (${stimStart}) must be less than stimEnd (${stimEnd})`);
  if (input.threshold !== undefined) finiteNumber('threshold', input.threshold);
  if (input.derivativeThreshold !== undefined) finiteNumber('derivativeThreshold', input.derivativeThreshold);
  if (input.interpStep !== undefined) {
    const step = finiteNumber('interpStep', input.interpStep);
    if (!(step > 0)) throw new Error(`features: interpStep must be positive, got ${step}`);
  }
  const step = input.interpStep ?? DEFAULT_SETTINGS.interpStep;
  const points = (t[t.length - 1]! - t[0]!) / step;
  if (points > MAX_GRID_POINTS) {
    throw new Error(`features: interpolating ${t[t.length - 1]! - t[0]!} ms at interpStep ${step} ms would make ${Math.ceil(points)} points; is the step in ms?`);
  }
}

/** Validates the input, applies the default settings and interpolates the trace. */
export function prepareTrace(input: FeatureInput): PreparedTrace {
  validateInput(input);
  const settings: FeatureSettings = {
    ...DEFAULT_SETTINGS,
    threshold: input.threshold ?? DEFAULT_SETTINGS.threshold,
    derivativeThreshold: input.derivativeThreshold ?? DEFAULT_SETTINGS.derivativeThreshold,
    interpStep: input.interpStep ?? DEFAULT_SETTINGS.interpStep,
  };
  const { t, v } = interpolateTrace(input.t, input.v, settings.interpStep);
  return { t, v, stimStart: input.stimStart, stimEnd: input.stimEnd, settings: Object.freeze(settings) };
}
