import { LOG_SQRT_2PI } from '../numeric/normal.ts';
import type { Uniform } from '../numeric/random.ts';
import { MLP } from './nn.ts';
import { normalDraw, type DensityEstimator, type EstimatorJSON } from './estimator.ts';

/** Settings of an {@link MDN}: 10 components (as CompNeuroPy uses), 50 hidden units. */
export interface MDNOptions {
  numComponents?: number;
  hiddenFeatures?: number;
}

/**
 * Mixture density network (Bishop 1994): an MLP of x gives the weights, means and SDs of a
 * mixture of K Gaussians over θ. The components are diagonal (sbi's are full-covariance; the
 * correlations come from the mixture), which keeps the hand-written gradient exact and cheap.
 *
 * ```ts
 * const mdn = new MDN(2, 3, seededStream(1), { numComponents: 10 });
 * const draws = mdn.sample(100, new Float64Array(3), seededStream(2)); // 100 × 2
 * ```
 */
export class MDN implements DensityEstimator {
  readonly kind = 'mdn';
  readonly net: MLP;
  readonly numComponents: number;
  readonly hiddenFeatures: number;
  private resp = new Float64Array(0);
  /** Per row of the last evaluation: log Σ_k exp(logit_k), so the backward pass has the mixture weights without a second pass. */
  private logitNorm = new Float64Array(0);

  constructor(
    readonly dim: number,
    readonly contextDim: number,
    random: Uniform,
    options: MDNOptions = {},
  ) {
    this.numComponents = options.numComponents ?? 10;
    this.hiddenFeatures = options.hiddenFeatures ?? 50;
    const K = this.numComponents;
    const H = this.hiddenFeatures;
    this.net = new MLP([Math.max(1, contextDim), H, H, K + 2 * K * dim], random, undefined, 1);
  }

  params(): Float64Array[] {
    return this.net.params();
  }

  grads(): Float64Array[] {
    return this.net.grads();
  }

  zeroGrad(): void {
    this.net.zeroGrad();
  }

  private context(context: Float64Array, n: number): Float64Array {
    return this.contextDim === 0 ? new Float64Array(n) : context;
  }

  /** log q per row; keeps the responsibilities for the backward pass. */
  private evaluate(theta: Float64Array, context: Float64Array, n: number): { logq: Float64Array; out: Float64Array } {
    const D = this.dim;
    const K = this.numComponents;
    const P = K + 2 * K * D;
    const out = this.net.forward(this.context(context, n), n);
    if (this.resp.length < n * K) this.resp = new Float64Array(n * K);
    if (this.logitNorm.length < n) this.logitNorm = new Float64Array(n);
    const logq = new Float64Array(n);
    const lk = new Float64Array(K);
    for (let r = 0; r < n; r++) {
      const o = r * P;
      let amax = -Infinity;
      for (let k = 0; k < K; k++) amax = Math.max(amax, out[o + k]!);
      let asum = 0;
      for (let k = 0; k < K; k++) asum += Math.exp(out[o + k]! - amax);
      const lse = amax + Math.log(asum);
      this.logitNorm[r] = lse;
      let best = -Infinity;
      for (let k = 0; k < K; k++) {
        let l = out[o + k]! - lse;
        for (let d = 0; d < D; d++) {
          const mu = out[o + K + k * D + d]!;
          const ls = out[o + K + K * D + k * D + d]!;
          const zz = (theta[r * D + d]! - mu) * Math.exp(-ls);
          l += -0.5 * zz * zz - ls - LOG_SQRT_2PI;
        }
        lk[k] = l;
        if (l > best) best = l;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(lk[k]! - best);
      const lq = best + Math.log(s);
      logq[r] = lq;
      for (let k = 0; k < K; k++) this.resp[r * K + k] = Math.exp(lk[k]! - lq);
    }
    return { logq, out };
  }

  logProb(theta: Float64Array, context: Float64Array, n: number): Float64Array {
    return this.evaluate(theta, context, n).logq;
  }

  loss(theta: Float64Array, context: Float64Array, n: number, grad: boolean, inputGrad?: Float64Array): number {
    const { logq, out } = this.evaluate(theta, context, n);
    let sum = 0;
    for (let r = 0; r < n; r++) sum += logq[r]!;
    if (!grad) return -sum / n;
    const D = this.dim;
    const K = this.numComponents;
    const P = K + 2 * K * D;
    const dout = new Float64Array(n * P);
    const inv = 1 / n;
    for (let r = 0; r < n; r++) {
      const o = r * P;
      const lse = this.logitNorm[r]!;
      for (let k = 0; k < K; k++) {
        const w = this.resp[r * K + k]!;
        const pi = Math.exp(out[o + k]! - lse);
        dout[o + k] = -(w - pi) * inv;
        for (let d = 0; d < D; d++) {
          const mu = out[o + K + k * D + d]!;
          const ls = out[o + K + K * D + k * D + d]!;
          const isd = Math.exp(-ls);
          const zz = (theta[r * D + d]! - mu) * isd;
          dout[o + K + k * D + d] = -w * zz * isd * inv;
          dout[o + K + K * D + k * D + d] = -w * (zz * zz - 1) * inv;
          if (inputGrad) inputGrad[r * D + d] = (k === 0 ? 0 : inputGrad[r * D + d]!) + w * zz * isd * inv;
        }
      }
    }
    this.net.backward(dout, n, false);
    return -sum / n;
  }

  sample(n: number, context: Float64Array, random: Uniform): Float64Array {
    const D = this.dim;
    const K = this.numComponents;
    const out = Float64Array.from(this.net.forward(this.contextDim === 0 ? new Float64Array(1) : context, 1));
    let amax = -Infinity;
    for (let k = 0; k < K; k++) amax = Math.max(amax, out[k]!);
    const cum = new Float64Array(K);
    let acc = 0;
    for (let k = 0; k < K; k++) cum[k] = acc += Math.exp(out[k]! - amax);
    const x = new Float64Array(n * D);
    for (let r = 0; r < n; r++) {
      const u = random() * acc;
      let k = 0;
      while (k < K - 1 && cum[k]! <= u) k++;
      for (let d = 0; d < D; d++) {
        x[r * D + d] = out[K + k * D + d]! + Math.exp(out[K + K * D + k * D + d]!) * normalDraw(random);
      }
    }
    return x;
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      dim: this.dim,
      contextDim: this.contextDim,
      numComponents: this.numComponents,
      hiddenFeatures: this.hiddenFeatures,
      net: this.net.toJSON(),
    };
  }

  /** Rebuilds an MDN saved by {@link MDN.toJSON}. */
  static fromJSON(json: EstimatorJSON): MDN {
    const j = json as EstimatorJSON & { numComponents: number; hiddenFeatures: number; net: never };
    const mdn = new MDN(j.dim, j.contextDim, () => 0.5, { numComponents: j.numComponents, hiddenFeatures: j.hiddenFeatures });
    mdn.net.load(j.net, 'MDN.fromJSON');
    return mdn;
  }
}
