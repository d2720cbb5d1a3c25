/**
 * Small numeric helpers with the exact semantics of the C++ standard-library calls and of
 * the numpy functions eFEL uses (half-open index ranges [first, last), "not found" = last).
 */

type Numbers = ArrayLike<number>;

/** Index of the first element in [first, last) that satisfies pred, or last. */
export function findIndex(a: Numbers, first: number, last: number, pred: (x: number) => boolean): number {
  for (let i = first; i < last; i++) if (pred(a[i]!)) return i;
  return last;
}

/** Index of the first smallest element in [first, last) (std::min_element), or last if the range is empty. */
export function minIndex(a: Numbers, first: number, last: number): number {
  if (first >= last) return last;
  let best = first;
  for (let i = first + 1; i < last; i++) if (a[i]! < a[best]!) best = i;
  return best;
}

/** Index of the first largest element in [first, last) (std::max_element), or last if the range is empty. */
export function maxIndex(a: Numbers, first: number, last: number): number {
  if (first >= last) return last;
  let best = first;
  for (let i = first + 1; i < last; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

/**
 * eFEL's first_min_element: the first local minimum in [first, last) that is followed by two
 * values not below it (a minimum found before the global one, robust to a flat bottom), or the
 * global minimum if there is none; last if the range is empty.
 */
export function firstMinIndex(a: Numbers, first: number, last: number): number {
  if (first >= last) return last;
  let lowest = first;
  let count = 0;
  for (let i = first + 1; i < last; i++) {
    if (a[i]! >= a[lowest]!) count++;
    else {
      count = 0;
      lowest = i;
    }
    if (count === 2) return lowest;
  }
  return lowest;
}

/** eFEL's central-difference derivative: one-sided at both ends, ((v[i+1] - v[i-1]) / 2) / dx inside. */
export function centralDifference(dx: number, v: Numbers): Float64Array {
  const n = v.length;
  const dv = new Float64Array(n);
  if (n < 2) return dv;
  dv[0] = (v[1]! - v[0]!) / dx;
  for (let i = 1; i < n - 1; i++) dv[i] = (v[i + 1]! - v[i - 1]!) / 2 / dx;
  dv[n - 1] = (v[n - 1]! - v[n - 2]!) / dx;
  return dv;
}

/** eFEL's five-point-stencil derivative (per sample, not divided by the step). Needs at least 3 points. */
export function fivePointStencil(v: Numbers): Float64Array {
  const n = v.length;
  const dv = new Float64Array(n);
  dv[0] = v[1]! - v[0]!;
  dv[1] = (v[2]! - v[0]!) / 2;
  for (let i = 2; i < n - 2; i++) dv[i] = (-v[i + 2]! + 8 * v[i + 1]! - 8 * v[i - 1]! + v[i - 2]!) / 12;
  dv[n - 2] = (v[n - 1]! - v[n - 3]!) / 2;
  dv[n - 1] = v[n - 1]! - v[n - 2]!;
  return dv;
}

/** Mean of a[first..last) (NaN for an empty range, like 0/0 in eFEL). */
export function mean(a: Numbers, first = 0, last = a.length): number {
  let s = 0;
  for (let i = first; i < last; i++) s += a[i]!;
  return s / (last - first);
}

/** numpy.std with ddof = 1. */
export function sampleStd(a: readonly number[]): number {
  const m = mean(a);
  let s = 0;
  for (const x of a) s += (x - m) * (x - m);
  return Math.sqrt(s / (a.length - 1));
}

export interface LineFit {
  slope: number;
  /** Sum of squared residuals over the squared range of y. */
  normalizedStd: number;
}

/**
 * eFEL's slope_straight_line_fit, with the same (uncentred) sums in the same order, so that
 * results that depend on its rounding (e.g. the golden-section search of time_constant) agree.
 */
export function straightLineFit(x: Numbers, y: Numbers): LineFit {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  let sx2 = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
    sx2 += x[i]! * x[i]!;
    sxy += x[i]! * y[i]!;
  }
  const delta = n * sx2 - sx * sx;
  const slope = (n * sxy - sx * sy) / delta;
  const intercept = (sy - slope * sx) / n;
  let rss = 0;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = y[i]! - intercept - slope * x[i]!;
    rss += r * r;
    if (y[i]! < ymin) ymin = y[i]!;
    if (y[i]! > ymax) ymax = y[i]!;
  }
  const range = ymax - ymin;
  return { slope, normalizedStd: rss / (range * range) };
}

/**
 * Slope of numpy.polyfit(x, y, 1): least squares for two or more points; for a single point
 * numpy returns the minimum-norm solution of the column-scaled system, whose slope is
 * y / (2x) (0 when x = 0). Null for no points (numpy raises).
 */
export function polyfitSlope(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n === 0) return null;
  if (n === 1) return x[0] === 0 ? 0 : y[0]! / (2 * x[0]!);
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) * (x[i]! - mx);
  }
  // all x equal: numpy's scaled lstsq puts everything in the slope column
  if (sxx === 0) return mx === 0 ? 0 : my / (2 * mx);
  return sxy / sxx;
}
