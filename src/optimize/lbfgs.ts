/**
 * Limited-memory BFGS with a strong-Wolfe line search, in float64.
 *
 * References: J. Nocedal & S. J. Wright, Numerical Optimization (2nd ed.), Algorithm 7.4
 * (two-loop recursion) and Algorithms 3.5/3.6 (line search and zoom).
 */
import { dot, maxAbs, strongWolfe, type Trial } from './line-search.ts';
import { allFinite, integerAtLeast, nonNegative, numberOption } from '../numeric/validate.ts';

/** A function value and its gradient at one point. */
export interface FG {
  /** Objective value. */
  f: number;
  /** Gradient, same length as the point. */
  g: Float64Array;
}

/** What an iteration callback sees: the accepted point after each iteration (copies, safe to keep). */
export interface IterationState {
  /** 1 after the first accepted step. */
  iteration: number;
  /** Current point. */
  x: Float64Array;
  /** Objective at x. */
  f: number;
  /** Gradient at x. */
  g: Float64Array;
}

/** Called after each iteration; returning true or 'stop' ends the optimisation. May be async. */
export type IterationCallback = (state: IterationState) => boolean | 'stop' | void | Promise<boolean | 'stop' | void>;

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Maximum number of accepted steps; default 100. */
  maxIterations?: number;
  /** Number of (s, y) pairs kept for the inverse-Hessian approximation; default 10. */
  memory?: number;
  /** Stop when max|g| <= this; default 1e-8. */
  gradientTolerance?: number;
  /**
   * Stop when an iteration lowers f by less than this fraction of max(|f_prev|, |f|); default
   * 1e-12. Relative rather than absolute so that the test does not depend on the units of
   * the loss.
   */
  functionTolerance?: number;
  /** Called after each iteration; return true (or 'stop') to stop. */
  onIteration?: IterationCallback;
}

/** Outcome of {@link lbfgs}. */
export interface LbfgsResult {
  /** Best point found. */
  x: Float64Array;
  /** Objective at x. */
  f: number;
  /** Gradient at x. */
  g: Float64Array;
  /** Accepted steps. */
  iterations: number;
  /** Calls of fg, including the one at x0 and every line-search trial. */
  evaluations: number;
  /**
   * Why it stopped: gradient or function tolerance met, iteration limit, the callback asked,
   * or no step satisfying the Wolfe conditions could be found (usually: converged as far as
   * rounding allows, or the gradient does not match f).
   */
  reason: 'gradient' | 'function' | 'max-iterations' | 'callback' | 'line-search';
}

/** L-BFGS two-loop recursion: d = −H·g with H built from the stored pairs. */
function direction(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(g);
  const k = S.length;
  const alpha = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    const s = S[i]!;
    const y = Y[i]!;
    alpha[i] = rho[i]! * dot(s, q);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i]! * y[j]!;
  }
  if (k > 0) {
    // Scale H0 by sᵀy/yᵀy so the first trial step α = 1 is usually acceptable (N&W eq. 7.20).
    const s = S[k - 1]!;
    const y = Y[k - 1]!;
    const gamma = dot(s, y) / dot(y, y);
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
  }
  for (let i = 0; i < k; i++) {
    const s = S[i]!;
    const y = Y[i]!;
    const beta = rho[i]! * dot(y, q);
    for (let j = 0; j < q.length; j++) q[j] += s[j]! * (alpha[i]! - beta);
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j]!;
  return q;
}

/**
 * Minimises f with L-BFGS (two-loop recursion) and a line search that enforces the strong
 * Wolfe conditions (c1 = 1e-4, c2 = 0.9; bracketing + zoom with cubic/quadratic interpolation
 * as in Nocedal & Wright, Algorithms 3.5/3.6). fg may be async. A non-finite f or g at a trial
 * step is treated as "too far" (shrink the step), never returned as a result.
 *
 * Every accepted step satisfies the strong Wolfe conditions. When the line search fails, the
 * memory is dropped and steepest descent is tried once; if that fails too the run ends with
 * reason 'line-search', returning the lowest point seen. Throws if f or g is not finite at x0.
 *
 * ```ts
 * const fg = (x: Float64Array) => ({ f: (x[0]! - 1) ** 2 + (x[1]! + 2) ** 2, g: Float64Array.of(2 * (x[0]! - 1), 2 * (x[1]! + 2)) });
 * const { x, reason } = await lbfgs(fg, new Float64Array(2)); // x ≈ [1, -2], reason 'gradient'
 * ```
 */
