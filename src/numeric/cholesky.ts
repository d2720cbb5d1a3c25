/**
 * Solves M z = b for a symmetric positive definite n × n matrix M (row-major; only its lower
 * triangle is read) by Cholesky factorisation M = L Lᵀ and two triangular solves. Returns null
 * when M is not positive definite numerically (a pivot is not positive or not finite), which
 * is how a damped solver learns to damp more.
 *
 * ```ts
 * const M = Float64Array.from([4, 2, 2, 3]);
 * choleskySolve(M, Float64Array.from([2, 1]), 2); // Float64Array [0.5, 0]
 * choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2); // null: indefinite
 * ```
 */
export function choleskySolve(M: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diag = M[j * n + j]!;
    for (let k = 0; k < j; k++) diag -= L[j * n + k]! ** 2;
    if (!(diag > 0) || !Number.isFinite(diag)) return null;
    const ljj = Math.sqrt(diag);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = M[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = z[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  return z;
}
