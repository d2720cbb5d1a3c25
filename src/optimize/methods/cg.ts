import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type Method, type MethodResult } from '../method.ts';
import { wolfeStep } from './line-step.ts';

/**
 * Nonlinear conjugate gradients, Polak–Ribière with the PR+ restart (β = max(0, β_PR)), as
 * scipy's CG; strong-Wolfe line search with c2 = 0.4 (CG needs a tighter curvature condition
 * than quasi-Newton methods), first trial step from the last decrease (N&W eq. 3.60).
 *
 * ```ts
 * const r = await cgMethod(obj, x0, settings);
 * ```
 */
export const cgMethod: Method = async (obj, x0, s) => {
  let x: Float64Array = Float64Array.from(x0);
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  let d = g.map((v) => -v);
  let fPrev = f + Math.sqrt(dot(g, g)) / 2;
  let nit = 0;
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  while (nit < s.maxIter) {
    if (maxAbs(g) <= s.gtol) return done(MESSAGES.gtol, true);
    let gd = dot(g, d);
    if (!(gd < 0)) {
      d = g.map((v) => -v);
      gd = dot(g, d);
    }
    const alpha0 = Math.min(1, (1.01 * 2 * (f - fPrev)) / gd);
    let t = await wolfeStep(obj, x, { f, g }, d, alpha0 > 0 ? alpha0 : 1, 0.4);
    if (!t && dot(d, g) !== -dot(g, g)) {
      // restart along steepest descent before giving up
      d = g.map((v) => -v);
      t = await wolfeStep(obj, x, { f, g }, d, Math.min(1, 1 / Math.max(maxAbs(g), 1e-300)), 0.4);
    }
    if (!t) return done(MESSAGES.lineSearch, false);
    const yk = Float64Array.from(t.g, (v, i) => v - g[i]!);
    const beta = Math.max(0, dot(yk, t.g) / dot(g, g));
    d = Float64Array.from(t.g, (v, i) => -v + beta * d[i]!);
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
