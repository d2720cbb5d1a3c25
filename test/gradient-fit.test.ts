import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Experiment, OptNeuron, Population, step, mse, readResultsFile, syntheticSweeps, traceFitOptions, type Results, type OptNeuronOptions } from '../src/index.ts';
import { stopAtLoss, saveLoss } from '../src/gradient/callbacks.ts';
import { hodgkinHuxley, izhikevich, lif } from '../models/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-grad-'));

class Step extends Experiment {
  sizes: number[] = [];
  constructor(readonly amplitude: number, readonly ms: number) {
    super();
  }
  run(pop: Population): Results {
    this.sizes.push(pop.size);
    this.monitors.add(['v']);
    pop.input('I', step({ amplitude: this.amplitude, start: 0, stop: this.ms }));
    this.simulate(this.ms);
    return this.results();
  }
}

async function targetTrace(model: typeof lif, params: Record<string, number>, exp: Step, dt: number): Promise<Float64Array> {
  const pop = new Population(model, 1, { dt });
  pop.set(params).reset();
  return (await exp.execute(pop)).trace('v').slice();
}

const vLoss = (ist: Results, soll: Float64Array) => mse(ist.trace('v'), soll) as number;

describe('the tfjs bridge', () => {
  it('built-in mse (fused, float64) and a loss written in tfjs ops give the same gradient', async () => {
    const { loadTf, TensorResults } = await import('../src/index.ts');
    const tf = await loadTf();
    const pop = new Population(hodgkinHuxley, 1, { dt: 0.01 });
    pop.trackSensitivities(['gNa', 'gK', 'gL']);
    const results = (await new Step(10, 20).execute(pop)).forNeuron(0);
    const target = Float64Array.from(results.trace('v'), (v, k) => v + Math.sin(k / 50));
    const names = ['gNa', 'gK', 'gL'];
    const gradient = (loss: (ist: InstanceType<typeof TensorResults>) => unknown) =>
      tf.tidy(() => Array.from(tf.grads((th) => loss(new TensorResults(results, tf, th, names)) as never)([tf.tensor1d([120, 36, 0.3])])[0]!.dataSync()));
    const fused = gradient((ist) => mse(ist.trace('v'), target));
    const ops = gradient((ist) => ist.trace('v').sub(tf.tensor1d(Float32Array.from(target))).square().mean());
    const exact = [0, 0, 0];
    const v = results.trace('v');
    names.forEach((p, j) => {
      const dv = results.sensitivity('v', p);
      exact[j] = (2 / v.length) * v.reduce((s, x, k) => s + (x - target[k]!) * dv[k]!, 0);
    });
    fused.forEach((g, j) => expect(Math.abs(g - exact[j]!) / Math.abs(exact[j]!)).toBeLessThan(1e-6));
    ops.forEach((g, j) => expect(Math.abs(g - exact[j]!) / Math.abs(exact[j]!)).toBeLessThan(1e-3)); // float32 ops
  });
});

describe('differentiable spike times', () => {
  it('the default sweep loss has exact gradients through spike times and voltage', async () => {
    const { loadTf, TensorResults } = await import('../src/index.ts');
    const tf = await loadTf();
    const sweeps = syntheticSweeps(izhikevich, { params: { a: 0.02, b: 0.2, c: -65, d: 8 }, amplitudes: [10, 15], start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1, peak: 30 });
    const options = traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'] });
    const opt = new OptNeuron(options);
    const names = ['a', 'b', 'c', 'd'];
    const at: Record<string, number> = { a: 0.0205, b: 0.199, c: -64, d: 8.1 };
    const results = (await opt.simulate(izhikevich, [at], 1, names)).forNeuron(0);
    const parts = (r: unknown) => options.getLoss(r as Results, options.resultsSoll!) as unknown[];
    const exact = tf.tidy(() =>
      Array.from(tf.grads((th) => tf.addN(parts(new TensorResults(results, tf, th, names)) as never) as never)([tf.tensor1d(names.map((n) => at[n]!))])[0]!.dataSync()),
    );
    const value = async (p: Record<string, number>) => (parts((await opt.simulate(izhikevich, [p], 1)).forNeuron(0)) as number[]).reduce((x, y) => x + y, 0);
    for (const [j, n] of names.entries()) {
      const h = Math.abs(at[n]!) * 1e-7;
      const fd = ((await value({ ...at, [n]: at[n]! + h })) - (await value({ ...at, [n]: at[n]! - h }))) / (2 * h);
      expect(Math.abs(exact[j]! - fd) / Math.abs(fd), n).toBeLessThan(1e-5);
    }
  }, 60_000);
});

