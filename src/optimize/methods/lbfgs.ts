import { lbfgs } from '../lbfgs.ts';
import { MESSAGES, type Method } from '../method.ts';
import { projectedLbfgs } from './projected-lbfgs.ts';

const WORDS = {
  gradient: MESSAGES.gtol,
  function: MESSAGES.ftol,
  'max-iterations': MESSAGES.maxIter,
  callback: MESSAGES.callback,
  'line-search': MESSAGES.lineSearch,
} as const;

/**
 * L-BFGS; with bounds, the projected variant ({@link projectedLbfgs}), which is how
 * L-BFGS-B's box and one-sided bounds are honoured here.
 *
 * ```ts
 * const r = await lbfgsMethod(obj, x0, settings);
 * ```
 */
export const lbfgsMethod: Method = async (obj, x0, s) => {
  const bounded = s.lower && s.upper && (s.lower.some((v) => v > -Infinity) || s.upper.some((v) => v < Infinity));
  if (bounded) return projectedLbfgs(obj, x0, s);
  const r = await lbfgs((x) => obj.fg(x), x0, {
    maxIterations: s.maxIter,
    memory: (s.options.maxcor as number | undefined) ?? 10,
    gradientTolerance: s.gtol,
    functionTolerance: s.ftol,
    onIteration: s.callback ? (st) => s.callback!(st.iteration, st.x, st.f) : undefined,
  });
  return { x: r.x, f: r.f, g: r.g, nit: r.iterations, success: r.reason === 'gradient' || r.reason === 'function', message: WORDS[r.reason] };
};
