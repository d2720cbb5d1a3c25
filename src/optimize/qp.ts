/**
 * A small dense convex quadratic programme, the subproblem of SQP:
 * minimise ½dᵀBd + gᵀd subject to Aᵢd = bᵢ (the first `nEq` rows) and Aᵢd >= bᵢ (the rest),
 * with B symmetric positive definite.
 */

/** Cholesky factor (lower, row-major) of a symmetric positive definite matrix, or undefined. */
export function choleskyOf(M: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}

/** Solves (L Lᵀ) x = b. */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  return y;
}

/** Solves a small dense square system by Gaussian elimination with partial pivoting; undefined when singular. */
function solveDense(M: Float64Array, n: number, b: Float64Array): Float64Array | undefined {
  const a = M.slice();
  const x = b.slice();
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]!));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (!(Math.abs(a[p * n + c]!) > 1e-13 * scale)) return undefined;
    if (p !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / a[c * n + c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k]!;
      x[r] -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

export interface QpResult {
  /** The step. */
  d: Float64Array;
  /** One multiplier per row (>= 0 for inequality rows). */
  lambda: Float64Array;
}

/**
 * Solves the QP through its dual, a convex QP in the multipliers with only λᵢ >= 0 on the
 * inequality rows: projected coordinate descent finds the active set, then the KKT system of
 * the rows found active is solved exactly and kept when its multipliers and the primal
 * feasibility check out (the iterates are then exact to rounding). Returns undefined when the
 * linearised constraints are incompatible (the dual is unbounded), as SLSQP's mode 4.
 *
 * ```ts
 * // min ½|d|² − d₀ subject to d₀ <= 0.5: d = [0.5, 0], λ = [0.5]
 * const r = solveQp(Float64Array.of(1, 0, 0, 1), Float64Array.of(-1, 0), [Float64Array.of(-1, 0)], Float64Array.of(-0.5), 0);
 * ```
 */
export function solveQp(B: Float64Array, g: Float64Array, A: Float64Array[], b: Float64Array, nEq: number): QpResult | undefined {
  const n = g.length;
  const m = A.length;
  const L = choleskyOf(B, n);
  if (!L) throw new Error('solveQp: the Hessian approximation is not positive definite');
  const Binv_g = choleskySolve(L, n, g);
  const BinvAt = A.map((row) => choleskySolve(L, n, row));
  const M = new Float64Array(m * m);
  const q = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i]![k]! * BinvAt[j]![k]!;
      M[i * m + j] = s;
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += A[i]![k]! * Binv_g[k]!;
    q[i] = -(s + b[i]!);
  }
  const lambda = new Float64Array(m);
  const primal = (lam: Float64Array) => {
    const d = Binv_g.map((v) => -v);
    for (let i = 0; i < m; i++) if (lam[i] !== 0) for (let k = 0; k < n; k++) d[k] += lam[i]! * BinvAt[i]![k]!;
    return d;
  };
  // projected coordinate descent on ½λᵀMλ + qᵀλ
  for (let sweep = 0; sweep < 20000; sweep++) {
    let change = 0;
    let size = 0;
    for (let i = 0; i < m; i++) {
      const Mii = M[i * m + i]!;
      if (!(Mii > 0)) continue;
      let grad = q[i]!;
      for (let j = 0; j < m; j++) grad += M[i * m + j]! * lambda[j]!;
      let next = lambda[i]! - grad / Mii;
      if (i >= nEq) next = Math.max(0, next);
      change = Math.max(change, Math.abs(next - lambda[i]!));
      lambda[i] = next;
      size = Math.max(size, Math.abs(next));
    }
    if (!(size < 1e12)) return undefined;
    if (change <= 1e-15 * (1 + size)) break;
  }
  // polish: the exact KKT solution on the rows found active
  const active = [...Array(m).keys()].filter((i) => i < nEq || lambda[i]! > 0);
  if (active.length > 0 && active.length <= n) {
    const k = active.length;
    const Ms = new Float64Array(k * k);
    const qs = new Float64Array(k);
    active.forEach((i, r) => {
      active.forEach((j, c) => (Ms[r * k + c] = M[i * m + j]!));
      qs[r] = -q[i]!;
    });
    const ls = solveDense(Ms, k, qs);
    if (ls && ls.every((v, r) => active[r]! < nEq || v >= 0)) {
      const exact = new Float64Array(m);
      active.forEach((i, r) => (exact[i] = ls[r]!));
      const d = primal(exact);
      const feasible = A.every((row, i) => {
        let s = 0;
        for (let c = 0; c < n; c++) s += row[c]! * d[c]!;
        const tol = 1e-9 * (1 + Math.abs(b[i]!));
        return i < nEq ? Math.abs(s - b[i]!) <= tol : s >= b[i]! - tol;
      });
      if (feasible) return { d, lambda: exact };
    }
  }
  return { d: primal(lambda), lambda };
}
