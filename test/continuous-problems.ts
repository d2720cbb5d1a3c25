import { uniform, type AutoSampler, type CMAES, type Point } from '../src/index.ts';

/** Asks and tells until the budget is spent or the best loss is below `stop`; returns the evaluations used. */
export function minimise(sampler: CMAES | AutoSampler, f: (p: Point) => number, budget: number, batch?: number, stop = -Infinity): number {
  let evaluations = 0;
  while (evaluations < budget && !(sampler.best() && sampler.best()!.loss < stop)) {
    const points = sampler.ask(batch ?? sampler.preferredBatch ?? 8);
    sampler.tell(points, points.map(f));
    evaluations += points.length;
  }
  return evaluations;
}

/** n uniform dimensions x0, x1, ... on [lo, hi]. */
export const space = (n: number, lo = -5, hi = 5) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, uniform(lo, hi)]));
export const rosenbrock = (n: number) => (p: Point) => {
  let s = 0;
  for (let i = 0; i < n - 1; i++) s += 100 * (p[`x${i + 1}`]! - p[`x${i}`]! ** 2) ** 2 + (1 - p[`x${i}`]!) ** 2;
  return s;
};
export const sphere = (p: Point) => Object.values(p).reduce((a, x) => a + (x - 1) ** 2, 0);
