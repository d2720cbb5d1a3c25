import type { GradientStopReason } from '../gradient/driver.ts';

/**
 * Why a search ended: its evaluation budget was spent, its wall time (`maxSeconds`), a
 * callback asked (a plateau, or any other reason), or it converged (the sampler's own verdict,
 * with its reason: `auto` stops when CMA-ES's restarts no longer improve the best loss).
 */
export type SearchStopReason = 'max evaluations' | 'time budget' | 'plateau' | 'user stop' | `converged: ${string}`;

/**
 * Why each part of a fit ended: `search` for a search, `gradient` for gradient fitting (alone
 * or as the refinement after a search); a part that did not run has no key.
 *
 * ```ts
 * const fit = await opt.run({ maxEvals: 500 }); // method 'tpe+adam'
 * fit.stopReason; // { search: 'max evaluations', gradient: 'max iterations' }
 * ```
 */
export interface FitStopReason {
  search?: SearchStopReason;
  gradient?: GradientStopReason;
}
