/**
 * computeFeatures: validates and interpolates the trace once, then computes the requested
 * features in one shared context, so that intermediates (peaks, AHPs, onsets, dV/dt, ...)
 * are computed once.
 */
import { FeatureContext } from './context.ts';
import { prepareTrace } from './prepare.ts';
import { FEATURE_NAMES, FEATURE_TABLE } from './registry.ts';
import type { FeatureInput, FeatureValue } from './types.ts';

function checkNames(names: readonly string[]): void {
  const unknown = names.filter((n) => !FEATURE_TABLE.has(n));
  if (unknown.length > 0) {
    const list = unknown.map((n) => `'${n}'`).join(', ');
    throw new Error(`features: unknown feature name${unknown.length > 1 ? 's' : ''} ${list}; known features: ${FEATURE_NAMES.join(', ')}`);
  }
}

/**
 * Computes the requested features (default: all of {@link FEATURE_NAMES}) of a trace, with
 * eFEL's definitions: the trace is first linearly interpolated to interpStep (0.1 ms).
 * Scalar features give a number, per-spike (or per-burst) features an array; a feature eFEL
 * cannot compute (e.g. spike features without spikes) is null.
 * @throws Error for an unknown feature name or an invalid trace.
 *
 * ```ts
 * const f = computeFeatures({ t: sweep.t, v: sweep.v, stimStart: 50, stimEnd: 550 }, ['Spikecount', 'mean_frequency']);
 * f.Spikecount;     // a number
 * f.mean_frequency; // Hz
 * ```
 */
export function computeFeatures(input: FeatureInput, names: readonly string[] = FEATURE_NAMES): Record<string, FeatureValue> {
  if (!Array.isArray(names)) throw new Error('features: names must be an array of feature names');
  checkNames(names);
  const ctx = new FeatureContext(prepareTrace(input), FEATURE_TABLE);
  const out: Record<string, FeatureValue> = {};
  for (const name of names) {
    const raw = ctx.get(name);
    const def = FEATURE_TABLE.get(name)!;
    out[name] = raw === null ? null : def.shape === 'scalar' ? (raw[0] ?? null) : raw.slice();
  }
  return out;
}
