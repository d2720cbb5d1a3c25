import { describe, expect, it } from 'vitest';
import { defineNeuron, Experiment, OptNeuron, Population, step, mse, syntheticSweeps, traceFitOptions, type Results, type OptNeuronOptions } from '../src/index.ts';
import { lif } from '../models/index.ts';
import { miniBatches } from '../src/gradient/strategies/first-order.ts';
import { bestIndex } from '../src/plot/specs.ts';

/** A leaky membrane (a LIF whose threshold these steps never reach), one sweep per step amplitude. */
const leaky = defineNeuron({ name: 'leaky', parameters: { tau: 10, R: 5, EL: -70, I: 0 }, equations: 'dv/dt = (EL - v + R * I) / tau : init = -70' });
const AMPLITUDES = [0.5, 1, 1.5, 2, 2.5, 3];

/** Loops over this.sweepsToRun(n), so a mini-batch runs only its sweeps; counts the chunks each run simulates. */
class Steps extends Experiment {
  readonly simulated: number[] = [];
  run(pop: Population): Results {
    this.monitors.add(['v']);
    const sweeps = this.sweepsToRun(AMPLITUDES.length);
    this.simulated.push(sweeps.length);
    for (const k of sweeps) {
      pop.input('I', step({ amplitude: AMPLITUDES[k]!, start: 5, stop: 35 }));
      this.simulate(40);
      this.reset();
    }
    return this.results();
  }
}

const truth = { tau: 12, R: 6 };

async function base(experiment: Experiment): Promise<OptNeuronOptions<Float64Array[]>> {
  const pop = new Population(leaky, 1, { dt: 0.1 });
  pop.set(truth).reset();
  const r = await new Steps().execute(pop);
  return {
    experiment,
    neuronModel: leaky,
    resultsSoll: AMPLITUDES.map((_, k) => r.trace('v', k).slice()),
    // chunk j is sweep ist.sweeps[j]: the same loss serves the whole data and a mini-batch
    getLoss: (ist: Results, soll: Float64Array[]) => ist.sweeps.map((k, j) => mse(ist.trace('v', j), soll[k]!)) as never,
    variablesBounds: { tau: [5, 30], R: [2, 10] },
    method: 'adam',
    learningRate: 0.05,
    iterations: 300,
  };
}

