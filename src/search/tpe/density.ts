/**
 * What the TPE scores a candidate by: its log density (continuous kinds) or the log
 * probability of its quantisation cell (quantised kinds) under a dimension's truncated mixture.
 */
import type { Dimension } from '../space.ts';
import { dimSpec, type DimSpec } from './dimension.ts';
import { Mixture } from './mixture.ts';
import type { ParzenEstimator } from './parzen-estimator.ts';

/**
 * The score's ingredient for natural value x: the log density (continuous kinds) or log
 * probability (quantised kinds) under a dimension's truncated mixture. For log kinds it is the
 * density of log x: the Jacobian 1/x is common to l and g and cancels in their ratio. Cell
 * masses are cached in the mixture, as candidates often share a cell.
 *
 * ```ts
 * const score = candidateLogDensity(spec, below, x) - candidateLogDensity(spec, above, x); // log l(x)/g(x)
 * ```
 */
export function candidateLogDensity(spec: DimSpec, mix: Mixture, x: number): number {
  if (spec.q === 0) return mix.logPdf(spec.log ? Math.log(x) : x);
  const q = spec.q;
  const k = Math.round(x / q);
  const cached = mix.cells.get(k);
  if (cached !== undefined) return cached;
  // The cell of values that round (and clamp) to x: the first and last multiples also collect
  // what rounding would have pushed outside the bounds, so the cells tile [low, high] exactly.
  let lo = k <= spec.kMin ? spec.lowValue : Math.max(k * q - q / 2, spec.lowValue);
  let hi = k >= spec.kMax ? spec.highValue : Math.min(k * q + q / 2, spec.highValue);
  if (spec.log) {
    lo = Math.log(lo);
    hi = Math.log(hi);
  }
  const value = mix.logMass(lo, hi);
  mix.cells.set(k, value);
  return value;
}

/**
 * @internal The log density (or, for quantised kinds, log probability of x's rounding cell) of
 * natural value x under the truncated mixture `est` on dimension `dim`, as the TPE scores
 * candidates. For log kinds it is the density of log x (see {@link candidateLogDensity}).
 *
 * ```ts
 * const est = parzen([0.05, 0.1, 0.7], 0.5, 1);
 * Math.exp(parzenLogDensity(uniform(0, 1), est, 0.1)); // l(0.1), integrating to 1 over [0, 1]
 * ```
 */
export function parzenLogDensity(dim: Dimension, est: ParzenEstimator, x: number): number {
  const spec = dimSpec('x', dim);
  if (spec.categorical) throw new Error('parzenLogDensity: not for choice dimensions');
  const mix = Mixture.of(est, spec.low, spec.high);
  return candidateLogDensity(spec, mix, x);
}
