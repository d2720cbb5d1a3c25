import { describe, expect, it } from 'vitest';
import { AutoSampler, CMAES, FIT_DEFAULTS, defaultMaxEvals, parseMethod } from '../src/index.ts';
import { rosenbrock, space, sphere } from './continuous-problems.ts';

describe('a search that ends when it has converged', () => {
  it('CMA-ES without patience never declares convergence (the search goes on while asked)', () => {
    const c = new CMAES(space(2), { seed: 1 });
    while (c.restartsDone < 3) {
      const points = c.ask(c.preferredBatch);
      c.tell(points, points.map(() => 1));
    }
    expect(c.converged()).toBeUndefined();
  });

  it('CMA-ES with patience stops after restarts that no longer improve, and says why', () => {
    // a floor: the loss cannot go below 1, as a spike-time loss cannot go below its dt artefacts
    const floored = (p: Record<string, number>) => 1 + sphere(p);
    const d = new CMAES(space(4), { seed: 2, patience: 2 });
    let evaluations = 0;
    while (!d.converged() && evaluations < 1e6) {
      const points = d.ask(d.preferredBatch);
      d.tell(points, points.map(floored));
      evaluations += points.length;
    }
    expect(d.converged()).toMatch(/^converged: 2 restarts in a row did not improve the best loss \(1\.000\) by more than 0\.10 %/);
    // runs 1 and 2 (the first two restarts) did not improve on run 0; run 3 began as the verdict came
    expect(d.restartsDone).toBe(3);
    expect(evaluations).toBeLessThan(20_000);
    expect(d.best()!.loss).toBeLessThan(1 + 1e-6);
  });

  it('CMA-ES with patience also stops when restarts find the same point while the loss still falls by factors', () => {
    // sphere^0.05 never reaches 1e-9 of its first generation's loss in float64: each restart
    // cuts it by more than 10 %, yet the point has stopped moving
    const sharp = (p: Record<string, number>) => sphere(p) ** 0.05;
    const run = (tolX: number) => {
      const c = new CMAES(space(3), { seed: 3, patience: 2, tolX });
      let evaluations = 0;
      while (!c.converged() && evaluations < 60_000) {
        const points = c.ask(c.preferredBatch);
        c.tell(points, points.map(sharp));
        evaluations += points.length;
      }
      return { c, evaluations };
    };
    const { c, evaluations } = run(1e-4);
    expect(c.converged()).toMatch(/did not improve the best loss .* or move the best point by more than 0\.010 % of the bounds/);
    for (const x of Object.values(c.best()!.params)) expect(Math.abs((x as number) - 1)).toBeLessThan(1e-3);
    // without the point criterion the same search runs to its ceiling
    const endless = run(0);
    expect(endless.c.converged()).toBeUndefined();
    expect(evaluations).toBeLessThan(endless.evaluations / 2);
  });

  it('auto converges on Rosenbrock (4-D) before its ceiling, and keeps that verdict across a saved state', () => {
    const auto = new AutoSampler(space(4), { seed: 1 });
    let evaluations = 0;
    const f = rosenbrock(4);
    while (!auto.converged() && evaluations < 8000) {
      const points = auto.ask(auto.preferredBatch ?? 8);
      auto.tell(points, points.map(f));
      evaluations += points.length;
    }
    // measured: 2,200–2,400 evaluations for seeds 1–3; a loss at 0 ends the search without restarts
    expect(auto.converged()).toMatch(/^converged: the best loss \(.*\) is 0 within 1e-9/);
    expect(evaluations).toBeLessThan(4000);
    expect(auto.best()!.loss).toBeLessThan(1e-6);
    const restored = new AutoSampler(space(4), { seed: 1, state: JSON.parse(JSON.stringify(auto.state())) });
    expect(restored.converged()).toBe(auto.converged());
  });

  it('the default ceiling of auto grows with the fitted parameters; cmaes and tpe keep theirs', () => {
    expect(defaultMaxEvals(parseMethod('auto'), 200, 4)).toBe(4 * FIT_DEFAULTS.maxEvalsPerParameter.auto!);
    expect(defaultMaxEvals(parseMethod('auto'), 200, 1)).toBe(FIT_DEFAULTS.maxEvals.auto);
    expect(defaultMaxEvals(parseMethod('cmaes'), 200, 9)).toBe(FIT_DEFAULTS.maxEvals.cmaes);
    expect(defaultMaxEvals(parseMethod('tpe'), 200, 9)).toBe(200);
  });
});
