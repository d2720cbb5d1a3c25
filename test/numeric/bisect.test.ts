import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { lowerBound, partitionPoint, upperBound } from '../../src/numeric/bisect.ts';

/** The definitions, by linear scan. */
const firstAtLeast = (a: ArrayLike<number>, x: number, lo: number, hi: number) => {
  for (let i = lo; i < hi; i++) if (a[i]! >= x) return i;
  return hi;
};
const firstAbove = (a: ArrayLike<number>, x: number, lo: number, hi: number) => {
  for (let i = lo; i < hi; i++) if (a[i]! > x) return i;
  return hi;
};

describe('binary search', () => {
  it('lowerBound and upperBound place x before and after equal elements (numpy searchsorted left/right)', () => {
    const a = [1, 2, 2, 2, 5];
    expect(lowerBound(a, 2)).toBe(1);
    expect(upperBound(a, 2)).toBe(4);
    expect(lowerBound(a, 0)).toBe(0);
    expect(upperBound(a, 0)).toBe(0);
    expect(lowerBound(a, 9)).toBe(5);
    expect(upperBound(a, 5)).toBe(5);
    expect(lowerBound(a, 3)).toBe(4);
    expect(upperBound(a, 3)).toBe(4);
    expect(lowerBound([], 1)).toBe(0);
    expect(upperBound(Float64Array.of(), 1)).toBe(0);
    // -Infinity and Infinity are ordinary values; NaN is found nowhere.
    expect(lowerBound([-Infinity, 0, Infinity], Infinity)).toBe(2);
    expect(upperBound([-Infinity, 0, Infinity], -Infinity)).toBe(1);
    expect(lowerBound(a, NaN)).toBe(5);
    expect(upperBound(a, NaN)).toBe(5);
  });

  it('search only [lo, hi) and return hi when nothing there qualifies', () => {
    const a = Float64Array.of(0, 1, 2, 3, 4, 5, 6);
    expect(lowerBound(a, 3, 4, 6)).toBe(4);
    expect(lowerBound(a, 9, 2, 5)).toBe(5);
    expect(upperBound(a, 0.5, 2, 5)).toBe(2);
    // Cumulative weights with an Infinity guard: u picks the component whose range holds it.
    const cum = Float64Array.of(0.2, 0.5, 0.9, Infinity);
    expect([0, 0.19, 0.2, 0.49, 0.5, 0.95].map((u) => upperBound(cum, u, 0, 3))).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('agree with a linear scan on random sorted arrays with many ties', () => {
    const rng = seedrandom.alea('bisect');
    for (let trial = 0; trial < 500; trial++) {
      const n = Math.floor(rng() * 40);
      const a = Float64Array.from({ length: n }, () => Math.floor(rng() * 10)).sort();
      const lo = Math.floor(rng() * (n + 1));
      const hi = lo + Math.floor(rng() * (n - lo + 1));
      const x = Math.floor(rng() * 12) - 1 + (rng() < 0.3 ? 0.5 : 0);
      expect(lowerBound(a, x, lo, hi)).toBe(firstAtLeast(a, x, lo, hi));
      expect(upperBound(a, x, lo, hi)).toBe(firstAbove(a, x, lo, hi));
      expect(partitionPoint(lo, hi, (i) => a[i]! > x)).toBe(firstAbove(a, x, lo, hi));
    }
  });

  it('partitionPoint searches through an index, e.g. values sorted by key', () => {
    const keys = [5, 1, 3, 3, 9];
    const byKey = [1, 2, 3, 0, 4];
    expect(partitionPoint(0, 5, (i) => keys[byKey[i]!]! > 3)).toBe(3);
    expect(partitionPoint(0, 5, (i) => keys[byKey[i]!]! >= 3)).toBe(1);
    expect(partitionPoint(0, 5, () => false)).toBe(5);
    expect(partitionPoint(2, 2, () => true)).toBe(2);
  });
});
