import { describe, expect, it } from 'vitest';
import { OptNeuron, coincidenceFactor, syntheticSweeps, traceFitOptions } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';

/** Izhikevich (2003), Fig. 2: the cortical types' (a, b, c, d). */
const TYPES: Record<string, Record<string, number>> = {
  'regular spiking (RS)': { a: 0.02, b: 0.2, c: -65, d: 8 },
  'intrinsically bursting (IB)': { a: 0.02, b: 0.2, c: -55, d: 4 },
  'chattering (CH)': { a: 0.02, b: 0.2, c: -50, d: 2 },
  'low-threshold spiking (LTS)': { a: 0.02, b: 0.25, c: -65, d: 2 },
};
// the data are simulated at the fine step the fit confirms at
const protocol = { start: 100, stop: 900, duration: 1000, dt: 0.005, sampleDt: 0.1 };

describe('every default (loss, budget, time step) recovers Izhikevich’s cortical types from steps of 10 and 15', () => {
  for (const [type, truth] of Object.entries(TYPES)) {
    it(`${type}: a, b, c, d within 1 %, Γ 1.00 on the unseen steps 7 and 20`, async () => {
      const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [10, 15], peak: 30 });
      // no maxEvals, no loss, no timeStep: what `neurofit fit-trace --fit a,b,c,d` does
      const fit = await new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], seed: 1, onWarning: () => {} })).run({});
      for (const p of Object.keys(truth)) expect(Math.abs(fit.params[p]! / truth[p]! - 1), p).toBeLessThan(0.01);
      const target = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [7, 20] });
      const model = syntheticSweeps(izhikevich, { ...protocol, params: fit.params, amplitudes: [7, 20] });
      for (let k = 0; k < 2; k++) expect(coincidenceFactor(model[k]!.spikes!, target[k]!.spikes!, 800)).toBeGreaterThanOrEqual(0.995);
    }, 300_000);
  }
});
