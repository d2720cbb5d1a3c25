import type { FG } from '../lbfgs.ts';
import { dot, strongWolfe, type Trial } from '../line-search.ts';
import type { FlatObjective } from '../objective.ts';

/**
 * One strong-Wolfe line search from x along d (the shared step of BFGS, CG and Newton-CG);
 * null when no acceptable step was found. Non-finite trial points count as "too far".
 *
 * ```ts
 * const step = await wolfeStep(obj, x, { f, g }, d, 1, 0.9);
 * ```
 */
export async function wolfeStep(obj: FlatObjective, x: Float64Array, at: FG, d: Float64Array, alpha0: number, c2: number): Promise<Trial | null> {
  const n = x.length;
  const phi = async (a: number): Promise<Trial | null> => {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = x[i]! + a * d[i]!;
    const r = await obj.fg(xt);
    if (!Number.isFinite(r.f) || r.g.some((v) => !Number.isFinite(v))) return null;
    return { a, f: r.f, d: dot(r.g, d), x: xt, g: r.g };
  };
  const { accepted } = await strongWolfe(phi, { a: 0, f: at.f, d: dot(at.g, d), x, g: at.g }, alpha0, c2);
  return accepted;
}