describe('mini-batches in gradient fits (Adam, SGD, RMSProp)', () => {
  it('Adam on 2 of 6 sweeps per step reaches the parameters the full-batch fit reaches (< 1 % of the truth), each step simulating only its 2', async () => {
    const full = await new OptNeuron(await base(new Steps())).run({ resultsFile: false });
    const steps = new Steps();
    const fit = await new OptNeuron({ ...(await base(steps)), miniBatch: 2 }).run({ resultsFile: false });
    for (const [p, v] of Object.entries(truth)) {
      expect(Math.abs(full.params[p]! - v) / v, `full ${p} = ${full.params[p]}`).toBeLessThan(0.01);
      expect(Math.abs(fit.params[p]! - v) / v, `mini-batch ${p} = ${fit.params[p]}`).toBeLessThan(0.01);
      expect(Math.abs(fit.params[p]! - full.params[p]!) / v, `mini-batch vs full ${p}`).toBeLessThan(0.01);
    }
    process.stdout.write(`mini-batch: tau ${fit.params.tau}, R ${fit.params.R}, loss ${fit.loss}; full: tau ${full.params.tau}, R ${full.params.R}, loss ${full.loss}\n`);
    // the first step and the end point on all 6 sweeps, the 299 steps between on 2, then the best fit's run
    expect(steps.simulated).toEqual([6, ...Array(299).fill(2), 6, 6]);
    const batches = fit.history.filter((h) => h.batch);
    expect(batches).toHaveLength(299);
    expect(new Set(batches.flatMap((h) => h.batch!))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // the fit's loss is the whole loss at the end point, not a mini-batch's
    const last = fit.history[fit.history.length - 1]!;
    expect(last.batch).toBeUndefined();
    expect(fit.loss).toBeLessThanOrEqual(last.loss);
    expect(fit.history.filter((h) => !h.batch).map((h) => h.loss)).toContain(fit.loss);
  }, 60_000);

  it('a callback that stops a mini-batch fit gets the stopping point scored on every sweep', async () => {
    const steps = new Steps();
    const fit = await new OptNeuron({ ...(await base(steps)), miniBatch: 2, callbacks: [({ iteration }) => iteration === 5] }).run({ resultsFile: false });
    expect(fit.stopReason.gradient).toBe('user stop');
    expect(steps.simulated).toEqual([6, 2, 2, 2, 2, 2, 6, 6]);
    const last = fit.history[fit.history.length - 1]!;
    expect(last.batch).toBeUndefined();
    // it moved from the start: the whole loss at the stopping point is the fit's
    expect(fit.loss).toBe(last.loss);
    expect(fit.loss).toBeLessThan(fit.history[0]!.loss);
  }, 60_000);

  it('the draws are seeded, without repeats within a batch, and a batch of every sweep is refused with a warning', () => {
    const a = miniBatches(3, 10, 4)!;
    const b = miniBatches(3, 10, 4)!;
    const drawsA = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(drawsA);
    for (const d of drawsA) {
      expect(new Set(d).size).toBe(3);
      expect(d.every((k) => k >= 0 && k < 10)).toBe(true);
    }
    expect(miniBatches(3, 10, 5)!()).not.toEqual(undefined);
    expect(miniBatches(6, 6, 0)).toBeUndefined();
    // the report's best evaluation is never a mini-batch step's (its loss is over some sweeps only)
    expect(bestIndex([{ loss: 5 }, { loss: 1, batch: [0] }, { loss: 3 }])).toBe(2);
  });

  it('refused for methods with line searches, and for an experiment that does not loop over sweepsToRun', async () => {
    const o = await base(new Steps());
    expect(() => new OptNeuron({ ...o, method: 'lbfgs', miniBatch: 2 })).toThrow(/miniBatch applies to the gradient steps of adam, sgd and rmsprop, not method 'lbfgs'/);
    expect(() => new OptNeuron({ ...o, method: 'tpe', miniBatch: 2 })).toThrow(/not method 'tpe'/);
    expect(() => new OptNeuron({ ...o, miniBatch: 0 })).toThrow(/miniBatch must be an integer >= 1/);
    class Plain extends Experiment {
      run(pop: Population): Results {
        this.monitors.add(['v']);
        pop.input('I', step({ amplitude: 1, start: 5, stop: 35 }));
        this.simulate(40);
        return this.results();
      }
    }
    const plain = new Plain();
    await expect(plain.execute(new Population(leaky, 1), { sweeps: [0] })).rejects.toThrow(/did not loop over this.sweepsToRun\(n\)/);
    await expect(new Steps().execute(new Population(leaky, 1), { sweeps: [7] })).rejects.toThrow(/sweeps 7 were asked for, but the protocol has 6/);
  }, 60_000);

  it("fit-trace's options take a mini-batch: ReplaySweeps runs only the drawn sweeps, the loss compares each with its own", async () => {
    // subthreshold LIF steps (R·I <= 9 mV below its 15 mV threshold), 4 sweeps
    const truthLif = { tau_m: 15, R: 6 };
    const warnings: string[] = [];
    const sweeps = syntheticSweeps(lif, { amplitudes: [0.6, 0.9, 1.2, 1.5], start: 5, stop: 35, duration: 40, dt: 0.1, sampleDt: 0.1, params: truthLif });
    const o = traceFitOptions({ model: lif, sweeps, fit: ['tau_m', 'R'], bounds: { tau_m: [5, 40], R: [2, 12] }, loss: 'mse', method: 'adam', timeStep: 0.1, onWarning: (m) => warnings.push(m) });
    // subthreshold on purpose: the check of the sweeps says so
    expect(warnings.join('\n')).toMatch(/no sweep's voltage crosses the spike threshold/);
    const chunks: number[] = [];
    const experiment = o.experiment as Experiment;
    const execute = experiment.execute.bind(experiment);
    experiment.execute = async (pop, record) => {
      const r = await execute(pop, record);
      chunks.push(r.numChunks);
      return r;
    };
    const fit = await new OptNeuron({ ...o, miniBatch: 1, iterations: 300, learningRate: 0.05 }).run({ resultsFile: false });
    for (const [p, v] of Object.entries(truthLif)) expect(Math.abs(fit.params[p]! - v) / v, `${p} = ${fit.params[p]}`).toBeLessThan(0.01);
    expect(chunks).toEqual([4, ...Array(299).fill(1), 4, 4]);
  }, 60_000);
});
