import { describe, expect, it } from 'vitest';
import { CMAES, choice, uniform } from '../src/index.ts';
import { minimise, rosenbrock, space, sphere } from './continuous-problems.ts';

describe('CMA-ES', () => {
  it('solves the 9-dimensional Rosenbrock function to 1e-8 (published CMA-ES: about 6,000 evaluations at n = 10)', () => {
    for (const seed of [1, 2, 3]) {
      const c = new CMAES(space(9), { seed });
      const used = minimise(c, rosenbrock(9), 15000, undefined, 1e-8);
      expect(c.best()!.loss).toBeLessThan(1e-8);
      expect(used).toBeLessThan(12000);
    }
  });

  it('converges when asked in batches that are not its population size, and is reproducible by seed', () => {
    const runs = [1, 2].map(() => {
      const c = new CMAES(space(5), { seed: 7 });
      minimise(c, sphere, 3000, 3);
      return c;
    });
    expect(runs[0]!.best()!.loss).toBeLessThan(1e-10);
    expect(runs[1]!.trials.map((t) => t.loss)).toEqual(runs[0]!.trials.map((t) => t.loss));
  });

  it('restarts with twice the population once a run has converged (IPOP)', () => {
    const c = new CMAES(space(3), { seed: 1 });
    const lambda = c.preferredBatch;
    minimise(c, sphere, 20000);
    expect(c.restartsDone).toBeGreaterThan(0);
    expect(c.preferredBatch).toBe(lambda * 2 ** c.restartsDone);
  });

  it('keeps suggestions inside the bounds and finds an optimum on a bound', () => {
    const c = new CMAES({ x: uniform(0, 1), y: uniform(-2, 3) }, { seed: 3 });
    minimise(c, (p) => (p.x! - 1) ** 2 + (p.y! + 2) ** 2, 3000);
    for (const t of c.trials) {
      expect(t.params.x).toBeGreaterThanOrEqual(0);
      expect(t.params.x).toBeLessThanOrEqual(1);
      expect(t.params.y).toBeGreaterThanOrEqual(-2);
    }
    expect(c.best()!.loss).toBeLessThan(1e-8);
  });

  it('refuses a choice dimension by name', () => {
    expect(() => new CMAES({ x: uniform(0, 1), k: choice([1, 2, 3]) })).toThrow(/'k' is a choice dimension/);
  });
});
