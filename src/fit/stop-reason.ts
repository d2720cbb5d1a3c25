import type { GradientStopReason } from '../gradient/driver.ts';

/** Why a search ended: its evaluation budget was spent, its wall time (`maxSeconds`), or a callback asked (a plateau, or any other reason). */
export type SearchStopReason = 'max evaluations' | 'time budget' | 'plateau' | 'user stop';

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
