import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type Method, type MethodResult } from '../method.ts';
import { wolfeStep } from './line-step.ts';

/**
 * BFGS with a dense inverse-Hessian approximation (N&W Algorithm 6.1, eq. 6.17) and a
 * strong-Wolfe line search (c2 = 0.9); H0 is rescaled by sᵀy/yᵀy after the first step (N&W
 * eq. 6.20). O(n²) memory: for large problems use lbfgs.
 *
 * ```ts
 * const r = await bfgsMethod(obj, x0, settings);
 * ```
 */
export const bfgsMethod: Method = async (obj, x0, s) => {
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  let H = identity(n);
  let nit = 0;
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  let fPrev = f;
  while (nit < s.maxIter) {
    if (maxAbs(g) <= s.gtol) return done(MESSAGES.gtol, true);
    let d = matVec(H, g, n).map((v) => -v);
    if (!(dot(d, g) < 0)) {
      H = identity(n);
      d = g.map((v) => -v);
    }
    // N&W eq. 3.60 for the first trial, capped at the Newton step 1
    const alpha0 = nit === 0 ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-300)) : 1;
    const t = await wolfeStep(obj, x, { f, g }, d, alpha0, 0.9);
    if (!t) return done(MESSAGES.lineSearch, false);
    const sv = Float64Array.from(t.x, (v, i) => v - x[i]!);
    const yv = Float64Array.from(t.g, (v, i) => v - g[i]!);
    const sy = dot(sv, yv);
    if (sy > 1e-10 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
      if (nit === 0) {
        const scale = sy / dot(yv, yv);
        for (let i = 0; i < n; i++) H[i * n + i] = scale;
      }
      update(H, sv, yv, sy, n);
    }
    fPrev = f;
    x = t.x;
    f = t.f;
    g = t.g;
    nit++;
    if (s.callback && (await s.callback(nit, x.slice(), f))) return done(MESSAGES.callback, false);
    if (fPrev - f <= s.ftol * Math.max(Math.abs(fPrev), Math.abs(f))) return done(MESSAGES.ftol, true);
  }
  return done(MESSAGES.maxIter, false);
};

function identity(n: number): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  return H;
}

function matVec(A: Float64Array, v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += A[i * n + j]! * v[j]!;
    out[i] = acc;
  }
  return out;
}

/** H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, expanded so it costs O(n²). */
function update(H: Float64Array, s: Float64Array, y: Float64Array, sy: number, n: number): void {
  const rho = 1 / sy;
  const Hy = matVec(H, y, n);
  const yHy = dot(y, Hy);
  const c = rho * rho * yHy + rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i * n + j] += c * s[i]! * s[j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!);
    }
  }
}
