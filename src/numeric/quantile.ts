/**
 * Medians and quantiles as numpy computes them (`numpy.median`, `numpy.quantile` with the
 * default linear method): the average of the two middle values for an even count, NaN for no
 * values or when any value is NaN.
 */

/** A sorted copy, or undefined when a value is NaN (numpy propagates NaN through both). */
function sortedCopy(values: ArrayLike<number>): Float64Array | undefined {
  const s = Float64Array.from(values);
  for (let i = 0; i < s.length; i++) if (Number.isNaN(s[i]!)) return undefined;
  return s.sort(); // a typed array sorts numerically
}

/**
 * The median of values sorted in ascending order: the middle one, or the mean of the two middle
 * ones; NaN for none.
 *
 * ```ts
 * medianSorted([1, 2, 4, 8]); // 3
 * ```
 */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/**
 * `numpy.median`: the middle value, or the mean of the two middle values; NaN for no values
 * or if any is NaN. The input is not modified.
 *
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: ArrayLike<number>): number {
  const s = sortedCopy(values);
  return s ? medianSorted(s) : NaN;
}

/**
 * The p-quantile (0 <= p <= 1) of values sorted in ascending order, interpolated linearly
 * between order statistics at position p (n - 1), as `numpy.quantile` does by default
 * (Hyndman & Fan's type 7), including numpy's rounding: from the upper neighbour when the
 * fraction is at least 1/2. NaN for none.
 *
 * ```ts
 * quantileSorted([1, 2, 3, 4, 5], 0.25); // 2
 * quantileSorted([10, 20], 0.9); // 19
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  checkProbability(p);
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = p * (n - 1);
  const i = Math.floor(h);
  const t = h - i;
  const a = sorted[i]!;
  if (t === 0) return a;
  const b = sorted[i + 1]!;
  const d = b - a;
  return t < 0.5 ? a + d * t : b - d * (1 - t);
}

/**
 * `numpy.quantile(values, p)`: the p-quantile with linear interpolation (see
 * {@link quantileSorted}); NaN for no values or if any is NaN. The input is not modified.
 *
 * ```ts
 * quantile([5, 1, 4, 2, 3], 0.75); // 4
 * quantile([1, 2, 3, 4], 0.5); // 2.5, the median
 * ```
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  checkProbability(p);
  const s = sortedCopy(values);
  return s ? quantileSorted(s, p) : NaN;
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
}
