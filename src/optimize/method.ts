/**
 * What one `minimize` method receives and returns, on the flat float64 vector.
 */
import type { FlatObjective } from './objective.ts';

/** One constraint block on the flat vector: its values and Jᵀ·w (a vector-Jacobian product). */
export interface FlatConstraint {
  type: 'eq' | 'ineq';
  value(x: Float64Array): Promise<Float64Array>;
  vjp(x: Float64Array, w: Float64Array): Promise<Float64Array>;
}

/** Per-iteration report to the user's callback; returning true or 'stop' ends the run. */
export type FlatCallback = (nit: number, x: Float64Array, f: number) => boolean | Promise<boolean>;

/** Settings common to every method (each reads those that apply to it). */
export interface MethodSettings {
  /** Stop when max|projected gradient| <= gtol. */
  gtol: number;
  /** Stop when the relative decrease of f in one iteration is <= ftol. */
  ftol: number;
  /** Stop when the step's max-norm is <= xtol·(1 + max|x|). */
  xtol: number;
  maxIter: number;
  /** Evaluation budget (Nelder–Mead). */
  maxFev: number;
  /** Box bounds, ±Infinity where unbounded; undefined when there are none. */
  lower?: Float64Array;
  upper?: Float64Array;
  callback?: FlatCallback;
  /** Equality (c(x) = 0) and inequality (c(x) >= 0, scipy's convention) constraints. */
  constraints?: FlatConstraint[];
  /** Method-specific options, passed through. */
  options: Record<string, unknown>;
}

/** What a method returns; minimize() adds shapes, nfev and the public names. */
export interface MethodResult {
  x: Float64Array;
  f: number;
  g?: Float64Array;
  nit: number;
  success: boolean;
  message: string;
}

export type Method = (obj: FlatObjective, x0: Float64Array, s: MethodSettings) => Promise<MethodResult>;

/** Max-norm. */
export function maxNorm(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/** The standard messages, so methods and tests agree on words. */
export const MESSAGES = {
  gtol: 'Optimization terminated successfully: gradient tolerance reached.',
  ftol: 'Optimization terminated successfully: relative reduction of f below ftol.',
  xtol: 'Optimization terminated successfully: step below xtol.',
  maxIter: 'Maximum number of iterations has been exceeded.',
  maxFev: 'Maximum number of function evaluations has been exceeded.',
  callback: 'Stopped by the callback.',
  lineSearch: 'Desired error not necessarily achieved due to precision loss (line search found no acceptable step).',
} as const;
