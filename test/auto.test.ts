import { describe, expect, it } from 'vitest';
import { AutoSampler, TPE, choice, uniform, OptNeuron, coincidenceFactor, syntheticSweeps, traceFitOptions } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';
import { minimise, rosenbrock, space } from './continuous-problems.ts';

describe('auto: TPE exploration, then CMA-ES', () => {
  it('explores with TPE for 75 evaluations per dimension, then converges on Rosenbrock better than TPE alone', () => {
    const auto = new AutoSampler(space(4), { seed: 1 });
    const first = auto.ask(300);
    expect(auto.preferredBatch).toBeUndefined(); // still exploring: 300 = 75 x 4 evaluations
    auto.tell(first, first.map(rosenbrock(4)));
    expect(auto.ask(1).length).toBe(1);
    expect(auto.preferredBatch).toBe(8); // CMA-ES took over: 4 + floor(3 ln 4)
    minimise(auto, rosenbrock(4), 4000);
    expect(auto.best()!.loss).toBeLessThan(1e-6);
    const tpe = new TPE(space(4), { seed: 1 });
    let n = 0;
    while (n < 4000) {
      const points = tpe.ask(8);
      tpe.tell(points, points.map(rosenbrock(4)));
      n += 8;
    }
    expect(tpe.best()!.loss).toBeGreaterThan(1e3 * auto.best()!.loss);
  });

  it('searches a space with a choice dimension by TPE alone', () => {
    const mixed = { x: uniform(0, 1), k: choice([1, 2, 3]) };
    const auto = new AutoSampler(mixed, { seed: 2 });
    const tpe = new TPE(mixed, { seed: '2/explore' });
    for (let round = 0; round < 30; round++) {
      const a = auto.ask(8);
      expect(a).toEqual(tpe.ask(8));
      const losses = a.map((p) => (p.x! - 0.3) ** 2 + (p.k === 2 ? 0 : 1));
      auto.tell(a, losses);
      tpe.tell(a, losses);
    }
    expect(auto.preferredBatch).toBeUndefined();
  });

  it('recovers the Izhikevich RS cell from two sweeps so that it predicts unseen amplitudes (Γ >= 0.9)', async () => {
    const truth = { a: 0.02, b: 0.2, c: -65, d: 8 };
    const protocol = { start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1 };
    const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [10, 15], peak: 30 });
    const fit = await new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], method: 'auto', seed: 1 })).run({ maxEvals: 2000, resultsFile: false });
    const gamma = (amplitudes: number[]) => {
      const target = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes });
      const model = syntheticSweeps(izhikevich, { ...protocol, params: fit.params, amplitudes });
      return amplitudes.map((_, k) => coincidenceFactor(model[k]!.spikes!, target[k]!.spikes!, 800));
    };
    for (const g of [...gamma([10, 15]), ...gamma([7, 20])]) expect(g).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});
