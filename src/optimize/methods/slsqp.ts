import { dot, maxAbs } from '../line-search.ts';
import { MESSAGES, type FlatConstraint, type Method, type MethodResult } from '../method.ts';
import { solveQp } from '../qp.ts';

/** The constraint values (equalities first) and their Jacobian rows at x. */
async function linearise(cons: FlatConstraint[], x: Float64Array, withJacobian: boolean) {
  const eq: number[] = [];
  const ineq: number[] = [];
  const eqRows: Float64Array[] = [];
  const ineqRows: Float64Array[] = [];
  for (const c of cons) {
    const v = await c.value(x);
    for (let r = 0; r < v.length; r++) {
      (c.type === 'eq' ? eq : ineq).push(v[r]!);
      if (withJacobian) {
        const w = new Float64Array(v.length);
        w[r] = 1;
        (c.type === 'eq' ? eqRows : ineqRows).push(await c.vjp(x, w));
      }
    }
  }
  return { values: Float64Array.from([...eq, ...ineq]), nEq: eq.length, rows: [...eqRows, ...ineqRows] };
}

/** Σ|c_eq| + Σ max(0, −c_ineq): the L1 infeasibility the merit function charges for. */
function infeasibility(values: Float64Array, nEq: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += i < nEq ? Math.abs(values[i]!) : Math.max(0, -values[i]!);
  return s;
}

function maxViolation(values: Float64Array, nEq: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = Math.max(s, i < nEq ? Math.abs(values[i]!) : Math.max(0, -values[i]!));
  return s;
}

/**
 * Sequential quadratic programming for equality and inequality constraints and bounds, in the
 * manner of scipy's SLSQP (Kraft 1988; N&W Algorithm 18.3): each iteration solves the QP of a
 * damped-BFGS model of the Lagrangian (Powell's damping keeps it positive definite) under the
 * linearised constraints and the bounds ({@link solveQp}), then backtracks on the L1 merit
 * f + ρ·infeasibility with ρ kept above the multipliers. Jacobians come from the
 * constraints' vector-Jacobian products (autodiff, `jac`, or central differences). Bounds are
 * linear, so iterates that start inside them stay inside. Options: ctol (feasibility, default
 * 1e-8).
 *
 * ```ts
 * const r = await slsqpMethod(obj, x0, { ...settings, constraints });
 * ```
 */