export async function lbfgs(
  fg: (x: Float64Array) => FG | Promise<FG>,
  x0: Float64Array,
  options: LbfgsOptions = {},
): Promise<LbfgsResult> {
  const n = x0.length;
  const maxIterations = numberOption('lbfgs', 'maxIterations', options.maxIterations, 100, integerAtLeast(0));
  const memory = numberOption('lbfgs', 'memory', options.memory, 10, integerAtLeast(1));
  const gradientTolerance = numberOption('lbfgs', 'gradientTolerance', options.gradientTolerance, 1e-8, nonNegative);
  const functionTolerance = numberOption('lbfgs', 'functionTolerance', options.functionTolerance, 1e-12, nonNegative);

  let evaluations = 0;
  // Copies both ways: the caller may keep x, and may reuse its gradient buffer between calls.
  const call = async (x: Float64Array): Promise<FG | null> => {
    evaluations++;
    const out = await fg(x.slice());
    if (!out || out.g === undefined || out.g.length !== n) {
      throw new Error(`lbfgs: fg must return { f, g } with g of length ${n}, got length ${out?.g?.length}`);
    }
    if (!Number.isFinite(out.f) || !allFinite(out.g)) return null;
    return { f: out.f, g: Float64Array.from(out.g) };
  };

  let x: Float64Array = Float64Array.from(x0);
  const first = await call(x);
  if (!first) throw new Error('lbfgs: f or g is not finite at the starting point');
  let f = first.f;
  let g: Float64Array = first.g;
  let iterations = 0;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const done = (reason: LbfgsResult['reason']): LbfgsResult => ({ x, f, g, iterations, evaluations, reason });

  if (maxAbs(g) <= gradientTolerance) return done('gradient');

  const search = (d: Float64Array, alpha0: number) => {
    const base = x;
    const start: Trial = { a: 0, f, d: dot(g, d), x: base, g };
    const phi = async (a: number): Promise<Trial | null> => {
      const xt = new Float64Array(n);
      for (let i = 0; i < n; i++) xt[i] = base[i]! + a * d[i]!;
      const r = await call(xt);
      return r && { a, f: r.f, d: dot(r.g, d), x: xt, g: r.g };
    };
    return strongWolfe(phi, start, alpha0);
  };
  const steepest = (): [Float64Array, number] => [
    Float64Array.from(g, (v) => -v),
    // A first step of length about 1 in the steepest coordinate, whatever the gradient's scale.
    Math.min(1, 1 / maxAbs(g)),
  ];
  const forget = () => {
    S.length = 0;
    Y.length = 0;
    rho.length = 0;
  };

  while (iterations < maxIterations) {
    let [d, alpha0] = S.length > 0 ? [direction(g, S, Y, rho), 1] : steepest();
    if (!(dot(g, d) < 0)) {
      // Rounding can make the quasi-Newton direction point uphill; start the memory afresh.
      forget();
      [d, alpha0] = steepest();
    }
    let ls = await search(d, alpha0);
    if (!ls.accepted && S.length > 0) {
      forget();
      [d, alpha0] = steepest();
      ls = await search(d, alpha0);
    }
    if (!ls.accepted) {
      if (ls.best && ls.best.f < f) {
        x = ls.best.x;
        f = ls.best.f;
        g = ls.best.g;
      }
      return done('line-search');
    }

    const t = ls.accepted;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = t.x[i]! - x[i]!;
      y[i] = t.g[i]! - g[i]!;
    }
    const sy = dot(s, y);
    // Wolfe guarantees sᵀy > 0 in exact arithmetic; a pair that rounding made (nearly)
    // non-positive would make H indefinite.
    if (sy > Number.EPSILON * dot(y, y)) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }

    const fPrev = f;
    x = t.x;
    f = t.f;
    g = t.g;
    iterations++;

    if (options.onIteration) {
      const answer = await options.onIteration({ iteration: iterations, x: x.slice(), f, g: g.slice() });
      if (answer === true || answer === 'stop') return done('callback');
    }
    if (maxAbs(g) <= gradientTolerance) return done('gradient');
    if (fPrev - f <= functionTolerance * Math.max(Math.abs(fPrev), Math.abs(f))) return done('function');
  }
  return done('max-iterations');
}
