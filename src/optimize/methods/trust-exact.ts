import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type Method, type MethodResult } from '../method.ts';
import { nextRadius } from './trust-radius.ts';

/** Accept a step when the actual reduction is at least this fraction of the predicted one (scipy's eta). */
const ETA = 0.15;

/**
 * Trust region with the exact Hessian (scipy's 'trust-exact'): the Hessian is assembled column
 * by column from n Hessian-vector products (autodiff, or `hessp`), symmetrised, and each
 * subproblem is solved nearly exactly by Moré–Sorensen's iteration on λ in (H + λI)p = −g.
 * Meant for small problems (n Hessian-vector products and an n³ Cholesky per iteration).
 * Initial radius 1, at most 1000, as scipy.
 *
 * ```ts
 * const r = await trustExactMethod(obj, x0, settings);
 * ```
 */
export const trustExactMethod: Method = async (obj, x0, s) => {
  let radius = (s.options.initialTrustRadius as number | undefined) ?? 1;
  const maxRadius = (s.options.maxTrustRadius as number | undefined) ?? 1000;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  let H = await hessian(obj.hessp.bind(obj), x, n);
  let nit = 0;
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  while (nit < s.maxIter) {
    if (maxAbs(g) <= s.gtol) return done(MESSAGES.gtol, true);
    const { p, hitsBoundary } = moreSorensen(H, g, radius);
    let predicted = -dot(g, p);
    for (let i = 0; i < n; i++) {
      let hp = 0;
      for (let j = 0; j < n; j++) hp += H[i * n + j]! * p[j]!;
      predicted -= 0.5 * p[i]! * hp;
    }
    const xt = Float64Array.from(x, (v, i) => v + p[i]!);
    const t = await obj.fg(xt);
    const rho = Number.isFinite(t.f) && predicted > 0 ? (f - t.f) / predicted : -Infinity;
    radius = nextRadius(radius, rho, hitsBoundary, maxRadius);
    nit++;
    if (rho > ETA) {
      x = xt;
      f = t.f;
      g = t.g;
      H = await hessian(obj.hessp.bind(obj), x, n);
    }
    if (s.callback && (await s.callback(nit, x.slice(), f))) return done(MESSAGES.callback, false);
    if (radius < 1e-15 * (1 + maxAbs(x))) return done(MESSAGES.lineSearch.replace('line search found no acceptable step', 'trust radius collapsed'), false);
  }
  return done(MESSAGES.maxIter, false);
};

/** The dense Hessian (row-major) from n products with unit vectors, symmetrised (float32 autodiff is not exactly symmetric). */
export async function hessian(hv: (x: Float64Array, v: Float64Array) => Promise<Float64Array>, x: Float64Array, n: number): Promise<Float64Array> {
  const H = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = await hv(x, e);
    for (let i = 0; i < n; i++) H[i * n + j] = col[i]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (H[i * n + j]! + H[j * n + i]!);
      H[i * n + j] = m;
      H[j * n + i] = m;
    }
  }
  return H;
}

/** Lower Cholesky factor of A + λI (row-major), or undefined when it is not positive definite. */
function cholesky(A: Float64Array, n: number, lambda: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i * n + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) sum -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        L[i * n + i] = Math.sqrt(sum);
      } else L[i * n + j] = sum / L[j * n + j]!;
    }
  }
  return L;
}

/** Solves L y = b. */
function forward(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  return y;
}

/** Solves Lᵀ x = y. */
function backward(L: Float64Array, n: number, y: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

const norm = (v: Float64Array) => Math.sqrt(dot(v, v));

/**
 * Moré–Sorensen (N&W Algorithm 4.3 with safeguarding): the p minimising gᵀp + ½pᵀHp inside
 * |p| <= radius, from Newton's iteration on 1/|p(λ)| − 1/radius between Gershgorin-style
 * bounds on λ; the hard case (g nearly orthogonal to the lowest eigenvector) is completed by a
 * step along an approximate eigenvector found by inverse iteration.
 *
 * ```ts
 * const { p } = moreSorensen(Float64Array.of(1, 0, 0, -1), Float64Array.of(1, 1), 1);
 * ```
 */
export function moreSorensen(H: Float64Array, g: Float64Array, radius: number): { p: Float64Array; hitsBoundary: boolean } {
  const n = g.length;
  const gn = norm(g);
  let minDiag = Infinity;
  let hNorm = 0; // the max absolute row sum, an upper bound on every |eigenvalue|
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, H[i * n + i]!);
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(H[i * n + j]!);
    hNorm = Math.max(hNorm, row);
  }
  let lo = Math.max(0, -minDiag, gn / radius - hNorm);
  let hi = gn / radius + hNorm;
  const solve = (L: Float64Array) => backward(L, n, forward(L, n, g)).map((v) => -v);
  const L0 = cholesky(H, n, 0);
  if (L0) {
    const p = solve(L0);
    if (norm(p) <= radius) return { p, hitsBoundary: false };
  }
  let lambda = L0 ? 0 : Math.max(lo, 1e-12 * Math.max(1, hNorm));
  let best: { p: Float64Array; lambda: number; L: Float64Array } | undefined;
  for (let it = 0; it < 100; it++) {
    const L = cholesky(H, n, lambda);
    if (!L) {
      lo = Math.max(lo, lambda);
      lambda = Math.max(Math.sqrt(lo * hi), lo + 0.01 * (hi - lo));
      continue;
    }
    const p = solve(L);
    const pn = norm(p);
    best = { p, lambda, L };
    if (Math.abs(pn - radius) <= 1e-10 * radius) return { p, hitsBoundary: true };
    if (pn < radius) hi = Math.min(hi, lambda);
    else lo = Math.max(lo, lambda);
    const q = forward(L, n, p);
    const qn = norm(q);
    let next = lambda + (pn / qn) ** 2 * ((pn - radius) / radius);
    if (!(next > lo && next < hi)) next = Math.max(Math.sqrt(lo * hi), lo + 0.01 * (hi - lo));
    if (hi - lo <= 1e-14 * Math.max(1, hi)) break;
    lambda = next;
  }
  if (!best) return { p: g.map((v) => (-v * radius) / gn), hitsBoundary: true };
  const { p, L } = best;
  const pn = norm(p);
  if (pn >= radius) return { p: p.map((v) => (v * radius) / pn), hitsBoundary: true };
  // hard case: move along the (near-)null direction of H + λI to the boundary
  let z: Float64Array = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(n) + 1e-3 * i);
  for (let k = 0; k < 5; k++) {
    z = backward(L, n, forward(L, n, z));
    const zn = norm(z);
    z = z.map((v) => v / zn);
  }
  const b = 2 * dot(p, z);
  const c = pn * pn - radius * radius;
  const tau = (-b + Math.sqrt(b * b - 4 * c)) / 2;
  return { p: Float64Array.from(p, (v, i) => v + tau * z[i]!), hitsBoundary: true };
}