export const slsqpMethod: Method = async (obj, x0, s) => {
  const cons = s.constraints ?? [];
  const ctol = (s.options.ctol as number | undefined) ?? 1e-8;
  const n = x0.length;
  const lower = s.lower;
  const upper = s.upper;
  const clip = (v: Float64Array) => v.map((xi, i) => Math.min(upper ? upper[i]! : Infinity, Math.max(lower ? lower[i]! : -Infinity, xi)));
  let x: Float64Array = clip(Float64Array.from(x0));
  let { f, g } = await obj.fg(x);
  if (!Number.isFinite(f)) throw new Error('minimize: f is not finite at the starting point');
  let lin = await linearise(cons, x, true);
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) B[i * n + i] = 1;
  let rho = 0;
  let nit = 0;
  let lambda = new Float64Array(lin.values.length);
  const done = (message: string, success: boolean): MethodResult => ({ x, f, g, nit, success, message });
  const gradL = (gv: Float64Array, rows: Float64Array[], lam: Float64Array) => {
    const out = Float64Array.from(gv);
    rows.forEach((row, r) => {
      for (let k = 0; k < n; k++) out[k] -= lam[r]! * row[k]!;
    });
    return out;
  };
  while (nit < s.maxIter) {
    // the QP's rows: constraints, then the finite bounds as d_i >= lo_i − x_i and −d_i >= x_i − hi_i
    const A = [...lin.rows];
    const b = Array.from(lin.values, (v) => -v);
    for (let i = 0; i < n; i++) {
      if (lower && Number.isFinite(lower[i]!)) {
        const row = new Float64Array(n);
        row[i] = 1;
        A.push(row);
        b.push(lower[i]! - x[i]!);
      }
      if (upper && Number.isFinite(upper[i]!)) {
        const row = new Float64Array(n);
        row[i] = -1;
        A.push(row);
        b.push(x[i]! - upper[i]!);
      }
    }
    const qp = solveQp(B, g, A, Float64Array.from(b), lin.nEq);
    if (!qp) return done('Inequality constraints incompatible: the linearised constraints have no common point (try another start).', false);
    const { d } = qp;
    lambda = qp.lambda.slice(0, lin.values.length);
    const violation = maxViolation(lin.values, lin.nEq);
    if (maxAbs(d) <= s.xtol * (1 + maxAbs(x)) && violation <= ctol) return done(MESSAGES.xtol, true);
    const kkt = maxAbs(gradL(g, A, qp.lambda));
    if (kkt <= s.gtol && violation <= ctol && maxAbs(d) <= Math.sqrt(s.xtol) * (1 + maxAbs(x))) return done(MESSAGES.gtol, true);
    rho = Math.max(rho, 1.1 * maxAbs(lambda) + 1e-10);
    const merit0 = f + rho * infeasibility(lin.values, lin.nEq);
    const slope = dot(g, d) - rho * infeasibility(lin.values, lin.nEq);
    let alpha = 1;
    let accepted: { x: Float64Array; f: number; g: Float64Array } | undefined;
    for (let k = 0; k < 40; k++) {
      const xt = clip(Float64Array.from(x, (v, i) => v + alpha * d[i]!));
      const t = await obj.fg(xt);
      const vals = (await linearise(cons, xt, false)).values;
      const merit = t.f + rho * infeasibility(vals, lin.nEq);
      if (Number.isFinite(merit) && merit <= merit0 + 1e-4 * alpha * Math.min(slope, 0)) {
        accepted = { x: xt, f: t.f, g: t.g };
        break;
      }
      alpha *= 0.5;
    }
    nit++;
    if (!accepted) {
      return violation <= ctol && maxAbs(d) <= 1e3 * s.xtol * (1 + maxAbs(x))
        ? done(MESSAGES.xtol, true)
        : done(MESSAGES.lineSearch.replace('line search found no acceptable step', 'the L1 merit line search found no acceptable step'), false);
    }
    const next = await linearise(cons, accepted.x, true);
    // damped BFGS on the Lagrangian's gradient, both sides with the new multipliers
    const sv = Float64Array.from(accepted.x, (v, i) => v - x[i]!);
    const y = gradL(accepted.g, next.rows, lambda).map((v, i) => v - gradL(g, lin.rows, lambda)[i]!);
    const Bs = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Bs[i] += B[i * n + j]! * sv[j]!;
    const sBs = dot(sv, Bs);
    const sy = dot(sv, y);
    if (sBs > 0) {
      const theta = sy >= 0.2 * sBs ? 1 : (0.8 * sBs) / (sBs - sy);
      const r = y.map((v, i) => theta * v + (1 - theta) * Bs[i]!);
      const sr = dot(sv, r);
      if (sr > 0) {
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) B[i * n + j] += (r[i]! * r[j]!) / sr - (Bs[i]! * Bs[j]!) / sBs;
      }
    }
    const fPrev = f;
    x = accepted.x;
    f = accepted.f;
    g = accepted.g;
    lin = next;
    if (s.callback && (await s.callback(nit, x.slice(), f))) return done(MESSAGES.callback, false);
    const violationNow = maxViolation(lin.values, lin.nEq);
    if (Math.abs(fPrev - f) <= s.ftol * Math.max(1, Math.abs(f)) && violationNow <= ctol && maxAbs(sv) <= Math.sqrt(s.xtol) * (1 + maxAbs(x))) return done(MESSAGES.ftol, true);
  }
  return done(MESSAGES.maxIter, false);
};
