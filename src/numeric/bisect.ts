/**
 * Binary search in sorted arrays, with the semantics of C++'s std::lower_bound and
 * std::upper_bound (numpy's searchsorted with side 'left' and 'right'): half-open ranges
 * [lo, hi), and hi when no element qualifies (so also for a NaN x).
 *
 * The loops are written out rather than built on {@link partitionPoint} with a closure: the TPE
 * calls them for every candidate and every draw, and a predicate call per step would cost there.
 */

/**
 * Index of the first element of sorted `a` in [lo, hi) that is not below x (hi if none): where
 * x goes in front of any equal elements.
 *
 * ```ts
 * lowerBound([1, 2, 2, 3], 2); // 1
 * lowerBound([1, 2, 2, 3], 9); // 4
 * ```
 */
export function lowerBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Index of the first element of sorted `a` in [lo, hi) that is above x (hi if none): where x
 * goes after any equal elements. With `a` cumulative weights and x uniform on [0, total), it
 * picks an index with probability proportional to its weight.
 *
 * ```ts
 * upperBound([1, 2, 2, 3], 2); // 3
 * upperBound([0.2, 0.5, 1], 0.3); // 1: the second of weights 0.2, 0.3, 0.5
 * ```
 */
export function upperBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The first index in [lo, hi) at which `pred` holds, for a predicate that is false up to some
 * index and true from there on (hi if it never holds): binary search over anything indexable,
 * e.g. an array sorted through an index.
 *
 * ```ts
 * const keys = [5, 1, 3];
 * const byKey = [1, 2, 0]; // indices sorted by key
 * partitionPoint(0, 3, (i) => keys[byKey[i]] > 3); // 2: after the key 3
 * ```
 */
export function partitionPoint(lo: number, hi: number, pred: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
