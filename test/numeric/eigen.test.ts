import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/numeric/eigen.ts';

describe('symmetric eigendecomposition', () => {
  it('decomposes a symmetric matrix: B diag(values) B^T rebuilds it, B is orthonormal', () => {
    const a = [
      [4, 1, 0.5, 0],
      [1, 3, 0.2, 0.1],
      [0.5, 0.2, 2, 0.3],
      [0, 0.1, 0.3, 1],
    ];
    const { values, vectors } = symmetricEigen(a);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let k = 0; k < 4; k++) {
          rebuilt += vectors[i]![k]! * values[k]! * vectors[j]![k]!;
          gram += vectors[k]![i]! * vectors[k]![j]!;
        }
        expect(rebuilt).toBeCloseTo(a[i]![j]!, 12);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('finds the analytic eigenpairs of small matrices', () => {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3 with eigenvectors (1, -1)/√2 and (1, 1)/√2
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    const order = values[0]! < values[1]! ? [0, 1] : [1, 0];
    expect(values[order[0]!]).toBeCloseTo(1, 14);
    expect(values[order[1]!]).toBeCloseTo(3, 14);
    const v1 = vectors.map((row) => row[order[0]!]!);
    const v3 = vectors.map((row) => row[order[1]!]!);
    expect(Math.abs(v1[0]! * Math.SQRT1_2 - v1[1]! * Math.SQRT1_2)).toBeCloseTo(1, 14);
    expect(Math.abs(v3[0]! * Math.SQRT1_2 + v3[1]! * Math.SQRT1_2)).toBeCloseTo(1, 14);
    // A diagonal matrix is already decomposed; the trace and the determinant are kept.
    expect(symmetricEigen([[5, 0], [0, -2]])).toEqual({ values: [5, -2], vectors: [[1, 0], [0, 1]] });
    const a = [
      [6, 2, 1],
      [2, 3, 1],
      [1, 1, 1],
    ];
    const { values: ev } = symmetricEigen(a);
    expect(ev.reduce((s, v) => s + v, 0)).toBeCloseTo(10, 12);
    expect(ev.reduce((s, v) => s * v, 1)).toBeCloseTo(6 * 2 - 2 * 1 + 1 * (2 - 3), 12); // det = 9
  });

  it('does not modify its input', () => {
    const a = [
      [1, 0.5],
      [0.5, 1],
    ];
    symmetricEigen(a);
    expect(a).toEqual([
      [1, 0.5],
      [0.5, 1],
    ]);
  });
});
