import { describe, expect, it } from 'vitest';
import { OptNeuron, ouCurrent, syntheticSweeps, traceFitOptions, Population, waveform, Monitor, type NeuronModel } from '../src/index.ts';
import { spikeAgreement } from '../src/fit/time-step.ts';
import { adex, izhikevich } from '../models/index.ts';

/** Spike times of `model` with `params` replaying a sweep's current at step dt. */
function spikesAt(model: NeuronModel, params: Record<string, number>, I: ArrayLike<number>, sampleDt: number, dt: number): Float64Array {
  const pop = new Population(model, 1, { dt });
  pop.set(params).reset();
  pop.input('I', waveform(I, sampleDt));
  const mon = new Monitor(pop, ['spike'], { period: sampleDt });
  pop.simulate(I.length * sampleDt);
  return mon.chunks()[0]!.spikes[0]!;
}

describe("timeStep 'auto': search at a coarse step, confirm at the fine one", () => {
  it('spikeAgreement pairs spikes within the tolerance, each once', () => {
    expect(spikeAgreement([10, 20.3, 30], [10.1, 20, 45], 0.5)).toEqual({ matched: 2, total: 3 });
    expect(spikeAgreement([], [], 1)).toEqual({ matched: 0, total: 0 });
  });

  for (const [name, model, sweeps, fitted] of [
    ['Izhikevich (steps)', izhikevich, syntheticSweeps(izhikevich, { amplitudes: [10, 15], start: 100, stop: 900, duration: 1000, dt: 0.005, sampleDt: 0.1, peak: 30 }), ['a', 'b', 'c', 'd']],
    ['AdEx (fluctuating current)', adex, syntheticSweeps(adex, { currents: [ouCurrent({ mean: 300, sd: 150, tau: 5, duration: 1000, sampleDt: 0.1, seed: 4 })], dt: 0.005, sampleDt: 0.1, peak: 0 }), ['C', 'gL', 'b', 'VT']],
  ] as const) {
    it(`${name}: searches coarser than 0.01 ms, and the result's spikes agree with dt 0.005 within 0.1 ms`, async () => {
      const fit = await new OptNeuron(traceFitOptions({ model, sweeps: [...sweeps], fit: [...fitted], seed: 1, onWarning: () => {} })).run({ maxEvals: 600, resultsFile: false });
      const steps = fit.timeSteps!;
      expect(steps.search).toBeGreaterThan(0.01);
      expect(steps.fine).toBeLessThanOrEqual(0.005);
      expect(steps.why).toMatch(/% of spikes at .* ms within 1 ms/);
      // what the fit returns is the fine step's: its recorded spikes are those at dt 0.005
      for (let k = 0; k < sweeps.length; k++) {
        const reference = spikesAt(model, fit.params, sweeps[k]!.I, 0.1, 0.005);
        const returned = fit.results.spikes(k);
        expect(returned.length).toBe(reference.length);
        expect(spikeAgreement(returned, reference, 0.1).matched).toBe(reference.length);
      }
      expect(fit.loss).toBe(steps.fineLoss);
    }, 120_000);
  }
});
