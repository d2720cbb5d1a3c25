import { expect, it } from 'vitest';
import { OptNeuron, coincidenceFactor, syntheticSweeps, traceFitOptions } from '../../src/index.ts';
import { izhikevich } from '../../models/index.ts';

/** Izhikevich (2003), Fig. 2: the five cortical types' (a, b, c, d). */
export const IZHIKEVICH_TYPES: Record<string, Record<string, number>> = {
  'regular spiking (RS)': { a: 0.02, b: 0.2, c: -65, d: 8 },
  'intrinsically bursting (IB)': { a: 0.02, b: 0.2, c: -55, d: 4 },
  'chattering (CH)': { a: 0.02, b: 0.2, c: -50, d: 2 },
  'fast spiking (FS)': { a: 0.1, b: 0.2, c: -65, d: 2 },
  'low-threshold spiking (LTS)': { a: 0.02, b: 0.25, c: -65, d: 2 },
};
// the data are simulated at the fine step the fit confirms at
const protocol = { start: 100, stop: 900, duration: 1000, dt: 0.005, sampleDt: 0.1 };
const SEEDS = [1, 2, 3, 4, 5];
const NEEDED = 4;

/**
 * Γ with its window narrowed where the data fire too fast for ±2 ms: at 316 Hz (FS at 20)
 * chance coincidences 2·rate·δ exceed 1 and Γ of a train with itself is far below 0.
 */
function gamma(model: Float64Array, data: Float64Array, duration: number): number {
  const rate = data.length / duration;
  return coincidenceFactor(model, data, duration, Math.min(2, 0.25 / Math.max(rate, 1e-9)));
}

/** One fit with every default (no maxEvals, loss or timeStep: what `neurofit fit-trace --fit a,b,c,d` does): did it recover the type? */
async function recovered(truth: Record<string, number>, seed: number): Promise<{ ok: boolean; why: string }> {
  const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [10, 15], peak: 30 });
  const fit = await new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], seed, onWarning: () => {} })).run({ resultsFile: false });
  const error = Math.max(...Object.keys(truth).map((p) => Math.abs(fit.params[p]! / truth[p]! - 1)));
  const target = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [7, 20] });
  const model = syntheticSweeps(izhikevich, { ...protocol, params: fit.params, amplitudes: [7, 20] });
  const g = [0, 1].map((k) => gamma(model[k]!.spikes!, target[k]!.spikes!, protocol.stop - protocol.start));
  return { ok: error < 0.01 && g.every((x) => x >= 0.995), why: `seed ${seed}: largest relative error ${(100 * error).toFixed(2)} %, Γ unseen ${g.map((x) => x.toFixed(3)).join(' / ')}` };
}

/**
 * The test for one type: a, b, c, d within 1 % and Γ 1.00 on the unseen steps 7 and
 * 20 for at least 4 of seeds 1–5. Seeds are fitted in order until the verdict is settled
 * (4 recovered, or 2 not), so the fifth runs only when it decides.
 */
export function recoversType(type: string): void {
  const truth = IZHIKEVICH_TYPES[type]!;
  it(`${type}: a, b, c, d within 1 % and Γ 1.00 on the unseen steps 7 and 20, for ${NEEDED} of seeds 1–5`, async () => {
    const outcomes: { ok: boolean; why: string }[] = [];
    for (const seed of SEEDS) {
      outcomes.push(await recovered(truth, seed));
      const good = outcomes.filter((o) => o.ok).length;
      if (good >= NEEDED || outcomes.length - good > SEEDS.length - NEEDED) break;
    }
    const good = outcomes.filter((o) => o.ok).length;
    expect(good, outcomes.map((o) => o.why).join('; ')).toBeGreaterThanOrEqual(NEEDED);
  }, 1_800_000);
}
