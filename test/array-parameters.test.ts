import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineNeuron, Experiment, OptNeuron, Population, step, mse, type Results, type OptNeuronOptions } from '../src/index.ts';
import { countFitted, Variables } from '../src/fit/variables.ts';
import { fitFingerprint } from '../src/fit/fingerprint.ts';

/**
 * A leaky integrate-and-fire membrane (threshold far above these steps) driven in sweep k by
 * a step of unknown amplitude amp_k: `s_k` is 1 during sweep k's step and 0 otherwise, so
 * amp_k enters the equation and its forward sensitivity carries the gradient.
 */
const SWEEPS = 3;
const lifSteps = defineNeuron({
  name: 'lif-steps',
  parameters: { tau: 10, R: 5, EL: -70, amp_0: 0, amp_1: 0, amp_2: 0, s_0: 0, s_1: 0, s_2: 0 },
  equations: 'dv/dt = (EL - v + R * (amp_0 * s_0 + amp_1 * s_1 + amp_2 * s_2)) / tau : init = -70',
});

/** One sweep per amplitude; the loss and the experiment read sweep k as chunk k. */
class Sweeps extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v']);
    for (let k = 0; k < SWEEPS; k++) {
      pop.input(`s_${k}`, step({ amplitude: 1, start: 10, stop: 40 }));
      this.simulate(50);
      this.reset();
    }
    return this.results();
  }
}

const truth = [1.3, 2.1, 0.7];

async function base(): Promise<OptNeuronOptions<Float64Array[]>> {
  const pop = new Population(lifSteps, 1, { dt: 0.1 });
  pop.set({ amp_0: truth[0]!, amp_1: truth[1]!, amp_2: truth[2]! }).reset();
  const r = await new Sweeps().execute(pop);
  const target = Array.from({ length: SWEEPS }, (_, k) => r.trace('v', k).slice());
  return {
    experiment: new Sweeps(),
    neuronModel: lifSteps,
    resultsSoll: target,
    // summed over sweeps: a tfjs scalar under gradient fitting, a number otherwise
    getLoss: (ist: Results, soll: Float64Array[]) => soll.map((t, k) => mse(ist.trace('v', k), t)) as never,
    residuals: (_ist, soll) => soll.map((target, chunk) => ({ trace: 'v', chunk, target })),
    variablesBounds: { amp: [[0, 0, 0], [4, 4, 4]] },
    timeStep: 0.1,
    iterations: 200,
  };
}

