/**
 * Levenberg–Marquardt for nonlinear least squares, in float64.
 *
 * References: D. W. Marquardt (1963), SIAM J. Appl. Math. 11:431 (diagonal scaling);
 * H. B. Nielsen (1999), "Damping parameter in Marquardt's method", IMM-REP-1999-05 (update
 * of λ from the gain ratio).
 */
import { choleskySolve } from '../numeric/cholesky.ts';
import { allFinite, integerAtLeast, nonNegative, numberOption, positive } from '../numeric/validate.ts';
import type { IterationCallback } from './lbfgs.ts';

/** Residuals and their Jacobian at one point. */
export interface Residuals {
  /** Residual vector, length m. */
  r: Float64Array;
  /** m × n, row-major: J[i*n + j] = dr_i/dx_j. */
  J: Float64Array;
}

/** Options of {@link levenbergMarquardt}. */
export interface LmOptions {
  /** Maximum number of accepted steps; default 100. */
  maxIterations?: number;
  /** Initial damping λ; default 1e-3. Must be positive. */
  lambda?: number;
  /**
   * Stop when an accepted step lowers the cost by less than this fraction of it, or when the
   * step norm is below tolerance·(|x| + tolerance); default 1e-10.
   */
  tolerance?: number;
  /** Called after each accepted step with f = cost = 0.5·|r|² and g = Jᵀr; return true or 'stop' to stop. */
  onIteration?: IterationCallback;
}

/** Outcome of {@link levenbergMarquardt}. */
export interface LmResult {
  /** Best point found. */
  x: Float64Array;
  /** 0.5·|r(x)|². */
  cost: number;
  /** Accepted steps. */
  iterations: number;
  /** Calls of rj, including the one at x0 and rejected trials. */
  evaluations: number;
  /**
   * Why it stopped: 'function' (relative cost decrease below tolerance), 'step' (step below
   * tolerance), 'gradient' (Jᵀr = 0 exactly, e.g. zero residual), 'max-iterations',
   * 'callback', or 'damping' (λ grew past 1e20 without finding a lower cost).
   */
  reason: string;
}

/** Past this λ the step is pure, vanishing gradient descent: there is nothing left to find. */
const MAX_LAMBDA = 1e20;

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** The normal-equation pieces JᵀJ (n × n) and Jᵀr at one point. */
function normalEquations(r: Float64Array, J: Float64Array, n: number): { A: Float64Array; g: Float64Array } {
  const m = r.length;
  const A = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const ri = r[i]!;
    for (let j = 0; j < n; j++) {
      const Jij = J[row + j]!;
      if (Jij === 0) continue;
      g[j] += Jij * ri;
      for (let k = j; k < n; k++) A[j * n + k] += Jij * J[row + k]!;
    }
  }
  for (let j = 0; j < n; j++) for (let k = 0; k < j; k++) A[j * n + k] = A[k * n + j]!;
  return { A, g };
}

/**
 * Levenberg–Marquardt on 0.5*|r(x)|^2 with Marquardt's scaling: solve (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr
 * by Cholesky (fall back to adding λ·I if diag is zero); accept and decrease λ (÷ 3, or
 * Nielsen's update) when the cost falls, otherwise increase λ and retry. rj may be async.
 *
 * λ follows Nielsen's rule: after an accepted step it is multiplied by
 * max(1/3, 1 − (2ρ − 1)³), ρ being the actual over the predicted cost reduction, and after a
 * rejected one by ν (2, doubling with each consecutive rejection). A trial point where r or J
 * is not finite counts as a rejection. Throws if r or J is not finite at x0.
 *
 * ```ts
 * // y = k·t through (1, 2) and (2, 4): residuals k·t − y, Jacobian [1, 2]
 * const rj = (x: Float64Array) => ({ r: Float64Array.of(x[0]! - 2, 2 * x[0]! - 4), J: Float64Array.of(1, 2) });
 * const { x, cost } = await levenbergMarquardt(rj, Float64Array.of(0)); // x ≈ [2], cost ≈ 0
 * ```
 */
