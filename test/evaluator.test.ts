import { describe, expect, it } from 'vitest';
import { Evaluator, Experiment, OptNeuron, Population, step, type Results } from '../src/index.ts';
import { lif } from '../models/index.ts';

/** One step; counts how often it ran and on how many neurons. */
class Step extends Experiment {
  calls: number[] = [];
  run(pop: Population): Results {
    this.calls.push(pop.size);
    this.monitors.add(['v', 'spike']);
    pop.input('I', step({ amplitude: 3, start: 10, stop: 190 }));
    this.simulate(200);
    return this.results();
  }
}

const loss = (ist: Results, soll: Results) => (ist.spikes().length - soll.spikes().length) ** 2 + Math.abs(ist.trace('v')[150]! - soll.trace('v')[150]!) / 100;

describe('Evaluator', () => {
  it('simulates the target once, then each batch as one population, and scores every point', async () => {
    const experiment = new Step();
    const evaluator = new Evaluator({ experiment, getLoss: loss, variablesBounds: { tau_m: [5, 30] }, neuronModel: lif, targetNeuronModel: lif, targetParameters: { tau_m: 15 } });
    const first = await evaluator.evaluate([{ tau_m: 15 }, { tau_m: 6 }, { tau_m: 29 }]);
    expect(first.map((e) => e.params.tau_m)).toEqual([15, 6, 29]);
    expect(first[0]!.loss).toBe(0); // the target's own parameters, the same noise
    expect(first[1]!.loss).toBeGreaterThan(0);
    expect(first.every((e) => e.lossSd === 0)).toBe(true);
    await evaluator.evaluate([{ tau_m: 20 }]);
    expect(experiment.calls).toEqual([1, 3, 1]);
  });

  it('a point whose expressions fail is a failed evaluation, not a failed batch', async () => {
    const experiment = new Step();
    const evaluator = new Evaluator({ experiment, getLoss: () => 1, variablesBounds: { tau_m: [5, 30], R: 'log(tau_m - 10)' }, neuronModel: lif, resultsSoll: 0 });
    const [bad, good] = await evaluator.evaluate([{ tau_m: 6 }, { tau_m: 20 }]);
    expect(bad).toEqual({ params: { tau_m: 6 }, loss: NaN, lossSd: NaN });
    expect(good!.loss).toBe(1);
    expect(good!.params.R).toBeCloseTo(Math.log(10), 12);
    expect(experiment.calls).toEqual([1]);
  });

  it('is what OptNeuron evaluates with: the same evaluations, bit for bit', async () => {
    const options = { experiment: Step, getLoss: loss, variablesBounds: { tau_m: [5, 30] as [number, number] }, neuronModel: lif, targetNeuronModel: lif, targetParameters: { tau_m: 15 }, seed: 3 };
    const points = [{ tau_m: 7.5 }, { tau_m: 12.25 }, { tau_m: 21 }];
    expect(await new Evaluator(options).evaluate(points)).toEqual(await new OptNeuron(options).evaluateBatch(points));
  });

  it('checks its options before any simulation', () => {
    const experiment = new Step();
    const base = { experiment, getLoss: () => 0, variablesBounds: { tau_m: [5, 30] as [number, number] }, neuronModel: lif, resultsSoll: 0 };
    expect(() => new Evaluator({ ...base, timeStep: 0 })).toThrow(/timeStep must be > 0 ms, got 0/);
    expect(() => new Evaluator({ ...base, targetNeuronModel: lif })).toThrow(/exactly one of resultsSoll and targetNeuronModel \(got both\)/);
    expect(() => new Evaluator({ ...base, resultsSoll: undefined, targetNeuronModel: lif, targetParameters: { tau_x: 1 } })).toThrow(/targetParameters.tau_x is not a parameter of 'lif'/);
    expect(experiment.calls).toEqual([]);
  });
});
