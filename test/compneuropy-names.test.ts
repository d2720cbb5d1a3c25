import { describe, expect, it } from 'vitest';
import { Experiment, Monitor, OptNeuron, Population, step, type Results } from '../src/index.ts';
import { parseMethod } from '../src/fit/method.ts';
import { cmaesOptionsFromCompNeuroPy } from '../src/search/compneuropy-cma.ts';
import { lif } from '../models/index.ts';

/** Written as a CompNeuroPy user writes it: its own Monitor, assigned to this.monitors. */
class MyExp extends Experiment {
  run(pop: Population): Results {
    this.monitors = new Monitor(pop, ['v']);
    pop.input('I', step({ amplitude: 1.2, start: 0, stop: 40 }));
    this.simulate(40);
    this.reset();
    pop.input('I', step({ amplitude: 0.6, start: 0, stop: 40 }));
    this.simulate(40);
    return this.results();
  }
}

describe("CompNeuroPy's names", () => {
  it("recordings carry '<pop>;<var>' as [time × neuron]: the whole batch outside a fit", async () => {
    const pop = new Population(lif, 3, { dt: 0.1, name: 'pop_lif' });
    pop.set({ R: [6, 8, 10] });
    const results = await new MyExp().execute(pop);
    const v = results.recordings[1]!['pop_lif;v']!;
    expect(v).toHaveLength(400);
    expect(v[0]).toHaveLength(3);
    expect(v[399]![2]).toBeCloseTo(results.forNeuron(2).trace('v', 1)[399]!, 12);
    // a Monitor made directly, and assigned, is in results(); a one-neuron view holds one column
    expect(results.forNeuron(1).recordings[0]!['pop_lif;v']![10]).toEqual([results.forNeuron(1).trace('v')[10]]);
    expect(() => new Population(lif, 1, { name: 'a;b' })).toThrow(/without ';'/);
  });

  it("method 'hyperopt' is TPE and 'deap' is CMA-ES with cma_params_dict; the loss reads 'pop;var' as CompNeuroPy's does", async () => {
    expect(parseMethod('hyperopt')).toEqual({ search: 'tpe' });
    expect(parseMethod('deap+lbfgs')).toEqual({ search: 'cmaes', refine: 'lbfgs' });
    expect(cmaesOptionsFromCompNeuroPy({ lambda_: 12, sigma: 0.2 })).toEqual({ popSize: 12, sigma0: 0.2 });
    expect(() => cmaesOptionsFromCompNeuroPy({ ccov1: 0.1 })).toThrow(/'ccov1' is not supported/);
    // inside a fit the population carries the model's name
    const truthPop = new Population(lif, 1, { dt: 0.1 });
    const key = `${lif.name};v` as const;
    truthPop.set({ R: 8 });
    const target = await new MyExp().execute(truthPop);
    const getLoss = (ist: Results, soll: Results) => {
      // rec_ist[0][pop + ';v'][:, neuron], as CompNeuroPy's example loss
      let s = 0;
      for (const chunk of [0, 1]) {
        const a = ist.recordings[chunk]![key]!;
        const b = soll.recordings[chunk]![key]!;
        a.forEach((row, t) => (s += (row[0]! - b[t]![0]!) ** 2));
      }
      return s;
    };
    for (const method of ['hyperopt', 'deap']) {
      const fit = await new OptNeuron<Results>({
        experiment: new MyExp(),
        neuronModel: lif,
        resultsSoll: target,
        getLoss,
        variablesBounds: { R: [2, 20] },
        timeStep: 0.1,
        method,
        seed: 1,
        ...(method === 'deap' ? { cmaParams: { lambda_: 8, sigma: 0.3 } } : {}),
      }).run({ maxEvals: 80, resultsFile: false });
      expect(Math.abs(fit.params.R! - 8), method).toBeLessThan(0.5);
    }
  }, 120_000);
});
