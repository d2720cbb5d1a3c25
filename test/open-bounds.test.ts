import { describe, expect, it } from 'vitest';
import { Experiment, OptNeuron, Population, step, mse, type Results, type OptNeuronOptions } from '../src/index.ts';
import { Variables } from '../src/fit/variables.ts';
import { lif } from '../models/index.ts';

/** One subthreshold current step into a LIF: R·I = 9.6 mV stays below its 15 mV threshold. */
class Step extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v']);
    pop.input('I', step({ amplitude: 1.2, start: 0, stop: 60 }));
    this.simulate(60);
    return this.results();
  }
}

const truth = { tau_m: 12, R: 8, EL: -68 };

async function base(): Promise<OptNeuronOptions<Float64Array>> {
  const pop = new Population(lif, 1, { dt: 0.05 });
  pop.set(truth).reset();
  const target = (await new Step().execute(pop)).trace('v').slice();
  return {
    experiment: new Step(),
    neuronModel: lif,
    resultsSoll: target,
    getLoss: (ist: Results, soll: Float64Array) => mse(ist.trace('v'), soll) as number,
    residuals: (_ist, soll) => [{ trace: 'v', chunk: 0, target: soll }],
    // one-sided both ways (Infinity and autograd-minimize's null) and fully open
    variablesBounds: { tau_m: [0, Infinity], R: [0, null], EL: [null, null] },
    initialParams: { tau_m: 16, R: 11, EL: -62 },
    timeStep: 0.05,
    iterations: 1000,
  };
}

describe('one-sided and infinite bounds', () => {
  it('variablesBounds accepts open sides (Infinity or null) and rejects reversed or NaN ones by name', () => {
    const v = new Variables({ tau_m: [0, Infinity], EL: [null, 0], R: [-Infinity, null] }, lif);
    expect(v.fitted).toEqual([
      { name: 'tau_m', low: 0, high: Infinity },
      { name: 'EL', low: -Infinity, high: 0 },
      { name: 'R', low: -Infinity, high: Infinity },
    ]);
    expect(() => new Variables({ R: [Infinity, 1] }, lif)).toThrow(/variablesBounds.R: .*lo < Infinity/);
    expect(() => new Variables({ R: [5, -Infinity] }, lif)).toThrow(/variablesBounds.R: .*hi > -Infinity/);
    expect(() => new Variables({ R: [0, NaN] }, lif)).toThrow(/variablesBounds.R: /);
    expect(() => new Variables({ R: [5, -Infinity] as never }, lif)).toThrow(/variablesBounds.R: /);
  });

  for (const method of ['lm', 'lbfgs'] as const) {
    it(`${method} fits through softplus (one side) and the identity (both open): the LIF recovered to < 1 %`, async () => {
      const fit = await new OptNeuron({ ...(await base()), method }).run({ resultsFile: false });
      for (const [p, v] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - v) / Math.abs(v), `${method} ${p}`).toBeLessThan(0.01);
    }, 60_000);
  }

  it('a gradient fit without a start for an open variable, or asking for drawn starts, says what to give', async () => {
    const o = await base();
    await expect(new OptNeuron({ ...o, method: 'lm', initialParams: { tau_m: 16, R: 11 } }).run({ resultsFile: false })).rejects.toThrow(
      /variablesBounds.EL is \[-Infinity, Infinity\]: .*give initialParams: \{ EL/,
    );
    await expect(new OptNeuron({ ...o, method: 'adam', starts: 3 }).run({ resultsFile: false })).rejects.toThrow(/further starts are drawn inside the bounds.*starts: 1/);
  }, 60_000);

  it('the black-box searches (tpe, cmaes, and a search before a gradient fit) name the variable and what to do', () => {
    const bounds = { tau_m: [5, 30], R: [0, Infinity] } as const;
    for (const method of ['tpe', 'cmaes', 'deap', 'tpe+lbfgs']) {
      expect(() => new OptNeuron({ ...({} as OptNeuronOptions<Float64Array>), experiment: new Step(), neuronModel: lif, resultsSoll: new Float64Array(1), getLoss: () => 0, variablesBounds: bounds, method })).toThrow(
        /variablesBounds.R is \[0, Infinity\], but method .* searches a finite box: give R finite bounds, or use a gradient method/,
      );
    }
  });
});
