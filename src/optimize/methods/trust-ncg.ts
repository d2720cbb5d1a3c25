import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type Method, type MethodResult } from '../method.ts';
import { nextRadius } from './trust-radius.ts';

/** Accept a step when the actual reduction is at least this fraction of the predicted one (scipy's eta). */
const ETA = 0.15;

/**
 * Newton conjugate-gradient trust region (Steihaug–Toint CG, N&W Algorithm 7.2 inside
 * Algorithm 4.1), with Hessian-vector products by autodiff; initial radius 1, at most 1000,
 * as scipy's trust-ncg. An iteration is one trust-region subproblem, accepted or not.
 *
 * ```ts
 * const r = await trustNcgMethod(obj, x0, settings);
 * ```
 */
export const trustNcgMethod: Method = async (obj, x0, s) => {
  let radius = (s.options.initialTrustRadius as number | undefined) ?? 1;
  const maxRadius = (s.options.maxTrustRadius as number | undefined) ?? 1000;
  let x: Float64Array = Float64Array.from(x0);
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  let nit = 0;
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  while (nit < s.maxIter) {
    if (maxAbs(g) <= s.gtol) return done(MESSAGES.gtol, true);
    const { p, hitsBoundary, predicted } = await steihaug(async (v) => obj.hessp(x, v), g, radius);
    const xt = Float64Array.from(x, (v, i) => v + p[i]!);
    const t = await obj.fg(xt);
    const actual = f - t.f;
    const rho = Number.isFinite(t.f) ? actual / predicted : -Infinity;
    radius = nextRadius(radius, rho, hitsBoundary, maxRadius);
    nit++;
    if (rho > ETA) {
      x = xt;
      f = t.f;
      g = t.g;
    }
    if (s.callback && (await s.callback(nit, x.slice(), f))) return done(MESSAGES.callback, false);
    if (radius < 1e-15 * (1 + maxAbs(x))) return done(MESSAGES.lineSearch.replace('line search found no acceptable step', 'trust radius collapsed'), false);
  }
  return done(MESSAGES.maxIter, false);
};

/** Steihaug's CG: minimises gᵀp + ½pᵀHp inside |p| <= radius; returns the predicted decrease. */
async function steihaug(hv: (v: Float64Array) => Promise<Float64Array>, g: Float64Array, radius: number) {
  const n = g.length;
  const gnorm = Math.sqrt(dot(g, g));
  const tol = Math.min(0.5, Math.sqrt(gnorm)) * gnorm;
  const z = new Float64Array(n);
  const r = Float64Array.from(g);
  let d = g.map((v) => -v);
  const model = async (p: Float64Array) => {
    const Hp = await hv(p);
    return -(dot(g, p) + 0.5 * dot(p, Hp));
  };
  const toBoundary = (z: Float64Array, d: Float64Array) => {
    // the positive τ with |z + τd| = radius
    const a = dot(d, d);
    const b = 2 * dot(z, d);
    const c = dot(z, z) - radius * radius;
    const tau = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
    return Float64Array.from(z, (v, i) => v + tau * d[i]!);
  };
  for (let k = 0; k < 20 * n + 1; k++) {
    if (Math.sqrt(dot(r, r)) < tol) break;
    const Hd = await hv(d);
    const dHd = dot(d, Hd);
    if (dHd <= 0) {
      const p = toBoundary(z, d);
      return { p, hitsBoundary: true, predicted: await model(p) };
    }
    const rr = dot(r, r);
    const alpha = rr / dHd;
    const zNext = Float64Array.from(z, (v, i) => v + alpha * d[i]!);
    if (Math.sqrt(dot(zNext, zNext)) >= radius) {
      const p = toBoundary(z, d);
      return { p, hitsBoundary: true, predicted: await model(p) };
    }
    z.set(zNext);
    for (let i = 0; i < n; i++) r[i] += alpha * Hd[i]!;
    const beta = dot(r, r) / rr;
    d = Float64Array.from(r, (v, i) => -v + beta * d[i]!);
  }
  return { p: z, hitsBoundary: false, predicted: await model(z) };
}