describe('array-valued parameters (per-sweep step amplitudes)', () => {
  for (const method of ['lbfgs', 'lm'] as const) {
    it(`${method} recovers each sweep's amplitude to < 1 % through OptNeuron; fit.arrays and the results file keep the shape`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'arr-')), 'fit.json');
      const fit = await new OptNeuron({ ...(await base()), method }).run({ resultsFile: file });
      expect(fit.arrays.amp).toHaveLength(SWEEPS);
      fit.arrays.amp!.forEach((a, k) => expect(Math.abs(a - truth[k]!) / truth[k]!, `${method} amp[${k}] = ${a}`).toBeLessThan(0.01));
      // params stays flat (it can go to pop.set): the elements' scalars
      expect(fit.params.amp_1).toBe(fit.arrays.amp![1]);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.arrays.amp).toEqual(fit.arrays.amp);
      expect(saved.arrayVariables).toEqual([{ name: 'amp', elements: ['amp_0', 'amp_1', 'amp_2'] }]);
      expect(saved.fitted.map((f: { name: string }) => f.name)).toEqual(['amp_0', 'amp_1', 'amp_2']);
    }, 60_000);
  }

  it('a mask holds elements fixed: only the others are fitted (and reach the loss at their held value)', async () => {
    const o = await base();
    const opt = new OptNeuron({ ...o, method: 'lbfgs', variablesBounds: { amp: { bounds: [[0, 0, 0], [4, 4, 4]], mask: [true, false, true], init: [1, truth[1]!, 1] } } });
    expect(opt.variables.fitted.map((f) => f.name)).toEqual(['amp_0', 'amp_2']);
    const fit = await opt.run({ resultsFile: false });
    expect(fit.arrays.amp![1]).toBe(truth[1]);
    for (const k of [0, 2]) expect(Math.abs(fit.arrays.amp![k]! - truth[k]!) / truth[k]!).toBeLessThan(0.01);
  }, 60_000);

  it('cmaes searches the elements as dimensions', async () => {
    const fit = await new OptNeuron({ ...(await base()), method: 'cmaes', seed: 2 }).run({ maxEvals: 600, resultsFile: false });
    fit.arrays.amp!.forEach((a, k) => expect(Math.abs(a - truth[k]!) / truth[k]!, `amp[${k}] = ${a}`).toBeLessThan(0.01));
  }, 60_000);

  it('malformed array bounds are refused, naming the variable and what to give', () => {
    const v = (amp: unknown) => () => new Variables({ amp } as never, lifSteps);
    expect(v([[0, 0], [4, 4, 4]])).toThrow(/variablesBounds.amp: 2 lower bounds but 3 upper bounds/);
    expect(v([[0, 5, 0], [4, 4, 4]])).toThrow(/variablesBounds.amp\[1\]: lower bound 5 > upper bound 4/);
    expect(v({ bounds: [[0, 0, 0], [4, 4, 4]], mask: [true, false] })).toThrow(/variablesBounds.amp: the mask has 2 entries for 3 elements/);
    expect(v({ bounds: [[0, 0, 0], [4, 4, 4]], init: [1] })).toThrow(/variablesBounds.amp: init has 1 entries for 3 elements/);
    expect(v([[0, 2, 0], [4, 2, 4]])).toThrow(/variablesBounds.amp\[1\]: both bounds are 2; .*mask\[1\] = false/);
    expect(v({ bounds: [[0, null, 0], [4, 4, 4]], mask: [true, false, true] })).toThrow(/amp\[1\] is held by the mask but has no finite value: give init\[1\]/);
    expect(v([[0, 0, 0, 0], [4, 4, 4, 4]])).toThrow(/element 3 of array 'amp' is the scalar 'amp_3', but 'amp_3' is not a parameter/);
    expect(() => new Variables({ amp: [[0, 0, 0], [4, 4, 4]], amp_1: 2 }, lifSteps)).toThrow(/'amp_1' is given twice/);
    const ok = new Variables({ amp: [[0, 0, 0], [4, 4, 4]], tau: 12 }, lifSteps);
    expect(ok.arrays).toEqual([{ name: 'amp', elements: ['amp_0', 'amp_1', 'amp_2'] }]);
    expect(ok.shape({ amp_0: 1, amp_1: 2, amp_2: 3 })).toEqual({ amp: [1, 2, 3] });
    // what the CLI sizes its default budget by
    expect(countFitted({ amp: [[0, 0, 0], [4, 4, 4]], tau: [5, 20], R: 5 })).toBe(4);
    expect(countFitted({ amp: { bounds: [[0, 0, 0], [4, 4, 4]], mask: [true, false, true] } })).toBe(2);
  });

  it('a resume tells array bounds and masks apart (the fingerprint holds them)', async () => {
    const o = await base();
    const settings = { method: 'lbfgs', seed: 0, timeStep: 0.1, numRepLoss: 1 };
    const of = (variablesBounds: OptNeuronOptions['variablesBounds']) => fitFingerprint({ ...o, variablesBounds }, settings).variables;
    const bounds = [[0, 0, 0], [4, 4, 4]] as const;
    expect(of({ amp: { bounds, mask: [true, false, true] } })).not.toBe(of({ amp: { bounds, mask: [true, true, false] } }));
    expect(of({ amp: bounds })).not.toBe(of({ amp: [[0, 0, 0], [4, 4, 5]] }));
  });
});
