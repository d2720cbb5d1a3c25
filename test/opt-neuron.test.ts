import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Experiment, OptNeuron, Population, step, noise, defineNeuron, readResultsFile, syntheticSweeps, traceFitOptions, type Results, type OptNeuronOptions } from '../src/index.ts';
import { izhikevich, lif } from '../models/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-opt-'));

/** One step; counts how often it ran and on how many neurons. */
class Step extends Experiment {
  calls: number[] = [];
  constructor(readonly amplitude = 3) {
    super();
  }
  run(pop: Population): Results {
    this.calls.push(pop.size);
    this.monitors.add(['v', 'spike']);
    pop.input('I', step({ amplitude: this.amplitude, start: 10, stop: 190 }));
    this.simulate(200);
    return this.results();
  }
}

const countLoss = (ist: Results, soll: Results) => (ist.spikes().length - soll.spikes().length) ** 2 + Math.abs(ist.trace('v')[150]! - soll.trace('v')[150]!) / 100;

function base(over: Partial<OptNeuronOptions<Results>> = {}): OptNeuronOptions<Results> {
  return {
    experiment: new Step(),
    getLoss: countLoss,
    variablesBounds: { tau_m: [5, 30] },
    neuronModel: lif,
    targetNeuronModel: lif,
    targetParameters: { tau_m: 15 },
    timeStep: 0.1,
    seed: 1,
    ...over,
  };
}

describe('OptNeuron: bounds', () => {
  it('take a pair in either order, as CompNeuroPy does', () => {
    const opt = new OptNeuron(base({ experiment: new Step(), variablesBounds: { tau_m: [30, 5] } }));
    expect(opt.variables.fitted).toEqual([{ name: 'tau_m', low: 5, high: 30 }]);
  });
});

