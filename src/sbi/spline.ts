/**
 * Monotonic rational-quadratic spline (Durkan et al. 2019, "Neural Spline Flows") on
 * [−B, B] with identity (linear) tails outside: the element-wise bijection of a neural spline
 * flow. One element's spline is given by 3K − 1 unconstrained numbers at `p[off…]`: K bin
 * widths, K bin heights (softmax, at least {@link MIN_BIN} of the interval each) and K − 1
 * inner knot derivatives (softplus, at least {@link MIN_DERIVATIVE}); the end derivatives
 * are 1, so the spline joins its linear tails smoothly. Raw values 0 give the identity.
 *
 * Everything is float64 and per element, so the flow's loops stay allocation-free: the
 * backward pass recomputes the few knot values it needs rather than storing them.
 *
 * ```ts
 * const p = new Float64Array(3 * 10 - 1); // zeros: the identity
 * const out = new Float64Array(2);
 * splineForward(0.5, p, 0, 10, 3, out); // out = [0.5, 0]
 * ```
 */

export const MIN_BIN = 1e-3;
export const MIN_DERIVATIVE = 1e-3;
/** softplus(DERIVATIVE_SHIFT) + MIN_DERIVATIVE = 1: raw 0 is slope 1. */
const DERIVATIVE_SHIFT = Math.log(Math.expm1(1 - MIN_DERIVATIVE));

/** Scratch shared by every call (single-threaded: no call re-enters another). */
export const MAX_BINS = 64;
const soft = new Float64Array(MAX_BINS);
const softH = new Float64Array(MAX_BINS);

/** Number of raw parameters of one element's spline. */
export function splineParamCount(bins: number): number {
  return 3 * bins - 1;
}

/** Bin widths as fractions of 2B (after the minimum) into `out`; returns nothing. */
function fractions(p: Float64Array, off: number, K: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (p[off + k]! > max) max = p[off + k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) sum += out[k] = Math.exp(p[off + k]! - max);
  for (let k = 0; k < K; k++) out[k] = out[k]! / sum;
}