describe('gradient fitting', () => {
  it('Hodgkin-Huxley: L-BFGS recovers gNa, gK, gL within 1 % from a start 30-50 % away (rk4, dt 0.01 ms)', async () => {
    const truth = { gNa: 120, gK: 36, gL: 0.3 };
    const target = await targetTrace(hodgkinHuxley, truth, new Step(10, 100), 0.01);
    const fit = await new OptNeuron<Float64Array>({
      experiment: new Step(10, 100),
      neuronModel: hodgkinHuxley,
      resultsSoll: target,
      getLoss: vLoss,
      variablesBounds: { gNa: [50, 200], gK: [10, 80], gL: [0.05, 1] },
      initialParams: { gNa: 170, gK: 50, gL: 0.42 }, // +42 %, +39 %, +40 %
      timeStep: 0.01,
      method: 'lbfgs',
      iterations: 80,
    }).run({ resultsFile: false });
    for (const [p, v] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - v) / v, p).toBeLessThan(0.01);
    expect(fit.iterations).toBeGreaterThan(0);
  }, 120_000);

  const passive = async (method: string, extra: Partial<OptNeuronOptions<Float64Array>> = {}) => {
    const truth = { tau_m: 12, R: 8, EL: -68 };
    const exp = new Step(1.2, 60); // subthreshold: R * I = 9.6 mV < 15 mV
    const target = await targetTrace(lif, truth, exp, 0.05);
    return {
      truth,
      exp,
      fit: await new OptNeuron<Float64Array>({
        experiment: exp,
        neuronModel: lif,
        resultsSoll: target,
        getLoss: vLoss,
        residuals: (_ist, soll) => [{ trace: 'v', chunk: 0, target: soll }],
        variablesBounds: { tau_m: [5, 30], R: [2, 20], EL: [-80, -55] },
        initialParams: { tau_m: 16, R: 11, EL: -62 },
        timeStep: 0.05,
        method,
        iterations: 1000,
        learningRate: 0.05,
        ...extra,
      }).run({ resultsFile: false }),
    };
  };

  // RMSProp has no momentum to damp its steps: it needs a smaller rate to settle
  for (const [method, learningRate] of [['adam', 0.05], ['rmsprop', 0.003], ['lm', 0]] as const) {
    it(`${method} recovers the passive parameters of a LIF from a subthreshold trace`, async () => {
      const { fit, truth } = await passive(method, learningRate ? { learningRate } : {});
      for (const [p, v] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - v) / Math.abs(v), `${method} ${p}`).toBeLessThan(0.01);
    }, 60_000);
  }

  it('sgd, per-parameter learning rates and callbacks (stop at a loss, save the loss)', async () => {
    const losses: number[] = [];
    const { fit } = await passive('adam', { learningRates: { EL: 0.2 }, callbacks: [saveLoss(losses), stopAtLoss(1e-3)] });
    expect(fit.loss).toBeLessThan(1e-3);
    expect(fit.iterations).toBeLessThan(1000);
    expect(losses.length).toBe(fit.iterations);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]!);
    const sgd = await passive('sgd', { learningRate: 0.01, iterations: 20 });
    expect(sgd.fit.loss).toBeLessThan(sgd.fit.history[0]!.loss);
  }, 60_000);

  it('parameter kinds: a masked parameter is held at its start, a normalized one still converges', async () => {
    const { fit } = await passive('adam', { kinds: { EL: 'masked', R: 'normalized' }, initialParams: { tau_m: 16, R: 11, EL: -68 } });
    expect(fit.history.every((h) => h.params.EL === -68)).toBe(true);
    expect(Math.abs(fit.params.tau_m! - 12) / 12).toBeLessThan(0.01);
    expect(Math.abs(fit.params.R! - 8) / 8).toBeLessThan(0.01);
    await expect(passive('adam', { kinds: { q: 'masked' } })).rejects.toThrow(/kinds.q: not a fitted parameter/);
  }, 60_000);

  it('multi-start runs all starts as one batched population and keeps the best', async () => {
    const { fit, exp } = await passive('adam', { starts: 4, iterations: 30, resultsFile: undefined } as never);
    expect(exp.sizes.slice(1, 4)).toEqual([4, 4, 4]);
    expect(fit.history.length).toBe(4 * 31);
    expect(fit.loss).toBe(Math.min(...fit.history.map((h) => h.loss)));
  }, 60_000);

  it('bad settings are clear errors; a NaN gradient stops the fit with its step and values, keeping results', async () => {
    const base: OptNeuronOptions<Float64Array> = {
      experiment: new Step(1.2, 20), neuronModel: lif, resultsSoll: new Float64Array(400), getLoss: vLoss,
      variablesBounds: { tau_m: [5, 30] }, timeStep: 0.05, method: 'adam',
    };
    expect(() => new OptNeuron({ ...base, method: 'newton' })).toThrow(/unknown method 'newton'/);
    expect(() => new OptNeuron({ ...base, learningRate: 0 })).toThrow(/learningRate must be > 0/);
    const file = join(dir, 'nan.json');
    let calls = 0;
    const nanLoss = (ist: Results, soll: Float64Array) => (++calls > 3 ? (mse(ist.trace('v'), soll) as unknown as { mul(x: number): number }).mul(NaN) : mse(ist.trace('v'), soll)) as number;
    await expect(new OptNeuron({ ...base, getLoss: nanLoss }).run({ resultsFile: file })).rejects.toThrow(/stopped at step 3: loss NaN at tau_m = /);
    expect(readResultsFile(file).history.length).toBe(3);
    await expect(new OptNeuron({ ...base, getLoss: () => 1 }).run({ resultsFile: false })).rejects.toThrow(/needs a loss built with tfjs ops/);
  }, 60_000);

  it('warns about a parameter the loss does not depend on', async () => {
    const warnings: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (warnings.push(String(s)), true)) as typeof process.stderr.write;
    try {
      await new OptNeuron<Float64Array>({
        experiment: new Step(1.2, 20), neuronModel: lif, resultsSoll: new Float64Array(400).fill(-65), getLoss: vLoss,
        variablesBounds: { tau_m: [5, 30], v_th: [-55, -45] }, timeStep: 0.05, method: 'adam', iterations: 2,
      }).run({ resultsFile: false });
    } finally {
      process.stderr.write = write;
    }
    expect(warnings.join('')).toMatch(/the loss does not depend on 'v_th'/);
  }, 60_000);

  it('tpe+adam ends lower than tpe alone at the same number of TPE evaluations (Izhikevich recovery)', async () => {
    const sweeps = syntheticSweeps(izhikevich, { params: { a: 0.02, b: 0.2, c: -65, d: 8 }, amplitudes: [10, 15], start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1, peak: 30 });
    const options = (method: string) => ({ ...traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], loss: 'mse', method, seed: 4, batchSize: 10 }), iterations: 40, learningRate: 0.01 });
    const tpe = await new OptNeuron(options('tpe')).run({ maxEvals: 200, resultsFile: false });
    const refined = await new OptNeuron(options('tpe+adam')).run({ maxEvals: 200, resultsFile: false });
    expect(refined.history.slice(0, 200)).toEqual(tpe.history);
    expect(refined.loss).toBeLessThan(tpe.loss);
    expect(refined.iterations).toBe(40);
  }, 120_000);
});