export async function levenbergMarquardt(
  rj: (x: Float64Array) => Residuals | Promise<Residuals>,
  x0: Float64Array,
  options: LmOptions = {},
): Promise<LmResult> {
  const n = x0.length;
  const maxIterations = numberOption('levenbergMarquardt', 'maxIterations', options.maxIterations, 100, integerAtLeast(0));
  let lambda = numberOption('levenbergMarquardt', 'lambda', options.lambda, 1e-3, positive);
  const tolerance = numberOption('levenbergMarquardt', 'tolerance', options.tolerance, 1e-10, nonNegative);

  let evaluations = 0;
  let m = -1;
  const call = async (x: Float64Array): Promise<Residuals | null> => {
    evaluations++;
    const out = await rj(x.slice());
    if (!out || !out.r || !out.J) throw new Error('levenbergMarquardt: rj must return { r, J }');
    if (m < 0) m = out.r.length;
    if (out.r.length !== m || out.J.length !== m * n) {
      throw new Error(`levenbergMarquardt: expected r of length ${m} and J of length ${m}×${n} = ${m * n}, got ${out.r.length} and ${out.J.length}`);
    }
    if (!allFinite(out.r) || !allFinite(out.J)) return null;
    return { r: Float64Array.from(out.r), J: Float64Array.from(out.J) };
  };

  let x = Float64Array.from(x0);
  const first = await call(x);
  if (!first) throw new Error('levenbergMarquardt: r or J is not finite at the starting point');
  let cost = 0.5 * norm(first.r) ** 2;
  let { A, g } = normalEquations(first.r, first.J, n);
  let iterations = 0;
  let nu = 2;
  const done = (reason: string): LmResult => ({ x, cost, iterations, evaluations, reason });
  const stationary = () => cost === 0 || g.every((v) => v === 0);

  if (stationary()) return done('gradient');

  while (iterations < maxIterations) {
    for (;;) {
      if (lambda > MAX_LAMBDA) return done('damping');
      const M = Float64Array.from(A);
      const D = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        // A parameter the residuals do not depend on has a zero diagonal; scaling by it would
        // leave M singular, so that direction gets plain λ damping instead.
        const ajj = A[j * n + j]!;
        D[j] = ajj > 0 ? ajj : 1;
        M[j * n + j] += lambda * D[j]!;
      }
      const delta = choleskySolve(M, Float64Array.from(g, (v) => -v), n);
      if (!delta || !allFinite(delta)) {
        lambda *= nu;
        nu *= 2;
        continue;
      }
      const small = norm(delta) <= tolerance * (norm(x) + tolerance);
      const xNew = Float64Array.from(x, (v, j) => v + delta[j]!);
      const trial = await call(xNew);
      const costNew = trial ? 0.5 * norm(trial.r) ** 2 : Infinity;
      if (trial && costNew < cost) {
        // Reduction predicted by the damped linear model: 0.5·δᵀ(λDδ − g).
        let predicted = 0;
        for (let j = 0; j < n; j++) predicted += delta[j]! * (lambda * D[j]! * delta[j]! - g[j]!);
        predicted *= 0.5;
        const rho = (cost - costNew) / predicted;
        const factor = Number.isFinite(rho) ? Math.max(1 / 3, 1 - (2 * rho - 1) ** 3) : 1 / 3;
        // Floored so λ never underflows to 0, from which multiplying by ν could not recover.
        lambda = Math.max(lambda * factor, 1e-300);
        nu = 2;
        const relativeDecrease = (cost - costNew) / cost;
        x = xNew;
        cost = costNew;
        ({ A, g } = normalEquations(trial.r, trial.J, n));
        iterations++;
        if (options.onIteration) {
          const answer = await options.onIteration({ iteration: iterations, x: x.slice(), f: cost, g: g.slice() });
          if (answer === true || answer === 'stop') return done('callback');
        }
        if (stationary()) return done('gradient');
        if (relativeDecrease < tolerance) return done('function');
        if (small) return done('step');
        break;
      }
      // Even the damped step no longer changes x appreciably: converged as far as it can.
      if (small) return done('step');
      lambda *= nu;
      nu *= 2;
    }
  }
  return done('max-iterations');
}
