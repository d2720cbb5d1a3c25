/**
 * Levenberg–Marquardt for nonlinear least squares, in float64.
 *
 * References: D. W. Marquardt (1963), SIAM J. Appl. Math. 11:431 (diagonal scaling);
 * H. B. Nielsen (1999), "Damping parameter in Marquardt's method", IMM-REP-1999-05 (update
 * of λ from the gain ratio).
 */
import { choleskySolve } from '../numeric/cholesky.ts';
import { allFinite, integerAtLeast, nonNegative, numberOption, positive } from '../numeric/validate.ts';
import { lbfgs, type FG, type IterationCallback, type IterationState } from './lbfgs.ts';

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

/** An accepted step that lowers the cost by less than this fraction counts as slow progress. */
const STALL_DECREASE = 1e-4;
/** Slow steps in a row after which the Gauss–Newton model is judged useless here (Madsen's large-residual case). */
const STALL_STEPS = 3;

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
 * One Levenberg–Marquardt phase: solve (JᵀJ + λD) δ = −Jᵀr by Cholesky (D: Marquardt's
 * scaling, plain λ for a parameter the residuals ignore), accept when the cost falls and
 * update λ by Nielsen's rule max(1/3, 1 − (2ρ − 1)³), else multiply it by ν. With a finite
 * `stallSteps` it ends with reason 'stall' instead of creeping (see {@link levenbergMarquardt}).
 */
async function marquardt(
  rj: (x: Float64Array) => Residuals | Promise<Residuals>,
  x0: Float64Array,
  options: LmOptions & { stallSteps?: number } = {},
): Promise<LmResult> {
  const n = x0.length;
  const stallSteps = options.stallSteps ?? Infinity;
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
  // MINPACK's rule (Moré 1978): each scale is the largest diagonal of JᵀJ seen so far, so a
  // parameter whose sensitivity collapses (a saturated transform) is not suddenly undamped
  const scale = new Float64Array(n);
  let slow = 0;
  const done = (reason: string): LmResult => ({ x, cost, iterations, evaluations, reason });
  const stationary = () => cost === 0 || g.every((v) => v === 0);

  if (stationary()) return done('gradient');

  while (iterations < maxIterations) {
    for (;;) {
      if (lambda > MAX_LAMBDA) return done(stallSteps < Infinity ? 'stall' : 'damping');
      const M = Float64Array.from(A);
      const D = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        // A parameter the residuals do not depend on has a zero diagonal; scaling by it would
        // leave M singular, so that direction gets plain λ damping instead.
        const ajj = A[j * n + j]!;
        scale[j] = Math.max(scale[j]!, ajj);
        D[j] = scale[j]! > 0 ? scale[j]! : 1;
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
        slow = relativeDecrease < STALL_DECREASE ? slow + 1 : 0;
        if (relativeDecrease < tolerance) return done(stallSteps < Infinity ? 'stall' : 'function');
        if (slow >= stallSteps) return done('stall');
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

/**
 * Levenberg–Marquardt on 0.5·|r(x)|² that cannot stall: Marquardt's scaling (the largest
 * diagonal of JᵀJ seen so far, as MINPACK) and Nielsen's damping update; where the
 * Gauss–Newton model stops paying (3 accepted steps in a row each lowering the cost by less
 * than 1e-4 of it, λ beyond 1e20, or the function tolerance met while the gradient is not
 * zero) the run continues with L-BFGS on the same cost and gradient Jᵀr, then returns to LM
 * to finish. This is the hybrid of K. Madsen (1988), "A combined Gauss–Newton and
 * quasi-Newton method for non-linear least squares", DTU IMM report NI-88-10, for the
 * large-residual valleys where plain LM creeps (spiking traces far from the target). A
 * rejected step raises λ by ν (2, doubling with each consecutive rejection); a trial point
 * where r or J is not finite counts as a rejection. Throws if r or J is not finite at x0.
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
  options: LmOptions & { hybrid?: boolean } = {},
): Promise<LmResult> {
  if (options.hybrid === false) return marquardt(rj, x0, options);
  const maxIterations = numberOption('levenbergMarquardt', 'maxIterations', options.maxIterations, 100, integerAtLeast(0));
  let offset = 0;
  let evaluations = 0;
  const shifted = options.onIteration ? (st: IterationState) => options.onIteration!({ ...st, iteration: st.iteration + offset }) : undefined;
  const first = await marquardt(rj, x0, { ...options, maxIterations, onIteration: shifted, stallSteps: STALL_STEPS });
  evaluations += first.evaluations;
  if (first.reason !== 'stall') return { ...first, evaluations };
  offset = first.iterations;
  const cost = async (x: Float64Array): Promise<FG> => {
    evaluations++;
    const { r, J } = await rj(x);
    const n = x.length;
    const g = new Float64Array(n);
    let c = 0;
    for (let i = 0; i < r.length; i++) {
      c += 0.5 * r[i]! * r[i]!;
      for (let j = 0; j < n; j++) g[j] += J[i * n + j]! * r[i]!;
    }
    return { f: c, g };
  };
  const qn = await lbfgs(cost, first.x, { maxIterations: maxIterations - offset, functionTolerance: options.tolerance ?? 1e-10, gradientTolerance: 0, onIteration: shifted });
  offset += qn.iterations;
  if (qn.reason === 'callback' || offset >= maxIterations) {
    return { x: qn.x, cost: qn.f, iterations: offset, evaluations, reason: qn.reason === 'callback' ? 'callback' : 'max-iterations' };
  }
  const last = await marquardt(rj, qn.x, { ...options, maxIterations: maxIterations - offset, onIteration: shifted });
  evaluations += last.evaluations;
  return { ...last, iterations: offset + last.iterations, evaluations };
}