function softplus(v: number): number {
  return v > 30 ? v : Math.log1p(Math.exp(v));
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Knot derivative j (0..K): 1 at the ends. */
function derivative(p: Float64Array, off: number, K: number, j: number): number {
  return j === 0 || j === K ? 1 : MIN_DERIVATIVE + softplus(p[off + 2 * K + j - 1]! + DERIVATIVE_SHIFT);
}

/**
 * The bin (0..K−1) holding `v` given bin fractions `f`, and its left edge, by a linear scan
 * (K is about 10). Writes [edge, width] to `out` and returns the bin.
 */
function locate(v: number, f: Float64Array, K: number, B: number, out: Float64Array): number {
  const span = 2 * B;
  const scale = 1 - MIN_BIN * K;
  let left = -B;
  for (let k = 0; k < K; k++) {
    const width = span * (MIN_BIN + scale * f[k]!);
    if (v < left + width || k === K - 1) {
      out[0] = left;
      out[1] = k === K - 1 ? B - left : width;
      return k;
    }
    left += width;
  }
  return K - 1;
}

const wbox = new Float64Array(2);
const hbox = new Float64Array(2);
/** The bin of the last {@link findBin}: index, left edge, width, bottom, height, end slopes. */
const bin = { k: 0, xl: 0, w: 0, yl: 0, h: 0, dlo: 0, dhi: 0 };

/** The bin holding v — an input (x) or, with `byOutput`, an output (y) — and its knots, into `bin`. */
function findBin(v: number, p: Float64Array, off: number, K: number, B: number, byOutput: boolean): void {
  fractions(p, off, K, soft);
  fractions(p, off + K, K, softH);
  const k = byOutput ? locate(v, softH, K, B, hbox) : locate(v, soft, K, B, wbox);
  if (byOutput) heightOf(k, soft, K, B, wbox);
  else heightOf(k, softH, K, B, hbox);
  bin.k = k;
  bin.xl = wbox[0]!;
  bin.w = wbox[1]!;
  bin.yl = hbox[0]!;
  bin.h = hbox[1]!;
  bin.dlo = derivative(p, off, K, k);
  bin.dhi = derivative(p, off, K, k + 1);
}

/**
 * y = spline(x) and log |dy/dx| into out[0], out[1].
 */
export function splineForward(x: number, p: Float64Array, off: number, K: number, B: number, out: Float64Array): void {
  if (!(x > -B && x < B)) {
    out[0] = x;
    out[1] = 0;
    return;
  }
  findBin(x, p, off, K, B, false);
  const { xl, w, yl, h, dlo, dhi } = bin;
  const s = h / w;
  const xi = (x - xl) / w;
  const q = xi * (1 - xi);
  const num = h * (s * xi * xi + dlo * q);
  const den = s + (dlo + dhi - 2 * s) * q;
  out[0] = yl + num / den;
  const pd = dhi * xi * xi + 2 * s * q + dlo * (1 - xi) * (1 - xi);
  out[1] = 2 * Math.log(s) + Math.log(pd) - 2 * Math.log(den);
}

/** Bottom edge and height of bin k into out. */
function heightOf(k: number, f: Float64Array, K: number, B: number, out: Float64Array): void {
  const span = 2 * B;
  const scale = 1 - MIN_BIN * K;
  let bottom = -B;
  for (let i = 0; i < k; i++) bottom += span * (MIN_BIN + scale * f[i]!);
  out[0] = bottom;
  out[1] = k === K - 1 ? B - bottom : span * (MIN_BIN + scale * f[k]!);
}

/** x = spline⁻¹(y) (the root of the bin's quadratic that lies in the bin). */
export function splineInverse(y: number, p: Float64Array, off: number, K: number, B: number): number {
  if (!(y > -B && y < B)) return y;
  findBin(y, p, off, K, B, true);
  const { xl, w, yl, h, dlo, dhi } = bin;
  const s = h / w;
  const dy = y - yl;
  const c2 = dlo + dhi - 2 * s;
  const a = h * (s - dlo) + dy * c2;
  const b = h * dlo - dy * c2;
  const c = -s * dy;
  const disc = Math.max(0, b * b - 4 * a * c);
  // the numerically stable form of the root in [0, 1]
  const xi = (2 * c) / (-b - Math.sqrt(disc));
  return xl + xi * w;
}

/**
 * Backward pass of {@link splineForward}: given gy = dL/dy and gld = dL/d(log|dy/dx|), adds
 * dL/dp to `g[goff…]` and returns dL/dx.
 */
export function splineBackward(x: number, p: Float64Array, off: number, K: number, B: number, gy: number, gld: number, g: Float64Array, goff: number): number {
  if (!(x > -B && x < B)) return gy;
  findBin(x, p, off, K, B, false);
  const { k, xl, w, h, dlo, dhi } = bin;
  const s = h / w;
  const xi = (x - xl) / w;
  const q = xi * (1 - xi);
  const dq = 1 - 2 * xi;
  const c2 = dlo + dhi - 2 * s;
  const num = h * (s * xi * xi + dlo * q);
  const den = s + c2 * q;
  const pd = dhi * xi * xi + 2 * s * q + dlo * (1 - xi) * (1 - xi);
  const den2 = den * den;
  // partials of y (through num/den) and of the log-determinant, in (ξ, s, h, dlo, dhi)
  const yXi = (h * (2 * s * xi + dlo * dq) * den - num * c2 * dq) / den2;
  const yS = (h * xi * xi * den - num * (1 - 2 * q)) / den2;
  const yH = (s * xi * xi + dlo * q) / den;
  const yLo = (h * q * den - num * q) / den2;
  const yHi = (-num * q) / den2;
  const lXi = (2 * dhi * xi + 2 * s * dq - 2 * dlo * (1 - xi)) / pd - (2 * c2 * dq) / den;
  const lS = 2 / s + (2 * q) / pd - (2 * (1 - 2 * q)) / den;
  const lLo = ((1 - xi) * (1 - xi)) / pd - (2 * q) / den;
  const lHi = (xi * xi) / pd - (2 * q) / den;
  const gXi = gy * yXi + gld * lXi;
  const gS = gy * yS + gld * lS;
  const gH = gy * yH + gS / w;
  const gLo = gy * yLo + gld * lLo;
  const gHi = gy * yHi + gld * lHi;
  // ξ = (x − xl)/w, s = h/w; y = yl + …
  const gXl = -gXi / w;
  const gW = (-gXi * xi) / w - (gS * s) / w;
  const gYl = gy;
  // edges and sizes back to the softmax inputs: edge of bin k = −B + 2B·Σ_{i<k} frac_i, size = 2B·frac_k
  softmaxBack(soft, K, B, k, gXl, gW, g, goff);
  softmaxBack(softH, K, B, k, gYl, gH, g, goff + K);
  if (k > 0) g[goff + 2 * K + k - 1] += gLo * sigmoid(p[off + 2 * K + k - 1]! + DERIVATIVE_SHIFT);
  if (k + 1 < K) g[goff + 2 * K + k] += gHi * sigmoid(p[off + 2 * K + k]! + DERIVATIVE_SHIFT);
  return gXi / w;
}

/** Adds dL/d(raw) of one softmax given dL/d(left edge of bin k) and dL/d(size of bin k). */
function softmaxBack(f: Float64Array, K: number, B: number, k: number, gEdge: number, gSize: number, g: Float64Array, goff: number): void {
  const c = 2 * B * (1 - MIN_BIN * K);
  // dL/dfrac_i: the edge sums frac_0..frac_{k−1}; the last bin's size is B − edge
  const last = k === K - 1;
  const before = c * (last ? gEdge - gSize : gEdge);
  const at = last ? 0 : c * gSize;
  let dot = f[k]! * at;
  for (let i = 0; i < k; i++) dot += f[i]! * before;
  for (let i = 0; i < K; i++) g[goff + i] += f[i]! * ((i < k ? before : i === k ? at : 0) - dot);
}
