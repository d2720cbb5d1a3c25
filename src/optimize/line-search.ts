/**
 * The strong-Wolfe line search every quasi-Newton method here shares (L-BFGS, BFGS, CG,
 * Newton-CG), in float64.
 *
 * Reference: J. Nocedal & S. J. Wright, Numerical Optimization (2nd ed.), Algorithms 3.5/3.6.
 */

/** Sufficient-decrease and curvature constants; c2 = 0.9 is the usual choice for quasi-Newton. */
const C1 = 1e-4;
const DEFAULT_C2 = 0.9;
/** Function evaluations one line search may spend before giving up. */
const MAX_LINE_SEARCH_EVALUATIONS = 50;

/** One evaluated point along the search direction. */
export interface Trial {
  /** Step length. */
  a: number;
  f: number;
  /** Directional derivative g·d at the trial point. */
  d: number;
  x: Float64Array;
  g: Float64Array;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Minimiser of the cubic matching f and f' at p and q (N&W eq. 3.59); NaN when it has none. */
function cubicMinimizer(p: Trial, q: Trial): number {
  const d1 = p.d + q.d - (3 * (p.f - q.f)) / (p.a - q.a);
  const disc = d1 * d1 - p.d * q.d;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(q.a - p.a) * Math.sqrt(disc);
  return q.a - ((q.a - p.a) * (q.d + d2 - d1)) / (q.d - p.d + 2 * d2);
}

/** Minimiser of the parabola matching f and f' at p and f at q; NaN/±Infinity when degenerate. */
function quadraticMinimizer(p: Trial, q: Trial): number {
  const h = q.a - p.a;
  return p.a - (p.d * h * h) / (2 * (q.f - p.f - p.d * h));
}

/**
 * Searches along d from the current point for a step satisfying the strong Wolfe conditions.
 * `phi(a)` evaluates x + a·d and returns null when f or g is not finite there; such steps are
 * treated as too long. Returns the accepted trial, or null with the lowest trial seen.
 */
export async function strongWolfe(
  phi: (a: number) => Promise<Trial | null>,
  start: Trial,
  alpha0: number,
  c2: number = DEFAULT_C2,
): Promise<{ accepted: Trial | null; best: Trial | null }> {
  const f0 = start.f;
  const d0 = start.d;
  let evaluations = 0;
  let best: Trial | null = null;

  const evaluate = async (a: number): Promise<Trial | null> => {
    evaluations++;
    const t = await phi(a);
    if (t && t.f < f0 && (!best || t.f < best.f)) best = t;
    return t;
  };
  const sufficientDecrease = (t: Trial) => t.f <= f0 + C1 * t.a * d0;
  const curvature = (t: Trial) => Math.abs(t.d) <= -c2 * d0;

  // Algorithm 3.6: shrink [lo, hi], which is known to contain acceptable steps.
  const zoom = async (lo: Trial, hi: Trial): Promise<{ accepted: Trial | null; best: Trial | null }> => {
    while (evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
      const left = Math.min(lo.a, hi.a);
      const right = Math.max(lo.a, hi.a);
      const width = right - left;
      if (width <= Number.EPSILON * right) break;
      // Interpolants are only trusted well inside the interval; otherwise the bracket could
      // shrink by almost nothing per evaluation.
      const inside = (a: number) => a >= left + 0.1 * width && a <= right - 0.1 * width;
      let a = Number.isFinite(hi.f) ? cubicMinimizer(lo, hi) : NaN;
      if (!inside(a)) a = Number.isFinite(hi.f) ? quadraticMinimizer(lo, hi) : NaN;
      if (!inside(a)) a = 0.5 * (left + right);
      const t = (await evaluate(a)) ?? { a, f: Infinity, d: NaN, x: start.x, g: start.g };
      if (!sufficientDecrease(t) || t.f >= lo.f) {
        hi = t;
      } else {
        if (curvature(t)) return { accepted: t, best };
        if (t.d * (hi.a - lo.a) >= 0) hi = lo;
        lo = t;
      }
    }
    return { accepted: null, best };
  };

  // Algorithm 3.5: grow the step until the bracket [prev, a] must contain an acceptable step.
  let prev = start;
  let tooFar = Infinity; // shortest step known to give a non-finite f or g
  let a = alpha0;
  while (evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
    const t = await evaluate(a);
    if (!t) {
      tooFar = a;
      a = prev.a + 0.5 * (a - prev.a);
      if (a - prev.a <= Number.EPSILON * a) break;
      continue;
    }
    if (!sufficientDecrease(t) || (prev.a > 0 && t.f >= prev.f)) return zoom(prev, t);
    if (curvature(t)) return { accepted: t, best };
    if (t.d >= 0) return zoom(t, prev);
    // Extrapolate, with the cubic's guess held between 1.1 and 4 times the last increment so
    // that the step neither stalls nor runs away.
    const low = t.a + 1.1 * (t.a - prev.a);
    const high = t.a + 4 * (t.a - prev.a);
    let next = cubicMinimizer(prev, t);
    next = Number.isFinite(next) ? Math.min(high, Math.max(low, next)) : high;
    if (next >= tooFar) next = t.a + 0.5 * (tooFar - t.a);
    prev = t;
    a = next;
  }
  return { accepted: null, best };
}

