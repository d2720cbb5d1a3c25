import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type MethodResult, type MethodSettings } from '../method.ts';
import type { FlatObjective } from '../objective.ts';

/** Armijo constant and the most backtracking steps one line search may take. */
const C1 = 1e-4;
const MAX_BACKTRACKS = 40;

/**
 * L-BFGS under box bounds, as a projected quasi-Newton method: variables at a bound with the
 * gradient pushing outward are held (the active set), the two-loop direction is taken on the
 * others, and the step follows the projected path P(x + a·d) with an Armijo backtracking
 * search. This is simpler than L-BFGS-B's generalised Cauchy point but honours the same box
 * and one-sided bounds (±Infinity for "none"), and every iterate is feasible.
 *
 * Reference: D. Kim, S. Sra & I. Dhillon (2010), "Tackling box-constrained optimization via a
 * new projected quasi-Newton approach", SIAM J. Sci. Comput. 32:3548.
 *
 * ```ts
 * const r = await projectedLbfgs(obj, x0, { ...settings, lower, upper });
 * ```
 */
export async function projectedLbfgs(obj: FlatObjective, x0: Float64Array, s: MethodSettings): Promise<MethodResult> {
  const n = x0.length;
  const lo = s.lower!;
  const hi = s.upper!;
  const memory = (s.options.maxcor as number | undefined) ?? 10;
  const project = (x: Float64Array) => Float64Array.from(x, (v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v)));
  let x: Float64Array = project(x0);
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let nit = 0;
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  const projectedGradient = () => Float64Array.from(x, (v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v - g[i]!)) - v);

  while (nit < s.maxIter) {
    if (maxAbs(projectedGradient()) <= s.gtol) return done(MESSAGES.gtol, true);
    // held: at a bound with the gradient pointing out of the box
    const free = Array.from(x, (v, i) => !((v <= lo[i]! && g[i]! > 0) || (v >= hi[i]! && g[i]! < 0)));
    const gf = Float64Array.from(g, (v, i) => (free[i] ? v : 0));
    let d = twoLoop(gf, S, Y);
    for (let i = 0; i < n; i++) if (!free[i]) d[i] = 0;
    if (!(dot(gf, d) < 0)) {
      S.length = 0;
      Y.length = 0;
      d = Float64Array.from(gf, (v) => -v);
    }
    let a = S.length > 0 ? 1 : Math.min(1, 1 / Math.max(maxAbs(gf), 1e-300));
    let accepted: { x: Float64Array; f: number; g: Float64Array } | null = null;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      const xt = project(Float64Array.from(x, (v, i) => v + a * d[i]!));
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i]! * (xt[i]! - x[i]!);
      const ft = await obj.f(xt);
      if (Number.isFinite(ft) && ft <= f + C1 * decrease) {
        const { g: gt } = await obj.fg(xt);
        accepted = { x: xt, f: ft, g: gt };
        break;
      }
      a *= 0.5;
    }
    if (!accepted) return done(MESSAGES.lineSearch, false);
    const sv = Float64Array.from(accepted.x, (v, i) => v - x[i]!);
    const yv = Float64Array.from(accepted.g, (v, i) => v - g[i]!);
    if (dot(sv, yv) > Number.EPSILON * dot(yv, yv)) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
      }
      S.push(sv);
      Y.push(yv);
    }
    const fPrev = f;
    ({ x, f, g } = accepted);
    nit++;
    if (s.callback && (await s.callback(nit, x.slice(), f))) return done(MESSAGES.callback, false);
    if (fPrev - f <= s.ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) return done(MESSAGES.ftol, true);
  }
  return done(MESSAGES.maxIter, false);
}

/** d = −H·g by the two-loop recursion. */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[]): Float64Array {
  const q = Float64Array.from(g);
  const k = S.length;
  const alpha = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    alpha[i] = dot(S[i]!, q) / dot(Y[i]!, S[i]!);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i]! * Y[i]![j]!;
  }
  if (k > 0) {
    const gamma = dot(S[k - 1]!, Y[k - 1]!) / dot(Y[k - 1]!, Y[k - 1]!);
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
  }
  for (let i = 0; i < k; i++) {
    const beta = dot(Y[i]!, q) / dot(Y[i]!, S[i]!);
    for (let j = 0; j < q.length; j++) q[j] += S[i]![j]! * (alpha[i]! - beta);
  }
  return q.map((v) => -v);
}
