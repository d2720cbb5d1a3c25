import { coincidenceFactor } from './spikes.ts';

/**
 * Intrinsic reliability R of repeated recordings (Jolivet et al. 2008): the mean
 * coincidence factor over all pairs of trials. A model cannot be expected to predict a
 * neuron better than the neuron predicts itself.
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

/** Γ of a model against repeated trials, normalised by the trials' intrinsic reliability: 1 means "as good as the neuron itself". */
export function normalizedCoincidenceFactor(model: ArrayLike<number>, trials: ArrayLike<number>[], duration: number, delta = 2): number {
  const mean = trials.reduce((s, trial) => s + coincidenceFactor(model, trial, duration, delta), 0) / trials.length;
  return mean / intrinsicReliability(trials, duration, delta);
}

/**
 * van Rossum (2001) distance: each train filtered with a causal exponential of time
 * constant `tau` (ms); D² = (1/tau) ∫ (f - g)² dt, computed exactly from pairwise terms:
 * D² = ½ [Σ e^{-|a_i - a_j|/tau} + Σ e^{-|b_i - b_j|/tau} - 2 Σ e^{-|a_i - b_j|/tau}].
 */
export function vanRossumDistance(a: ArrayLike<number>, b: ArrayLike<number>, tau = 10): number {
  if (!(tau > 0)) throw new Error(`vanRossumDistance: tau must be > 0 ms, got ${tau}`);
  const cross = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) for (let j = 0; j < y.length; j++) s += Math.exp(-Math.abs(x[i]! - y[j]!) / tau);
    return s;
  };
  const d2 = 0.5 * (cross(a, a) + cross(b, b) - 2 * cross(a, b));
  return Math.sqrt(Math.max(0, d2));
}

/**
 * Victor–Purpura (1996) distance: the cheapest way to turn one train into the other,
 * where adding or deleting a spike costs 1 and moving one by Δt costs q·|Δt| (q in 1/ms).
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
 */
export function isiDistanceKreuz(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): number {
  if (!(end > start)) throw new Error(`isiDistanceKreuz: end (${end}) must be after start (${start})`);
  const edges = (x: ArrayLike<number>) => [start, ...Array.from(x).filter((t) => t > start && t < end), end];
  const ea = edges(a);
  const eb = edges(b);
  const cuts = [...new Set([...ea, ...eb])].sort((x, y) => x - y);
  const intervalAt = (e: number[], t: number) => {
    let k = 0;
    while (k < e.length - 2 && e[k + 1]! <= t) k++;
    return e[k + 1]! - e[k]!;
  };
  let sum = 0;
  for (let k = 0; k < cuts.length - 1; k++) {
    const mid = 0.5 * (cuts[k]! + cuts[k + 1]!);
    const ia = intervalAt(ea, mid);
    const ib = intervalAt(eb, mid);
    const ratio = ia <= ib ? ia / ib - 1 : -(ib / ia - 1);
    sum += Math.abs(ratio) * (cuts[k + 1]! - cuts[k]!);
  }
  return sum / (end - start);
}
