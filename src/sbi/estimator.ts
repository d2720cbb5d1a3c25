import { LOG_SQRT_2PI } from '../numeric/normal.ts';
import type { Uniform } from '../numeric/random.ts';

/**
 * A conditional density q(θ | x) over z-scored θ (`dim` values) given z-scored x
 * (`contextDim` values), trained by maximum likelihood. Arrays are row-major batches.
 */
export interface DensityEstimator {
  readonly kind: string;
  readonly dim: number;
  readonly contextDim: number;
  /** Every trainable array, and the matching gradient arrays (same order). */
  params(): Float64Array[];
  grads(): Float64Array[];
  /**
   * Mean −log q(θ | x) over n rows. With `grad`, the parameter gradients of that mean are
   * added to {@link grads} (callers zero them first) and, with `inputGrad`, dLoss/dθ per row
   * is written there.
   */
  loss(theta: Float64Array, context: Float64Array, n: number, grad: boolean, inputGrad?: Float64Array): number;
  /** log q(θ | x) of n rows. */
  logProb(theta: Float64Array, context: Float64Array, n: number): Float64Array;
  /** n draws (n × dim) given one context row. */
  sample(n: number, context: Float64Array, random: Uniform): Float64Array;
  /** Zeroes the parameter gradients. */
  zeroGrad(): void;
  toJSON(): EstimatorJSON;
}

/** A saved estimator: its kind, its settings and its weights. */
export interface EstimatorJSON {
  kind: string;
  dim: number;
  contextDim: number;
  [own: string]: unknown;
}

/** Repeats one context row n times. */
export function repeatRow(row: Float64Array, n: number): Float64Array {
  const c = row.length;
  const out = new Float64Array(n * c);
  for (let r = 0; r < n; r++) out.set(row, r * c);
  return out;
}

/** A standard normal draw from a uniform stream (Box–Muller, one value per call for reproducibility). */
export function normalDraw(random: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Adds the standard normal base density of z (n rows of D) to log q: the last term of a flow. */
export function addBaseDensity(logq: Float64Array, z: Float64Array, n: number, D: number): void {
  for (let r = 0; r < n; r++) {
    let sq = 0;
    for (let i = 0; i < D; i++) sq += z[r * D + i]! * z[r * D + i]!;
    logq[r] += -0.5 * sq - D * LOG_SQRT_2PI;
  }
}

/**
 * log q of n rows through `flow` in chunks of 2,048, so a flow's per-row buffers stay small
 * however many rows are asked for.
 */
export function chunkedLogProb(flow: (theta: Float64Array, context: Float64Array, m: number) => Float64Array, theta: Float64Array, context: Float64Array, n: number, dim: number, contextDim: number): Float64Array {
  const out = new Float64Array(n);
  const chunk = 2048;
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const m = Math.min(chunk, n - r0);
    out.set(flow(theta.subarray(r0 * dim), context.subarray(r0 * contextDim), m), r0);
  }
  return out;
}
