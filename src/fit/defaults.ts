import type { FitMethod } from './method.ts';

/** The values a fit uses for what it is not told; see {@link FIT_DEFAULTS}. */
export interface FitDefaults {
  readonly method: string;
  readonly seed: number;
  /** Integration step (ms). */
  readonly timeStep: number;
  readonly numRepLoss: number;
  /** Threads of OptNeuron (the CLI uses one per core instead). */
  readonly workers: number;
  /** Parameter sets per round of a search whose sampler has no preferred batch. */
  readonly batchSize: number;
  /** Gradient steps. */
  readonly iterations: number;
  /** Simulations of method 'sbi' when maxEvals is not given. */
  readonly sbiSimulations: number;
  /** Step size of Adam, SGD and RMSProp. */
  readonly learningRate: number;
  /** Gradient starts of a gradient fit alone. */
  readonly starts: number;
  /** Gradient starts after a search: its best distinct points. */
  readonly startsAfterSearch: number;
  /**
   * Search evaluations when none are given, by search method: CMA-ES needs more than TPE to
   * converge, and runs them faster.
   */
  readonly maxEvals: Readonly<Record<string, number>>;
  /**
   * The ceiling of a search that stops when it has converged (`auto`), per fitted parameter (at
   * least the method's `maxEvals`): harder problems get more room, and most fits end before it.
   */
  readonly maxEvalsPerParameter: Readonly<Record<string, number>>;
  /** Search evaluations of the other methods when none are given, by CLI command. */
  readonly commandMaxEvals: { readonly fit: number; readonly 'fit-trace': number };
}

/**
 * Defaults shared by {@link OptNeuron} and the `fit` and `fit-trace` commands, so that
 * neither restates a number.
 *
 * ```ts
 * const method = parseMethod(options.method ?? FIT_DEFAULTS.method);
 * const fit = await new OptNeuron(options).run({ maxEvals: defaultMaxEvals(method, 200) });
 * FIT_DEFAULTS.learningRate; // 0.05, when options.learningRate is not given
 * ```
 */
export const FIT_DEFAULTS: FitDefaults = Object.freeze({
  method: 'auto',
  seed: 0,
  timeStep: 0.1,
  numRepLoss: 1,
  workers: 1,
  batchSize: 8,
  iterations: 100,
  sbiSimulations: 2000,
  learningRate: 0.05,
  starts: 1,
  startsAfterSearch: 3,
  maxEvals: Object.freeze({ auto: 3000, cmaes: 3000 }),
  maxEvalsPerParameter: Object.freeze({ auto: 2000 }),
  commandMaxEvals: Object.freeze({ fit: 100, 'fit-trace': 200 }),
});

/**
 * Search evaluations when none are given: the method's own default (for `auto`, a ceiling that
 * grows with the number of fitted parameters), else `otherwise`.
 *
 * ```ts
 * defaultMaxEvals(parseMethod('auto+adam'), 200, 4); // 8000: 2000 per parameter
 * defaultMaxEvals(parseMethod('cmaes'), 200, 4);     // 3000
 * defaultMaxEvals(parseMethod('tpe'), 200, 4);       // 200
 * ```
 */
export function defaultMaxEvals(method: FitMethod, otherwise: number, parameters = 1): number {
  if (method.sbi) return FIT_DEFAULTS.sbiSimulations;
  if (method.search === undefined) return otherwise;
  const fixed = FIT_DEFAULTS.maxEvals[method.search];
  const perParameter = FIT_DEFAULTS.maxEvalsPerParameter[method.search];
  if (perParameter === undefined) return fixed ?? otherwise;
  return Math.max(fixed ?? 0, perParameter * parameters);
}

/**
 * Gradient starts when none are given: after a search, its few best points; alone, one.
 *
 * ```ts
 * defaultStarts(parseMethod('tpe+adam')); // 3
 * ```
 */
export function defaultStarts(method: FitMethod): number {
  return method.search !== undefined ? FIT_DEFAULTS.startsAfterSearch : FIT_DEFAULTS.starts;
}

/**
 * A whole fit's work as a progress bar counts it: the search's budget, then each gradient step
 * of each start (at most: a callback or convergence may stop the steps early). A step counts
 * once however many evaluations it makes (L-BFGS line-search trials, LM rejected steps).
 *
 * ```ts
 * plannedEvaluations(parseMethod('tpe+adam'), { maxEvals: 500, iterations: 100 }); // 500 + 100 × 3
 * ```
 */
export function plannedEvaluations(method: FitMethod, o: { maxEvals?: number; iterations?: number; starts?: number }): number {
  const search = method.search !== undefined || method.sbi ? (o.maxEvals ?? 0) : 0;
  const refine = method.refine !== undefined ? (o.iterations ?? FIT_DEFAULTS.iterations) * (o.starts ?? defaultStarts(method)) : 0;
  return search + refine;
}
