import { describe, expect, it } from 'vitest';
import { fitRecording, modelFeatures, recordingTargets } from '../examples/fit-efel-recording.ts';
import { Population, Monitor, step, defineNeuron } from '../src/index.ts';

describe('a fit to a real recording', () => {
  it('a stimulus amplitude can be a per-neuron parameter', () => {
    const m = defineNeuron({ name: 'int', parameters: { I: 0, amp: 0 }, equations: 'dx/dt = I : init = 0' });
    const pop = new Population(m, 3, { dt: 0.1 });
    pop.set({ amp: [1, 2, 3] });
    pop.input('I', step({ amplitude: 'amp', start: 1, stop: 3 }));
    const mon = new Monitor(pop, ['I']);
    pop.simulate(4);
    expect(Array.from(pop.get('x')).map((x) => +x.toFixed(9))).toEqual([2, 4, 6]);
    expect(mon.chunks()[0]!.values.get('I')![2 * 40 + 15]).toBe(3);
  });

  it('AdEx with the step amplitude fitted reproduces the eFEL recording\'s features', async () => {
    const fit = await fitRecording({ maxEvals: 3000, seed: 1, resultsFile: false });
    const model = modelFeatures(fit.results);
    const target = recordingTargets();
    expect(model.Spikecount).toBe(target.Spikecount!.mean);
    for (const name of ['mean_frequency', 'time_to_first_spike', 'voltage_base'] as const) {
      const want = target[name]!.mean;
      expect(Math.abs((model[name] as number) - want) / Math.abs(want), name).toBeLessThan(0.1);
    }
    expect(fit.params.amp).toBeGreaterThan(20);
  }, 300_000);
});
