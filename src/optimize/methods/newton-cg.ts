import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type Method, type MethodResult } from '../method.ts';
import { wolfeStep } from './line-step.ts';

/**
 * Truncated Newton (Newton-CG, N&W Algorithm 7.1): the Newton system H·p = −g is solved
 * inexactly by conjugate gradients using only Hessian-vector products (tfjs differentiates
 * g·v a second time), stopping at relative residual min(0.5, √|g|) or at negative curvature;
 * then a strong-Wolfe line search along p. At most 20·n CG steps, as scipy.
 *
 * ```ts
 * const r = await newtonCgMethod(obj, x0, settings);
 * ```
 */
export const newtonCgMethod: Method = async (obj, x0, s) => {
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  let nit = 0;
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  while (nit < s.maxIter) {
    if (maxAbs(g) <= s.gtol) return done(MESSAGES.gtol, true);
    const p = await truncatedCg(async (v) => obj.hessp(x, v), g, 20 * n);
    const t = await wolfeStep(obj, x, { f, g }, p, 1, 0.9);
    if (!t) return done(MESSAGES.lineSearch, false);
    const step = maxAbs(Float64Array.from(t.x, (v, i) => v - x[i]!));
    x = t.x;
    f = t.f;
    g = t.g;
    nit++;
    if (s.callback && (await s.callback(nit, x.slice(), f))) return done(MESSAGES.callback, false);
    if (step <= s.xtol * (1 + maxAbs(x))) return done(MESSAGES.xtol, true);
  }
  return done(MESSAGES.maxIter, false);
};

/** CG on H·p = −g from p = 0; −g when H has negative curvature along the first direction. */
async function truncatedCg(hv: (v: Float64Array) => Promise<Float64Array>, g: Float64Array, maxIter: number): Promise<Float64Array> {
  const gnorm = Math.sqrt(dot(g, g));
  const tol = Math.min(0.5, Math.sqrt(gnorm)) * gnorm;
  const p = new Float64Array(g.length);
  const r = Float64Array.from(g);
  let d = g.map((v) => -v);
  let rr = dot(r, r);
  for (let k = 0; k < maxIter; k++) {
    if (Math.sqrt(rr) <= tol) break;
    const Hd = await hv(d);
    const curvature = dot(d, Hd);
    if (curvature <= 0) {
      if (k === 0) return g.map((v) => -v);
      break;
    }
    const alpha = rr / curvature;
    for (let i = 0; i < p.length; i++) {
      p[i] += alpha * d[i]!;
      r[i] += alpha * Hd[i]!;
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    rr = rrNew;
    d = Float64Array.from(r, (v, i) => -v + beta * d[i]!);
  }
  return p;
}
