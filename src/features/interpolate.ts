/** A trace on a regular grid, as {@link interpolateTrace} returns it. */
export interface InterpolatedTrace {
  t: Float64Array;
  v: Float64Array;
}

/**
 * Linear interpolation of a trace onto a regular grid, reproducing eFEL's grid exactly
 * (eFEL's Utils.cpp LinearInterpolation): the grid starts at t[0] and is built by repeated
 * addition of the step (so its floating-point values, e.g. 0.30000000000000004, are the
 * same as eFEL's); it has ceil((t_end - t_0) / step) points, plus one more if the last
 * of them is still before t_end. Points past the last sample take the last sample's value.
 *
 * ```ts
 * interpolateTrace([0, 1, 2], [0, 10, 20], 0.5).v; // Float64Array [0, 5, 10, 15, 20]
 * ```
 */
export function interpolateTrace(t: ArrayLike<number>, v: ArrayLike<number>, step: number): InterpolatedTrace {
  const n = t.length;
  const start = t[0]!;
  const stop = t[n - 1]!;
  let count = Math.ceil((stop - start) / step);
  // the grid by accumulation, like numpy.arange would do it
  const grid: number[] = new Array(count);
  let x = start;
  for (let i = 0; i < count; i++) {
    grid[i] = x;
    x += step;
  }
  if (count === 0 || grid[count - 1]! < stop) {
    grid.push(x);
    count++;
  }
  const ti = new Float64Array(count);
  const vi = new Float64Array(count);
  let j = 0;
  let filled = 0;
  for (let i = 0; i < count; i++) {
    const xi = grid[i]!;
    while (t[j + 1]! < xi) {
      j++;
      if (j + 1 >= n) {
        j = n - 1;
        break;
      }
    }
    ti[i] = xi;
    filled = i + 1;
    if (j === n - 1) {
      // beyond the last sample: eFEL stores the last value and stops there
      vi[i] = v[j]!;
      break;
    }
    const dx = t[j + 1]! - t[j]!;
    const dy = v[j + 1]! - v[j]!;
    const dydx = dy / dx;
    vi[i] = v[j]! + dydx * (xi - t[j]!);
  }
  return filled === count ? { t: ti, v: vi } : { t: ti.slice(0, filled), v: vi.slice(0, filled) };
}
