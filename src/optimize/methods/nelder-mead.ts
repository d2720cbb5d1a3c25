import { MESSAGES, type Method, type MethodResult } from '../method.ts';

/**
 * Nelder–Mead simplex, derivative-free, as scipy's: initial simplex x0 with 5 % steps (0.00025
 * for zero coordinates), stop when the simplex is within xatol of its best vertex and the
 * values within fatol; `options.adaptive` uses Gao & Han's dimension-dependent coefficients
 * (Comput. Optim. Appl. 51:259, 2012), which help above a few dimensions. Bounds clip every
 * vertex.
 *
 * ```ts
 * const r = await nelderMeadMethod(obj, x0, { ...settings, options: { adaptive: true } });
 * ```
 */
export const nelderMeadMethod: Method = async (obj, x0, s) => {
  const n = x0.length;
  const adaptive = s.options.adaptive === true;
  const [rho, chi, psi, sigma] = adaptive ? [1, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n] : [1, 2, 0.5, 0.5];
  const xatol = (s.options.xatol as number | undefined) ?? s.xtol;
  const fatol = (s.options.fatol as number | undefined) ?? s.ftol;
  const clip = (x: Float64Array) => (s.lower && s.upper ? x.map((v, i) => Math.min(s.upper![i]!, Math.max(s.lower![i]!, v))) : x);
  const value = async (x: Float64Array) => {
    const f = await obj.f(x);
    return Number.isNaN(f) ? Infinity : f;
  };
  const sim: Float64Array[] = [clip(Float64Array.from(x0))];
  for (let k = 0; k < n; k++) {
    const y = Float64Array.from(x0);
    y[k] = y[k] !== 0 ? 1.05 * y[k]! : 0.00025;
    sim.push(clip(y));
  }
  const fs: number[] = [];
  for (const v of sim) fs.push(await value(v));
  let nit = 0;
  const sort = () => {
    const order = fs.map((_, i) => i).sort((a, b) => fs[a]! - fs[b]!);
    const s2 = order.map((i) => sim[i]!);
    const f2 = order.map((i) => fs[i]!);
    sim.splice(0, sim.length, ...s2);
    fs.splice(0, fs.length, ...f2);
  };
  sort();
  const done = (message: string, success: boolean): MethodResult => ({ x: sim[0]!, f: fs[0]!, nit, success, message });
  const along = (c: Float64Array, w: Float64Array, t: number) => clip(Float64Array.from(c, (v, i) => v + t * (v - w[i]!)));
  while (nit < s.maxIter) {
    if (obj.nfev >= s.maxFev) return done(MESSAGES.maxFev, false);
    let spread = 0;
    for (let k = 1; k <= n; k++) for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(sim[k]![i]! - sim[0]![i]!));
    let fspread = 0;
    for (let k = 1; k <= n; k++) fspread = Math.max(fspread, Math.abs(fs[k]! - fs[0]!));
    if (spread <= xatol && fspread <= fatol) return done(MESSAGES.xtol, true);
    const centroid = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += sim[k]![i]! / n;
    const worst = sim[n]!;
    const xr = along(centroid, worst, rho);
    const fr = await value(xr);
    let shrink = false;
    if (fr < fs[0]!) {
      const xe = along(centroid, worst, rho * chi);
      const fe = await value(xe);
      if (fe < fr) [sim[n], fs[n]] = [xe, fe];
      else [sim[n], fs[n]] = [xr, fr];
    } else if (fr < fs[n - 1]!) {
      [sim[n], fs[n]] = [xr, fr];
    } else if (fr < fs[n]!) {
      const xc = along(centroid, worst, psi * rho);
      const fc = await value(xc);
      if (fc <= fr) [sim[n], fs[n]] = [xc, fc];
      else shrink = true;
    } else {
      const xcc = along(centroid, worst, -psi);
      const fcc = await value(xcc);
      if (fcc < fs[n]!) [sim[n], fs[n]] = [xcc, fcc];
      else shrink = true;
    }
    if (shrink) {
      for (let k = 1; k <= n; k++) {
        sim[k] = clip(Float64Array.from(sim[0]!, (v, i) => v + sigma * (sim[k]![i]! - v)));
        fs[k] = await value(sim[k]!);
      }
    }
    sort();
    nit++;
    if (s.callback && (await s.callback(nit, sim[0]!.slice(), fs[0]!))) return done(MESSAGES.callback, false);
  }
  return done(MESSAGES.maxIter, false);
};