describe('OptNeuron: bad input is reported before any simulation', () => {
  const cases: [string, Partial<OptNeuronOptions<Results>>, RegExp][] = [
    ['both targets', { resultsSoll: {} as Results }, /exactly one of resultsSoll and targetNeuronModel \(got both\)/],
    ['no target', { targetNeuronModel: undefined }, /exactly one of resultsSoll and targetNeuronModel \(got neither\)/],
    ['lo == hi', { variablesBounds: { tau_m: [5, 5] } }, /variablesBounds.tau_m: both bounds are 5; give two different values to fit it, or the number alone to hold it/],
    ['open bound for a search', { variablesBounds: { tau_m: [5, Infinity] } }, /variablesBounds.tau_m is \[5, Infinity\], but method '.*' searches a finite box: give tau_m finite bounds, or use a gradient method/],
    ['NaN bound', { variablesBounds: { tau_m: [5, NaN] } }, /variablesBounds.tau_m: bounds \[5, NaN\] must be numbers/],
    ['unknown name', { variablesBounds: { tau_m: [5, 30], tau_x: 3 } }, /'tau_x' is not a parameter or state variable of neuron 'lif'/],
    ['nothing fitted', { variablesBounds: { tau_m: 5 } }, /nothing to fit/],
    ['unknown method', { method: 'grid' }, /unknown method 'grid' \(available: tpe, random, cmaes, auto, adam, sgd, rmsprop, lbfgs, lm, tpe\+adam/],
    ['bad expression', { variablesBounds: { tau_m: [5, 30], R: 'tau_m + zz' } }, /'zz' in 'tau_m \+ zz' is not an entry/],
    ['cycle', { variablesBounds: { tau_m: [5, 30], R: 'EL + 1', EL: 'R - 1' } }, /expressions form a cycle/],
    ['bad repetitions', { numRepLoss: 0 }, /numRepLoss must be an integer >= 1/],
  ];
  for (const [what, over, message] of cases) {
    it(what, () => {
      const exp = new Step();
      expect(() => new OptNeuron(base({ experiment: exp, ...over }))).toThrow(message);
      expect(exp.calls).toEqual([]);
    });
  }

  it('maxEvals < 1', async () => {
    const exp = new Step();
    await expect(new OptNeuron(base({ experiment: exp })).run({ maxEvals: 0, resultsFile: false })).rejects.toThrow(/maxEvals must be an integer >= 1/);
    expect(exp.calls).toEqual([]);
  });

  it('a loss that is NaN for every trial is reported, not a silent best = NaN', async () => {
    const file = join(dir, 'nan.json');
    await expect(new OptNeuron(base({ getLoss: () => NaN })).run({ maxEvals: 12, resultsFile: file })).rejects.toThrow(
      /getLoss returned NaN or Infinity for all 12 evaluations/,
    );
    expect(readResultsFile(file).history.length).toBe(12);
  });
});

describe('OptNeuron', () => {
  it('fits a target model, batching each round into one population', async () => {
    const exp = new Step();
    const fit = await new OptNeuron(base({ experiment: exp, batchSize: 10 })).run({ maxEvals: 60, resultsFile: false });
    expect(fit.evaluations).toBe(60);
    expect(fit.history.length).toBe(60);
    // one call for the target, then rounds of 10 parameter sets, then one for the best fit
    expect(exp.calls).toEqual([1, 10, 10, 10, 10, 10, 10, 1]);
    expect(Math.abs(fit.params.tau_m! - 15)).toBeLessThan(1.5);
    expect(fit.params.R).toBeUndefined(); // only named entries are reported
    expect((fit.target as Results).spikes().length).toBe(fit.results.spikes().length);
  });

  it('constants, expressions of other entries (with helpers) and fitted initial values', async () => {
    const seen: Record<string, number>[] = [];
    class Probe extends Experiment {
      run(pop: Population) {
        this.monitors.add(['v']);
        this.simulate(0.2);
        return this.results();
      }
    }
    const opt = new OptNeuron<number>({
      experiment: Probe,
      neuronModel: lif,
      resultsSoll: 0,
      // v_th stays 10 mV above v_reset through the helper dth; v's initial value is fitted too
      variablesBounds: { v_reset: [-70, -60], dth: [5, 5.0001], v_th: 'v_reset + dth + 5', R: 20, v: [-80, -70] },
      getLoss: (ist) => {
        seen.push({ v0: ist.trace('v')[0]! });
        return Math.abs(ist.trace('v')[0]! + 75);
      },
      seed: 2,
    });
    const fit = await opt.run({ maxEvals: 40, resultsFile: false });
    expect(fit.params.v_th).toBeCloseTo(fit.params.v_reset! + 10, 3);
    expect(fit.params.R).toBe(20);
    expect(Math.abs(fit.params.v! + 75)).toBeLessThan(1);
    expect(new Set(seen.map((s) => s.v0)).size).toBe(40);
    expect(seen.every((s) => s.v0 >= -80 && s.v0 <= -70)).toBe(true);
  });

  it('a loss may be a number, an array (summed) or a tfjs-like scalar', async () => {
    const values: number[] = [];
    const run = async (getLoss: (r: Results) => unknown) => {
      const fit = await new OptNeuron<number>({ ...(base() as unknown as OptNeuronOptions<number>), targetNeuronModel: undefined, resultsSoll: 0, getLoss: getLoss as never }).run({ maxEvals: 3, resultsFile: false });
      values.push(fit.history[0]!.loss);
    };
    await run(() => 3);
    await run(() => [1, 2]);
    await run(() => ({ dataSync: () => Float32Array.of(3) }));
    expect(values).toEqual([3, 3, 3]);
  });

  it('numRepLoss: the loss is the mean over noise repetitions, with its SD', async () => {
    const noisy = defineNeuron({ name: 'noisy-lif', parameters: { tau: 10, I: 0 }, equations: 'tau * dv/dt = -v + I : init = 0', spike: 'v > 1', reset: 'v = 0' });
    class Noisy extends Experiment {
      run(pop: Population) {
        this.monitors.add(['v', 'spike']);
        pop.input('I', noise({ mean: 0.9, sd: 2, tau: 2 }));
        this.simulate(500);
        return this.results();
      }
    }
    const sizes: number[] = [];
    const fit = await new OptNeuron<number>({
      experiment: Noisy,
      neuronModel: noisy,
      resultsSoll: 20,
      variablesBounds: { tau: [5, 20] },
      numRepLoss: 4,
      batchSize: 5,
      getLoss: (ist) => {
        sizes.push(ist.size);
        return Math.abs(ist.spikes().length - 20);
      },
    }).run({ maxEvals: 10, resultsFile: false });
    expect(sizes.every((s) => s === 20)).toBe(true);
    expect(fit.history.some((h) => h.lossSd > 0)).toBe(true);
  });

  it('writes results as it goes: an interrupted fit keeps what it evaluated and resumes', async () => {
    const file = join(dir, 'resume.json');
    // one getLoss for both runs (a resume refuses another loss): it fails on the 26th call of the first
    let calls = 0;
    let interrupt = true;
    const failing = (ist: Results, soll: Results) => {
      if (interrupt && ++calls > 25) throw new Error('interrupted');
      return countLoss(ist, soll);
    };
    await expect(new OptNeuron(base({ getLoss: failing, batchSize: 5 })).run({ maxEvals: 50, resultsFile: file })).rejects.toThrow('interrupted');
    interrupt = false;
    const partial = readResultsFile(file);
    expect(partial.status).toBe('running');
    expect(partial.history.length).toBe(25);
    expect(partial.params).not.toBeNull();
    const fit = await new OptNeuron(base({ getLoss: failing, batchSize: 5 })).run({ maxEvals: 50, resultsFile: file, resume: true });
    expect(fit.evaluations).toBe(50);
    expect(fit.history.slice(0, 25)).toEqual(partial.history);
    const done = JSON.parse(readFileSync(file, 'utf8'));
    expect(done.status).toBe('done');
    expect(done.history.length).toBe(50);
    expect(done.bestRecordings.chunks[0].traces.v.length).toBe(2000);
    expect(Object.keys(done)).toEqual(expect.arrayContaining(['params', 'loss', 'lossSd', 'method', 'evaluations', 'history']));
  });
});

describe('recovery of Izhikevich RS from two synthetic sweeps', () => {
  const truth = { a: 0.02, b: 0.2, c: -65, d: 8 };
  const sweeps = syntheticSweeps(izhikevich, { params: truth, amplitudes: [10, 15], start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1, peak: 30 });
  const EVALS = 250;
  const fitWith = (method: string, seed: number) =>
    new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], method, seed, batchSize: 10 })).run({ maxEvals: EVALS, resultsFile: false });

  it(`TPE reaches a lower loss than random search at ${EVALS} evaluations (median of 5 seeds) and reproduces spike counts`, async () => {
    const tpe = [];
    const random = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      tpe.push(await fitWith('tpe', seed));
      random.push(await fitWith('random', seed));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[2]!;
    expect(median(tpe.map((f) => f.loss))).toBeLessThan(median(random.map((f) => f.loss)));
    const best = [...tpe].sort((x, y) => x.loss - y.loss)[2]!; // the median TPE fit
    for (let k = 0; k < 2; k++) {
      const want = sweeps[k]!.spikes!.length;
      expect(Math.abs(best.results.spikes(k).length - want) / want).toBeLessThanOrEqual(0.1);
    }
  }, 300_000);
});
