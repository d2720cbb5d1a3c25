import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { choleskySolve } from '../../src/numeric/cholesky.ts';

describe('Cholesky solve', () => {
  it('solves small systems exactly', () => {
    // [[4, 2], [2, 3]] z = [2, 1]: z = [0.5, 0]
    expect(Array.from(choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2)!)).toEqual([0.5, 0]);
    // a diagonal matrix divides (perfect squares, so every step is exact)
    expect(Array.from(choleskySolve(Float64Array.of(4, 0, 0, 0, 16, 0, 0, 0, 64), Float64Array.of(1, 1, 1), 3)!)).toEqual([0.25, 0.0625, 0.015625]);
    // the tridiagonal SPD matrix [[2, -1, 0], [-1, 2, -1], [0, -1, 2]] with solution (1, 2, 3)
    const z = choleskySolve(Float64Array.of(2, -1, 0, -1, 2, -1, 0, -1, 2), Float64Array.of(0, 0, 4), 3)!;
    Array.from(z).forEach((v, i) => expect(v).toBeCloseTo(i + 1, 14));
  });

  it('reproduces b from random SPD matrices A Aᵀ + I', () => {
    const rng = seedrandom.alea('cholesky');
    for (const n of [1, 2, 5, 12]) {
      const A = Float64Array.from({ length: n * n }, () => rng() - 0.5);
      const M = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) s += A[i * n + k]! * A[j * n + k]!;
        M[i * n + j] = s;
      }
      const b = Float64Array.from({ length: n }, () => rng() - 0.5);
      const z = choleskySolve(M, b, n)!;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += M[i * n + j]! * z[j]!;
        expect(s).toBeCloseTo(b[i]!, 12);
      }
    }
  });

  it('returns null for a matrix that is not positive definite, and leaves its inputs alone', () => {
    const M = Float64Array.of(1, 2, 2, 1); // eigenvalues 3 and -1
    const b = Float64Array.of(1, 1);
    expect(choleskySolve(M, b, 2)).toBeNull();
    expect(choleskySolve(Float64Array.of(0, 0, 0, 1), b, 2)).toBeNull(); // singular
    expect(choleskySolve(Float64Array.of(NaN, 0, 0, 1), b, 2)).toBeNull();
    expect(choleskySolve(Float64Array.of(Infinity, 0, 0, 1), b, 2)).toBeNull();
    const ok = Float64Array.of(4, 2, 2, 3);
    choleskySolve(ok, b, 2);
    expect(Array.from(ok)).toEqual([4, 2, 2, 3]);
    expect(Array.from(b)).toEqual([1, 1]);
  });
});
