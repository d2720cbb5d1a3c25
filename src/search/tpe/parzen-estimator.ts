/**
 * The adaptive Parzen estimator of hyperopt (`adaptive_parzen_normal`): a Gaussian mixture with
 * one component per observation plus a prior component, bandwidths from the gaps between
 * neighbours, and weights that forget the oldest observations linearly.
 */
import { lowerBound } from '../../numeric/bisect.ts';

/** @internal A Gaussian mixture: components sorted by mean, weights summing to 1. */
export interface ParzenEstimator {
  mus: Float64Array;
  sigmas: Float64Array;
  weights: Float64Array;
  /** Index of the prior component among the sorted ones. */
  priorIndex: number;
}

/**
 * @internal hyperopt's linear_forgetting_weights(n, lf): the most recent lf observations weigh 1,
 * the older n - lf ramp linearly from 1/n (oldest) up to 1. Index = time order, oldest first.
 *
 * ```ts
 * linearForgettingWeights(4, 2); // [0.25, 1, 1, 1]
 * linearForgettingWeights(5, 2); // [0.2, 0.6, 1, 1, 1]
 * ```
 */
export function linearForgettingWeights(n: number, lf: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - lf;
  if (ramp === 1) w[0] = 1 / n; // numpy's linspace(start, stop, 1) is [start]
  else if (ramp > 1) {
    const step = (1 - 1 / n) / (ramp - 1);
    for (let t = 0; t < ramp; t++) w[t] = 1 / n + step * t;
  }
  return w;
}

/** Forgetting weights by time rank and their logs, or undefined when all are 1. */
export interface RankWeights {
  w: Float64Array;
  logW: Float64Array;
}

/** The forgetting weights of n observations by time rank, and their logs; undefined when all are 1. */
export function rankWeights(n: number, lf: number): RankWeights | undefined {
  if (n <= lf) return undefined;
  const w = linearForgettingWeights(n, lf);
  return { w, logW: w.map(Math.log) };
}

/**
 * @internal Builds the adaptive Parzen estimator of observations `obs` (in time order, oldest
 * first) around a prior N(priorMu, priorSigma) of weight priorWeight, as hyperopt does:
 * one component per observation plus the prior, sorted by mean; each observation's sigma is
 * the larger gap to its neighbours (the prior mean counts as a neighbour; a lone observation
 * gets half the prior sigma), clipped to [priorSigma / min(100, n + 2), priorSigma] with n
 * observations (hyperopt's `1 + len(sorted mus including the prior)`); the prior keeps
 * priorSigma. Observation weights are {@link linearForgettingWeights} by recency, normalised
 * with the prior's to sum to 1.
 *
 * ```ts
 * const est = parzen([0.2, 0.9, 0.25], 0.5, 1); // prior N(0.5, 1), as for uniform(0, 1)
 * est.mus; // [0.2, 0.25, 0.5, 0.9], the prior at est.priorIndex = 2
 * est.sigmas; // [0.2, 0.25, 1, 0.4]
 * ```
 */
export function parzen(obs: ArrayLike<number>, priorMu: number, priorSigma: number, priorWeight = 1, linearForgetting = 25): ParzenEstimator {
  const n = obs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => obs[i]! - obs[j]! || i - j);
  const values = new Float64Array(n);
  const times = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    values[k] = obs[order[k]!]!;
    times[k] = order[k]!;
  }
  const est = { mus: new Float64Array(n + 1), sigmas: new Float64Array(n + 1), weights: new Float64Array(n + 1), priorIndex: 0 };
  const scratch = { ...est, logW: new Float64Array(n + 1) };
  const { priorIndex, total } = parzenInto(values, times, n, priorMu, priorSigma, priorWeight, rankWeights(n, linearForgetting), scratch);
  for (let k = 0; k <= n; k++) est.weights[k]! /= total;
  est.priorIndex = priorIndex;
  return est;
}

/**
 * @internal Writes the estimator of observations already sorted by value into `out` (arrays of length
 * at least n + 1), with unnormalised weights and their logs, and returns the prior's index and
 * the weights' total. `times[k]` is the time rank (0 = oldest) of `values[k]` within its set,
 * `forgetting` the weights by time rank (undefined: all 1). The TPE keeps its history sorted
 * per dimension, which saves an O(n log n) sort per dimension and suggestion, and shares the
 * weights' logs between dimensions, as this runs for every dimension and suggestion.
 */
export function parzenInto(
  values: Float64Array,
  times: Int32Array,
  n: number,
  priorMu: number,
  priorSigma: number,
  priorWeight: number,
  forgetting: RankWeights | undefined,
  out: { mus: Float64Array; sigmas: Float64Array; weights: Float64Array; logW: Float64Array },
): { priorIndex: number; total: number } {
  const { mus, sigmas, weights, logW } = out;
  const m = n + 1;
  // numpy's searchsorted(side='left'): the prior goes before observations equal to its mean.
  const p = lowerBound(values, priorMu, 0, n);
  mus.set(values.subarray(0, p));
  mus[p] = priorMu;
  mus.set(values.subarray(p, n), p + 1);

  // Sigmas: the larger gap to a neighbour (the prior mean included), clipped; the loop carries
  // the gaps along (a branch-free loop body runs ~3x faster here than one with special cases).
  const minSigma = priorSigma / Math.min(100, m + 1);
  const clip = (x: number) => (x < minSigma ? minSigma : x > priorSigma ? priorSigma : x);
  if (n === 1) {
    sigmas[1 - p] = clip(0.5 * priorSigma);
  } else if (n >= 2) {
    let cur = mus[1]!;
    let leftGap = cur - mus[0]!;
    sigmas[0] = clip(leftGap);
    for (let k = 1; k < m - 1; k++) {
      const next = mus[k + 1]!;
      const rightGap = next - cur;
      const g = leftGap > rightGap ? leftGap : rightGap;
      sigmas[k] = g < minSigma ? minSigma : g > priorSigma ? priorSigma : g;
      leftGap = rightGap;
      cur = next;
    }
    sigmas[m - 1] = clip(leftGap);
  }
  sigmas[p] = priorSigma;

  // Recency, not value or loss order, decides which observations are forgotten: the point of
  // forgetting is to discount the oldest evidence, so each value carries its time rank.
  let total = priorWeight;
  if (forgetting) {
    const fw = forgetting.w;
    const fl = forgetting.logW;
    for (let k = 0; k < p; k++) {
      const t = times[k]!;
      weights[k] = fw[t]!;
      logW[k] = fl[t]!;
      total += fw[t]!;
    }
    for (let k = p + 1; k < m; k++) {
      const t = times[k - 1]!;
      weights[k] = fw[t]!;
      logW[k] = fl[t]!;
      total += fw[t]!;
    }
  } else {
    weights.fill(1, 0, m);
    logW.fill(0, 0, m);
    total += n;
  }
  weights[p] = priorWeight;
  logW[p] = Math.log(priorWeight);
  return { priorIndex: p, total };
}

