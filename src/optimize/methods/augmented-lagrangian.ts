import { MESSAGES, type Method, type MethodResult } from '../method.ts';
import type { FlatObjective } from '../objective.ts';
import { lbfgsMethod } from './lbfgs.ts';

/**
 * Equality and inequality constraints by the augmented Lagrangian (Powell–Hestenes–
 * Rockafellar; N&W §17.3–17.4, Birgin & Martínez's ALGENCAN scheme): each outer iteration
 * minimises f + Σ_eq (λc + μc²/2) + Σ_ineq (max(0, λ − μc)² − λ²)/(2μ) with L-BFGS (projected
 * under bounds), then updates λ and raises μ tenfold when the violation fell by less than
 * 4×. It stands in for scipy's SLSQP / trust-constr: the same problems and the same
 * conventions (`{ type: 'ineq', fun }` means fun(x) >= 0), not the same iterates.
 *
 * ```ts
 * const r = await augmentedLagrangianMethod(obj, x0, { ...settings, constraints });
 * ```
 */
export const augmentedLagrangianMethod: Method = async (obj, x0, s) => {
  const cons = s.constraints ?? [];
  const ctol = (s.options.ctol as number | undefined) ?? 1e-8;
  const maxOuter = (s.options.maxOuter as number | undefined) ?? 30;
  let mu = (s.options.mu as number | undefined) ?? 10;
  let x: Float64Array = Float64Array.from(x0);
  const first = await Promise.all(cons.map((c) => c.value(x)));
  const lambda = first.map((v) => new Float64Array(v.length));
  const violation = (vals: Float64Array[]) => {
    let v = 0;
    vals.forEach((c, k) => c.forEach((ci) => (v = Math.max(v, cons[k]!.type === 'eq' ? Math.abs(ci) : Math.max(0, -ci)))));
    return v;
  };
  let lastViolation = violation(first);
  let nit = 0;
  let inner: MethodResult | undefined;
  let nfev = 0;
  for (let outer = 0; outer < maxOuter && nit < s.maxIter; outer++) {
    const weights = (vals: Float64Array[]) =>
      vals.map((c, k) => {
        const l = lambda[k]!;
        return cons[k]!.type === 'eq' ? c.map((ci, i) => l[i]! + mu * ci) : c.map((ci, i) => -Math.max(0, l[i]! - mu * ci));
      });
    const penalty = (vals: Float64Array[]) => {
      let p = 0;
      vals.forEach((c, k) => {
        const l = lambda[k]!;
        c.forEach((ci, i) => {
          if (cons[k]!.type === 'eq') p += l[i]! * ci + 0.5 * mu * ci * ci;
          else p += (Math.max(0, l[i]! - mu * ci) ** 2 - l[i]! ** 2) / (2 * mu);
        });
      });
      return p;
    };
    const augmented: FlatObjective = {
      n: obj.n,
      get nfev() {
        return nfev;
      },
      async f(z) {
        nfev++;
        const vals = await Promise.all(cons.map((c) => c.value(z)));
        return (await obj.f(z)) + penalty(vals);
      },
      async fg(z) {
        nfev++;
        const { f, g } = await obj.fg(z);
        const vals = await Promise.all(cons.map((c) => c.value(z)));
        const w = weights(vals);
        const grad = Float64Array.from(g);
        for (const [k, c] of cons.entries()) {
          const jw = await c.vjp(z, w[k]!);
          for (let i = 0; i < grad.length; i++) grad[i] += jw[i]!;
        }
        return { f: f + penalty(vals), g: grad };
      },
      hessp: () => Promise.reject(new Error('internal: the augmented Lagrangian uses first derivatives only')),
    };
    inner = await lbfgsMethod(augmented, x, { ...s, maxIter: s.maxIter - nit, callback: undefined });
    nit += inner.nit;
    x = inner.x;
    const vals = await Promise.all(cons.map((c) => c.value(x)));
    const v = violation(vals);
    if (s.callback && (await s.callback(nit, x.slice(), await obj.f(x)))) return finish(MESSAGES.callback, false);
    const w = weights(vals);
    // the first-order multiplier update: λ ← λ + μc (eq), max(0, λ − μc) (ineq)
    w.forEach((wk, k) => lambda[k]!.set(cons[k]!.type === 'eq' ? wk : wk.map((v) => -v)));
    if (v <= ctol && inner.success) return finish('Optimization terminated successfully: constraints satisfied to ctol and the Lagrangian is stationary.', true);
    if (v > 0.25 * lastViolation) mu *= 10;
    lastViolation = v;
  }
  return finish(nit >= s.maxIter ? MESSAGES.maxIter : 'Constraints not satisfied to ctol within the outer iterations (infeasible, or raise maxOuter / ctol).', false);

  async function finish(message: string, success: boolean): Promise<MethodResult> {
    const { f, g } = await obj.fg(x);
    return { x, f, g, nit, success, message };
  }
};
