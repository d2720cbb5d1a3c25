/**
 * The Izhikevich recovery problem shared by bench/fit.ts and bench/reduction.ts: the RS
 * cell's a, b, c, d refitted from two synthetic 1 s sweeps (steps of 10 and 15 from 100 to
 * 900 ms, dt 0.01 ms), checked by the coincidence factor on other amplitudes.
 */
import { coincidenceFactor, syntheticSweeps } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';

export const truth = { a: 0.02, b: 0.2, c: -65, d: 8 };
export const protocol = { start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1 };
/** The two fitted sweeps (steps 10 and 15). */
export const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [10, 15], peak: 30 });

/** Mean coincidence factor (Δ = 2 ms) of the model with `params` against the truth on steps of these amplitudes. */
export function recoveryGamma(params: Record<string, number>, amplitudes: number[]): number {
  const target = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes });
  const model = syntheticSweeps(izhikevich, { ...protocol, params, amplitudes });
  const gs = amplitudes.map((_, k) => coincidenceFactor(model[k]!.spikes!, target[k]!.spikes!, protocol.stop - protocol.start));
  return gs.reduce((a, b) => a + b, 0) / gs.length;
}
