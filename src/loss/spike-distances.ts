import { coincidenceFactor } from './spikes.ts';

/**
 * Intrinsic reliability R of repeated recordings (Jolivet et al. 2008): the mean
 * coincidence factor over all pairs of trials. A model cannot be expected to predict a
 * neuron better than the neuron predicts itself.
 *
 * ```ts
 * intrinsicReliability([[10, 50, 90], [10, 50, 90], [11, 51, 91]], 100); // 1: all trials coincide within 2 ms
 * ```
 */
export function intrinsicReliability(trials: ArrayLike<number>[], duration: number, delta = 2): number {
  if (trials.length < 2) throw new Error('intrinsicReliability: needs at least two trials');
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < trials.length; a++) {
    for (let b = a + 1; b < trials.length; b++) {
      // Γ is not symmetric in rate; average both directions
      sum += 0.5 * (coincidenceFactor(trials[a]!, trials[b]!, duration, delta) + coincidenceFactor(trials[b]!, trials[a]!, duration, delta));
      pairs++;
    }
  }
  return sum / pairs;
}

/**
 * Γ of a model against repeated trials, normalised by the trials' intrinsic reliability: 1 means "as good as the neuron itself".
 *
 * ```ts
 * normalizedCoincidenceFactor([10, 50, 90], [[10, 50, 90], [11, 51, 91]], 100); // 1
 * ```
 */
export function normalizedCoincidenceFactor(model: ArrayLike<number>, trials: ArrayLike<number>[], duration: number, delta = 2): number {
  const mean = trials.reduce((s, trial) => s + coincidenceFactor(model, trial, duration, delta), 0) / trials.length;
  return mean / intrinsicReliability(trials, duration, delta);
}

/**
 * van Rossum (2001) distance: each train filtered with a causal exponential of time
 * constant `tau` (ms); D² = (1/tau) ∫ (f - g)² dt, exactly:
 * D² = ½ [Σ e^{-|a_i - a_j|/tau} + Σ e^{-|b_i - b_j|/tau} - 2 Σ e^{-|a_i - b_j|/tau}].
 * Each double sum takes one pass over the merged trains (O(n + m) for sorted trains,
 * a sort otherwise): the exponential kernel lets the sum over earlier spikes be carried
 * from one spike to the next by one factor, so no time grid and no pairwise loop.
 *
 * ```ts
 * vanRossumDistance([10, 50], [12, 50], 10); // 0.43: one spike 2 ms late
 * ```
 */
export function vanRossumDistance(a: ArrayLike<number>, b: ArrayLike<number>, tau = 10): number {
  if (!(tau > 0)) throw new Error(`vanRossumDistance: tau must be > 0 ms, got ${tau}`);
  const x = sorted(a);
  const y = sorted(b);
  const d2 = 0.5 * (kernelSum(x, x, tau) + kernelSum(y, y, tau) - 2 * kernelSum(x, y, tau));
  return Math.sqrt(Math.max(0, d2));
}

function sorted(t: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(t);
  for (let k = 1; k < out.length; k++) if (out[k]! < out[k - 1]!) return out.sort();
  return out;
}

/**
 * Σ_i Σ_j e^{-|x_i - y_j|/tau} for sorted x and y in O(n + m): for each x_i, the y's at or
 * before it contribute a decayed running sum (carried forward by e^{-Δ/tau}), those after
 * it a running sum carried backward. Every term is a decay, so nothing overflows.
 */
function kernelSum(x: Float64Array, y: Float64Array, tau: number): number {
  let total = 0;
  // y_j <= x_i
  let acc = 0;
  let at = -Infinity;
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    while (j < y.length && y[j]! <= xi) {
      acc = acc * Math.exp(-(y[j]! - at) / tau) + 1;
      at = y[j]!;
      j++;
    }
    if (acc > 0) total += acc * Math.exp(-(xi - at) / tau);
  }
  // y_j > x_i
  acc = 0;
  at = Infinity;
  j = y.length - 1;
  for (let i = x.length - 1; i >= 0; i--) {
    const xi = x[i]!;
    while (j >= 0 && y[j]! > xi) {
      acc = acc * Math.exp(-(at - y[j]!) / tau) + 1;
      at = y[j]!;
      j--;
    }
    if (acc > 0) total += acc * Math.exp(-(at - xi) / tau);
  }
  return total;
}

/**
 * Victor–Purpura (1996) distance: the cheapest way to turn one train into the other,
 * where adding or deleting a spike costs 1 and moving one by Δt costs q·|Δt| (q in 1/ms).
 *
 * ```ts
 * victorPurpuraDistance([10], [15], 0.1); // 0.5: move the spike by 5 ms
 * victorPurpuraDistance([10], [40], 0.1); // 2: delete one, add one
 * ```
 */
export function victorPurpuraDistance(a: ArrayLike<number>, b: ArrayLike<number>, q = 0.1): number {
  if (!(q >= 0)) throw new Error(`victorPurpuraDistance: q must be >= 0, got ${q}`);
  const m = a.length;
  const n = b.length;
  let prev = Float64Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const row = new Float64Array(n + 1);
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + q * Math.abs(a[i - 1]! - b[j - 1]!));
    }
    prev = row;
  }
  return prev[n]!;
}

/**
 * ISI distance (Kreuz et al. 2007) on [start, end]: the time average of
 * |ISI_a(t)/ISI_b(t) - 1| (or of 1 - ISI_a/ISI_b... symmetrically, the smaller over the
 * larger), where ISI_x(t) is the interval of train x that contains t. The window edges
 * count as spikes, so intervals before the first and after the last spike are defined.
 * 0 for identical trains, towards 1 for very different rates.
 *
 * ```ts
 * isiDistanceKreuz([20, 40, 60, 80], [20, 40, 60, 80], 0, 100); // 0
 * isiDistanceKreuz([50], [20, 40, 60, 80], 0, 100);             // 0.6
 * ```
 */
export function isiDistanceKreuz(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): number {
  if (!(end > start)) throw new Error(`isiDistanceKreuz: end (${end}) must be after start (${start})`);
  const edges = (x: ArrayLike<number>) => [start, ...Array.from(sorted(x)).filter((t) => t > start && t < end), end];
  const ea = edges(a);
  const eb = edges(b);
  // one sweep over the merged edges: between two consecutive edges of either train, both
  // trains' current intervals are constant
  let ka = 0;
  let kb = 0;
  let t = start;
  let sum = 0;
  while (t < end) {
    const next = Math.min(ea[ka + 1]!, eb[kb + 1]!);
    const ia = ea[ka + 1]! - ea[ka]!;
    const ib = eb[kb + 1]! - eb[kb]!;
    sum += (Math.abs(ia - ib) / Math.max(ia, ib)) * (next - t);
    t = next;
    if (ea[ka + 1] === next) ka++;
    if (eb[kb + 1] === next) kb++;
  }
  return sum / (end - start);
}
