import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Monitor, OptNeuron, Population, coincidenceFactor, ouCurrent, syntheticSweeps, traceFitOptions, waveform } from '../src/index.ts';
import { adex } from '../models/index.ts';

const hidden = { C: 150, gL: 10, EL: -68, VT: -52, DeltaT: 1.5, a: 3, tauw: 150, b: 40, Vr: -55 };
// Pospischil RS cell's fluctuating input in pA (mean 1.2 µA/cm², SD 2 over its area), τ 5 ms, 4 s
const perUA = Math.PI * 61.4e-4 * 61.4e-4 * 1e6;
const current = (seed: number, mean = 1.2, sd = 2) => ouCurrent({ mean: mean * perUA, sd: sd * perUA, tau: 5, duration: 4000, sampleDt: 0.1, seed });
const record = (I: Float64Array) => syntheticSweeps(adex, { currents: [I], dt: 0.005, sampleDt: 0.1, params: hidden, peak: 0 })[0]!;

describe('fluctuating input with every default: AdEx recovered from a 4 s Ornstein–Uhlenbeck current', () => {
  it('predicts two unseen realisations (one with another mean and SD) at Γ >= 0.95', async () => {
    const fitted = record(current(101));
    const fit = await new OptNeuron(
      traceFitOptions({ model: adex, sweeps: [fitted], fit: Object.keys(hidden), seed: 1, workers: availableParallelism(), onWarning: () => {} }),
    ).run({ resultsFile: false });
    // the defaults chose: the coincidence loss, a coarser step than the fine one
    expect(fit.timeSteps!.search).toBeGreaterThan(fit.timeSteps!.fine);
    for (const unseen of [record(current(202)), record(current(303, 0.9, 2.5))]) {
      const pop = new Population(adex, 1, { dt: fit.timeSteps!.fine });
      pop.set(fit.params).reset();
      pop.input('I', waveform(unseen.I, 0.1));
      const mon = new Monitor(pop, ['spike'], { period: 0.1 });
      pop.simulate(4000);
      expect(coincidenceFactor(mon.chunks()[0]!.spikes[0]!, unseen.spikes!, 4000)).toBeGreaterThanOrEqual(0.95);
    }
  }, 600_000);
});
