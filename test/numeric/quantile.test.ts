import { describe, expect, it } from 'vitest';
import { median, medianSorted, quantile, quantileSorted } from '../../src/numeric/quantile.ts';

describe('median and quantiles', () => {
  it('median is numpy.median: the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median(Float64Array.of(7))).toBe(7);
    expect(median([-1, -1e300, 1e300, 0])).toBe(-0.5);
    expect(median([])).toBeNaN();
    expect(median([1, NaN, 3])).toBeNaN(); // numpy propagates NaN
    expect(median([Infinity, 1, -Infinity])).toBe(1);
    expect(medianSorted([1, 2, 4, 8])).toBe(3);
    expect(medianSorted([])).toBeNaN();
  });

  it('does not modify its input', () => {
    const a = [3, 1, 2];
    median(a);
    quantile(a, 0.3);
    expect(a).toEqual([3, 1, 2]);
  });

  it('quantile matches numpy.quantile (linear) to the last bit', () => {
    // numpy 2.4: np.quantile(x, p) for each p
    const x = [0.3, 7.1, 2.2, 9.9, 4.4, 1.0, 5.5];
    const expected: [number, number][] = [
      [0, 0.3],
      [0.1, 0.7200000000000001],
      [0.25, 1.6],
      [0.5, 4.4],
      [0.75, 6.3],
      [0.9, 8.22],
      [1, 9.9],
    ];
    for (const [p, q] of expected) expect(quantile(x, p)).toBe(q);
    expect(quantile([5, 1, 4, 2, 3], 0.75)).toBe(4);
    expect(quantileSorted([10, 20], 0.9)).toBe(19);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(median([1, 2, 3, 4]));
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, NaN], 0.5)).toBeNaN();
  });

  it('refuses p outside [0, 1]', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow('quantile: p must be in [0, 1], got 1.5');
    expect(() => quantileSorted([1, 2], -0.1)).toThrow(/got -0.1/);
    expect(() => quantile([], NaN)).toThrow(/got NaN/);
  });
});
