import { describe, expect, it } from 'vitest';
import { Experiment, OptNeuron, Population, step, mse, type Results } from '../src/index.ts';
import { levenbergMarquardt } from '../src/optimize/lm.ts';
import { hodgkinHuxley, lif } from '../models/index.ts';

class Step extends Experiment {
  constructor(readonly amplitude: number, readonly ms: number) {
    super();
  }
  run(pop: Population): Results {
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

describe('Hodgkin–Huxley conductances from the middle of wide bounds', () => {
  // Bounds wide enough that the start (250.5, 100.5, 1.5) spikes far from the target: plain LM
  // crept to a halt at gNa 60, gK 18, gL 0.65 (loss 491) here before the hybrid.
  const truth = { gNa: 120, gK: 36, gL: 0.3 };
  const bounds = { gNa: [1, 500], gK: [1, 200], gL: [0.001, 3] } as Record<string, [number, number]>;
  for (const method of ['lm', 'lbfgs']) {
    it(`${method} recovers gNa, gK, gL to < 1 %`, async () => {
      const exp = new Step(10, 100);
      const target = await targetTrace(hodgkinHuxley, truth, exp, 0.01);
      const fit = await new OptNeuron<Float64Array>({
        experiment: exp,
        neuronModel: hodgkinHuxley,
        resultsSoll: target,
        getLoss: vLoss,
        residuals: (_ist, soll) => [{ trace: 'v', chunk: 0, target: soll }],
        variablesBounds: bounds,
        timeStep: 0.01,
        method,
        iterations: 100,
      }).run({ resultsFile: false });
      for (const [p, v] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - v) / v, `${method} ${p}`).toBeLessThan(0.01);
    }, 120_000);
  }
});

describe('Levenberg–Marquardt', () => {
  it('without the hybrid it can still be asked for; with it, a large-residual valley does not stop it', async () => {
    // Rosenbrock as residuals (10(y − x²), 1 − x) is zero-residual: both reach (1, 1)
    const rj = (x: Float64Array) => ({ r: Float64Array.of(10 * (x[1]! - x[0]! ** 2), 1 - x[0]!), J: Float64Array.of(-20 * x[0]!, 10, -1, 0) });
    for (const hybrid of [true, false]) {
      const r = await levenbergMarquardt(rj, Float64Array.of(-1.2, 1), { hybrid });
      expect(r.x[0]).toBeCloseTo(1, 8);
      expect(r.x[1]).toBeCloseTo(1, 8);
    }
  });
});

describe('first-order settings in a neuron fit', () => {
  it('Adam with its betas and AMSGrad, a per-parameter SGD with momentum (TypeOptimizer), and unknown settings refused', async () => {
    const truth = { tau_m: 12, R: 8, EL: -68 };
    const exp = new Step(1.2, 60);
    const target = await targetTrace(lif, truth, exp, 0.05);
    const base = {
      experiment: exp,
      neuronModel: lif,
      resultsSoll: target,
      getLoss: vLoss,
      variablesBounds: { tau_m: [5, 30], R: [2, 20], EL: [-80, -55] } as Record<string, [number, number]>,
      initialParams: { tau_m: 16, R: 11, EL: -62 },
      timeStep: 0.05,
      method: 'adam',
      iterations: 600,
      learningRate: 0.05,
    };
    const fit = await new OptNeuron<Float64Array>({ ...base, optimizer: { betas: [0.9, 0.99], amsgrad: true }, optimizers: { EL: { method: 'sgd', lr: 0.02, momentum: 0.9 } } }).run({ resultsFile: false });
    for (const [p, v] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - v) / Math.abs(v), p).toBeLessThan(0.02);
    await expect(new OptNeuron<Float64Array>({ ...base, optimizer: { momentum: 0.9 } }).run({ resultsFile: false })).rejects.toThrow(/adam has no setting 'momentum'/);
  }, 120_000);
});

describe('parameters and callbacks', () => {
  const truth = { tau_m: 12, R: 8, EL: -68 };
  const setup = async () => {
    const exp = new Step(1.2, 60);
    return {
      experiment: exp,
      neuronModel: lif,
      resultsSoll: await targetTrace(lif, truth, exp, 0.05),
      getLoss: vLoss,
      variablesBounds: { tau_m: [5, 30], R: [2, 20], EL: [-80, -55] } as Record<string, [number, number]>,
      initialParams: { tau_m: 16, R: 11, EL: -62 },
      timeStep: 0.05,
    };
  };

  it("a 'clipped' parameter kind (TVB-Optim's BoundedParameter) fits in its own units", async () => {
    const fit = await new OptNeuron<Float64Array>({ ...(await setup()), method: 'lbfgs', iterations: 200, kinds: { tau_m: 'clipped', R: 'clipped', EL: 'clipped' } }).run({ resultsFile: false });
    for (const [p, v] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - v) / Math.abs(v), p).toBeLessThan(0.01);
  }, 60_000);

  it('callbacks reach the black-box searches, once per evaluation round', async () => {
    const rounds: number[] = [];
    const fit = await new OptNeuron<Float64Array>({ ...(await setup()), method: 'tpe', batchSize: 5, callbacks: [(s) => (rounds.push(s.iteration), s.iteration >= 3)] }).run({ maxEvals: 100, resultsFile: false });
    expect(rounds).toEqual([1, 2, 3]);
    expect(fit.history).toHaveLength(15);
    expect(fit.stopReason).toEqual({ search: 'user stop' });
  }, 60_000);

  it('showParameters lists kind, transform, start, bounds and rate; the transform helpers invert each other', async () => {
    const { showParameters, transforms } = await import('../src/index.ts');
    const table = showParameters([
      { name: 'gL', init: 0.3, lo: 0, hi: 1, learningRate: 0.1 },
      { name: 'EL', init: -65, kind: 'masked' },
      { name: 'w', init: 2, lo: 0, hi: Infinity, kind: 'clipped' },
    ]).split('\n');
    expect(table[0]).toMatch(/^name\s+kind\s+transform\s+start\s+bounds\s+rate$/);
    expect(table[1]).toMatch(/^gL\s+bounded\s+sigmoid\(0, 1\)\s+0.3\s+\[0, 1\]\s+0.1$/);
    expect(table[2]).toMatch(/^EL\s+masked\s+held\s+-65/);
    expect(table[3]).toMatch(/^w\s+clipped\s+clip\(0, Infinity\)/);
    for (const y of [1e-3, 0.5, 3, 40, 800]) expect(transforms.softplusOf(transforms.inverseSoftplus(y))).toBeCloseTo(y, 10);
    expect(transforms.sigmoidOf(transforms.logit(0.2))).toBeCloseTo(0.2, 14);
    expect(transforms.clip(0, 1).derivative(1.5)).toBe(0);
  });
});
