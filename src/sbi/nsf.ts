import type { Uniform } from '../numeric/random.ts';
import { MLP } from './nn.ts';
import { addBaseDensity, chunkedLogProb, normalDraw, type DensityEstimator, type EstimatorJSON } from './estimator.ts';
import { MAX_BINS, splineBackward, splineForward, splineInverse, splineParamCount } from './spline.ts';

/** Settings of an {@link NSF}: sbi's defaults are 5 transforms, 50 hidden units, 10 bins, tails at ±3. */
export interface NSFOptions {
  numTransforms?: number;
  hiddenFeatures?: number;
  numBins?: number;
  tailBound?: number;
}

/**
 * Refuses spline settings the flow cannot honour: the spline's scratch holds at most
 * {@link MAX_BINS} bins, and the tails must bound a real interval.
 */
export function checkNSFOptions(options: NSFOptions, where: string): void {
  const { numBins, tailBound } = options;
  if (numBins !== undefined && !(Number.isInteger(numBins) && numBins >= 2 && numBins <= MAX_BINS)) {
    throw new Error(`${where}: numBins must be an integer from 2 to ${MAX_BINS} (got ${String(numBins)})`);
  }
  if (tailBound !== undefined && !(typeof tailBound === 'number' && Number.isFinite(tailBound) && tailBound > 0)) {
    throw new Error(`${where}: tailBound must be a finite number > 0 (got ${String(tailBound)}); the splines act on [−tailBound, tailBound] of z-scored θ`);
  }
}

/** softplus⁻¹(1 − eps): an LU diagonal that starts at exactly 1. */
const LU_EPS = 1e-3;
const DIAG_INIT = Math.log(Math.expm1(1 - LU_EPS));

/**
 * Neural spline flow (Durkan et al. 2019) conditioned on x, as sbi builds it (`nsf`): each
 * transform is a rational-quadratic spline coupling layer — the features of one parity pass
 * through and, with x, set the splines of the others — followed by an invertible linear map
 * W = L·U (L unit lower triangular, U upper triangular with a softplus diagonal, identity at
 * the start) that mixes the features for the next coupling. Base density: standard normal.
 *
 * Why it fits where a MAF does not: a spline bends one coordinate into several modes at once,
 * so a posterior with sign-symmetric modes (sbibm's SLCP) needs no stack of affine steps.
 * Drawing needs no autoregressive loop: each coupling inverts in one network pass.
 * The conditioner is a two-hidden-layer ReLU MLP (sbi uses a two-block residual net).
 *
 * ```ts
 * const nsf = new NSF(2, 2, seededStream(1));
 * nsf.logProb(new Float64Array([0, 0]), new Float64Array([0, 0]), 1);
 * ```
 */
export class NSF implements DensityEstimator {
  readonly kind = 'nsf';
  readonly nets: MLP[] = [];
  readonly numTransforms: number;
  readonly hiddenFeatures: number;
  readonly numBins: number;
  readonly tailBound: number;
  /** Per transform: the features that pass through, and those the spline moves. */
  private readonly keep: Int32Array[] = [];
  private readonly move: Int32Array[] = [];
  /** Per transform: L below the diagonal and U above it (row-major D × D), U's raw diagonal, the bias. */
  readonly lu: Float64Array[] = [];
  readonly diag: Float64Array[] = [];
  readonly bias: Float64Array[] = [];
  private readonly gLu: Float64Array[] = [];
  private readonly gDiag: Float64Array[] = [];
  private readonly gBias: Float64Array[] = [];
  // per transform, of the last forward pass: the coupling's input, the linear map's input, and U·(that input)
  private us: Float64Array[] = [];
  private ws: Float64Array[] = [];
  private ss: Float64Array[] = [];
  private splineParams: Float64Array[] = [];
  private inp = new Float64Array(0);
  private capacity = 0;
  private readonly out2 = new Float64Array(2);

  constructor(
    readonly dim: number,
    readonly contextDim: number,
    random: Uniform,
    options: NSFOptions = {},
  ) {
    checkNSFOptions(options, 'NSF');
    this.numTransforms = options.numTransforms ?? 5;
    this.hiddenFeatures = options.hiddenFeatures ?? 50;
    this.numBins = options.numBins ?? 10;
    this.tailBound = options.tailBound ?? 3;
    const D = dim;
    const P = splineParamCount(this.numBins);
    for (let t = 0; t < this.numTransforms; t++) {
      // alternating masks; one feature: the spline depends on x only
      const parity = t % 2;
      const move = D === 1 ? [0] : Array.from({ length: D }, (_, i) => i).filter((i) => i % 2 === parity);
      const keep = Array.from({ length: D }, (_, i) => i).filter((i) => !move.includes(i));
      this.move.push(Int32Array.from(move));
      this.keep.push(Int32Array.from(keep));
      // a small output layer starts every spline near the identity
      this.nets.push(new MLP([keep.length + contextDim, this.hiddenFeatures, this.hiddenFeatures, move.length * P], random, undefined, 0.1, 'relu'));
      this.lu.push(new Float64Array(D * D));
      this.diag.push(new Float64Array(D).fill(DIAG_INIT));
      this.bias.push(new Float64Array(D));
      this.gLu.push(new Float64Array(D * D));
      this.gDiag.push(new Float64Array(D));
      this.gBias.push(new Float64Array(D));
    }
  }

  params(): Float64Array[] {
    return this.nets.flatMap((n, t) => [...n.params(), this.lu[t]!, this.diag[t]!, this.bias[t]!]);
  }

  grads(): Float64Array[] {
    return this.nets.flatMap((n, t) => [...n.grads(), this.gLu[t]!, this.gDiag[t]!, this.gBias[t]!]);
  }

  zeroGrad(): void {
    for (const n of this.nets) n.zeroGrad();
    for (const g of [...this.gLu, ...this.gDiag, ...this.gBias]) g.fill(0);
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    const D = this.dim;
    this.capacity = n;
    const T = this.numTransforms;
    this.us = Array.from({ length: T + 1 }, () => new Float64Array(n * D));
    this.ws = Array.from({ length: T }, () => new Float64Array(n * D));
    this.ss = Array.from({ length: T }, () => new Float64Array(n * D));
    this.inp = new Float64Array(n * (D + this.contextDim));
  }

  /** The conditioner's input for transform t (kept features, then x) into this.inp. */
  private fillInput(t: number, u: Float64Array, context: Float64Array, n: number): Float64Array {
    const D = this.dim;
    const C = this.contextDim;
    const keep = this.keep[t]!;
    const width = keep.length + C;
    const inp = this.inp;
    for (let r = 0; r < n; r++) {
      const o = r * width;
      for (let i = 0; i < keep.length; i++) inp[o + i] = u[r * D + keep[i]!]!;
      for (let i = 0; i < C; i++) inp[o + keep.length + i] = context[r * C + i]!;
    }
    return inp;
  }

  /** U's diagonal (softplus + eps) of transform t. */
  private upperDiag(t: number, i: number): number {
    const raw = this.diag[t]![i]!;
    return (raw > 30 ? raw : Math.log1p(Math.exp(raw))) + LU_EPS;
  }

  /** The flow θ → z; returns log q per row and keeps what the backward pass needs. */
  private flow(theta: Float64Array, context: Float64Array, n: number): Float64Array {
    this.ensure(n);
    const D = this.dim;
    const K = this.numBins;
    const B = this.tailBound;
    const P = splineParamCount(K);
    const out2 = this.out2;
    const logq = new Float64Array(n);
    this.us[0]!.set(theta.subarray(0, n * D));
    this.splineParams = [];
    for (let t = 0; t < this.numTransforms; t++) {
      const u = this.us[t]!;
      const w = this.ws[t]!;
      const s = this.ss[t]!;
      const v = this.us[t + 1]!;
      const move = this.move[t]!;
      const params = this.nets[t]!.forward(this.fillInput(t, u, context, n), n);
      this.splineParams.push(params);
      w.set(u.subarray(0, n * D));
      const M = move.length;
      for (let r = 0; r < n; r++) {
        let ld = 0;
        for (let m = 0; m < M; m++) {
          const i = move[m]!;
          splineForward(u[r * D + i]!, params, (r * M + m) * P, K, B, out2);
          w[r * D + i] = out2[0]!;
          ld += out2[1]!;
        }
        logq[r] += ld;
      }
      if (D === 1) {
        v.set(w.subarray(0, n));
        continue;
      }
      // v = L·(U·w) + bias
      const lu = this.lu[t]!;
      const bias = this.bias[t]!;
      let logDiag = 0;
      const dg = new Float64Array(D);
      for (let i = 0; i < D; i++) {
        dg[i] = this.upperDiag(t, i);
        logDiag += Math.log(dg[i]!);
      }
      for (let r = 0; r < n; r++) {
        const o = r * D;
        for (let i = 0; i < D; i++) {
          let acc = dg[i]! * w[o + i]!;
          for (let j = i + 1; j < D; j++) acc += lu[i * D + j]! * w[o + j]!;
          s[o + i] = acc;
        }
        for (let i = 0; i < D; i++) {
          let acc = s[o + i]! + bias[i]!;
          for (let j = 0; j < i; j++) acc += lu[i * D + j]! * s[o + j]!;
          v[o + i] = acc;
        }
        logq[r] += logDiag;
      }
    }
    addBaseDensity(logq, this.us[this.numTransforms]!, n, D);
    return logq;
  }

  logProb(theta: Float64Array, context: Float64Array, n: number): Float64Array {
    return chunkedLogProb((t, c, m) => this.flow(t, c, m), theta, context, n, this.dim, this.contextDim);
  }

  loss(theta: Float64Array, context: Float64Array, n: number, grad: boolean, inputGrad?: Float64Array): number {
    const logq = this.flow(theta, context, n);
    let sum = 0;
    for (let r = 0; r < n; r++) sum += logq[r]!;
    if (!grad) return -sum / n;
    const D = this.dim;
    const C = this.contextDim;
    const K = this.numBins;
    const B = this.tailBound;
    const P = splineParamCount(K);
    const inv = 1 / n;
    // dLoss/dz = z/n; every log-determinant enters the loss as −1/n
    let g = new Float64Array(n * D);
    const z = this.us[this.numTransforms]!;
    for (let i = 0; i < n * D; i++) g[i] = z[i]! * inv;
    const gs = new Float64Array(D);
    for (let t = this.numTransforms - 1; t >= 0; t--) {
      const u = this.us[t]!;
      const w = this.ws[t]!;
      const s = this.ss[t]!;
      const move = this.move[t]!;
      const keep = this.keep[t]!;
      const M = move.length;
      // through the linear map: gw = Uᵀ·Lᵀ·gv
      let gw = g;
      if (D > 1) {
        gw = new Float64Array(n * D);
        const lu = this.lu[t]!;
        const glu = this.gLu[t]!;
        const gdiag = new Float64Array(D);
        const gbias = this.gBias[t]!;
        const dg = new Float64Array(D);
        for (let i = 0; i < D; i++) dg[i] = this.upperDiag(t, i);
        for (let r = 0; r < n; r++) {
          const o = r * D;
          for (let i = 0; i < D; i++) {
            const gv = g[o + i]!;
            gbias[i] += gv;
            for (let j = 0; j < i; j++) glu[i * D + j] += gv * s[o + j]!;
          }
          for (let j = 0; j < D; j++) {
            let acc = g[o + j]!;
            for (let i = j + 1; i < D; i++) acc += lu[i * D + j]! * g[o + i]!;
            gs[j] = acc;
          }
          for (let i = 0; i < D; i++) {
            gdiag[i] += gs[i]! * w[o + i]!;
            for (let j = i + 1; j < D; j++) glu[i * D + j] += gs[i]! * w[o + j]!;
          }
          for (let j = 0; j < D; j++) {
            let acc = dg[j]! * gs[j]!;
            for (let i = 0; i < j; i++) acc += lu[i * D + j]! * gs[i]!;
            gw[o + j] = acc;
          }
        }
        // d diag / d raw = sigmoid(raw); −log diag per row of the mean loss
        for (let i = 0; i < D; i++) {
          const raw = this.diag[t]![i]!;
          const sig = 1 / (1 + Math.exp(-raw));
          this.gDiag[t]![i] += (gdiag[i]! - 1 / dg[i]!) * sig;
        }
      }
      // through the splines; the kept features pass through unchanged
      const params = this.splineParams[t]!;
      const gp = new Float64Array(n * M * P);
      const gu = new Float64Array(n * D);
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < keep.length; i++) gu[r * D + keep[i]!] = gw[r * D + keep[i]!]!;
        for (let m = 0; m < M; m++) {
          const i = move[m]!;
          gu[r * D + i] = splineBackward(u[r * D + i]!, params, (r * M + m) * P, K, B, gw[r * D + i]!, -inv, gp, (r * M + m) * P);
        }
      }
      const dinp = this.nets[t]!.backward(gp, n, keep.length > 0);
      const width = keep.length + C;
      for (let r = 0; r < n; r++) for (let i = 0; i < keep.length; i++) gu[r * D + keep[i]!] += dinp[r * width + i]!;
      g = gu;
    }
    if (inputGrad) inputGrad.set(g);
    return -sum / n;
  }

  /** n draws given one context row: base normals through each transform's inverse. */
  sample(n: number, context: Float64Array, random: Uniform): Float64Array {
    const D = this.dim;
    const C = this.contextDim;
    const K = this.numBins;
    const B = this.tailBound;
    const P = splineParamCount(K);
    const out = new Float64Array(n * D);
    for (let i = 0; i < n * D; i++) out[i] = normalDraw(random);
    const chunk = 2048;
    const ctx = new Float64Array(chunk * C);
    for (let r = 0; r < chunk; r++) ctx.set(context.subarray(0, C), r * C);
    const w = new Float64Array(D);
    const y = new Float64Array(D);
    for (let r0 = 0; r0 < n; r0 += chunk) {
      const m = Math.min(chunk, n - r0);
      const x = out.subarray(r0 * D, (r0 + m) * D);
      this.ensure(m);
      for (let t = this.numTransforms - 1; t >= 0; t--) {
        if (D > 1) {
          // w = U⁻¹·L⁻¹·(v − bias): two triangular solves per row
          const lu = this.lu[t]!;
          const bias = this.bias[t]!;
          const dg = Array.from({ length: D }, (_, i) => this.upperDiag(t, i));
          for (let r = 0; r < m; r++) {
            const o = r * D;
            for (let i = 0; i < D; i++) {
              let acc = x[o + i]! - bias[i]!;
              for (let j = 0; j < i; j++) acc -= lu[i * D + j]! * y[j]!;
              y[i] = acc;
            }
            for (let i = D - 1; i >= 0; i--) {
              let acc = y[i]!;
              for (let j = i + 1; j < D; j++) acc -= lu[i * D + j]! * w[j]!;
              w[i] = acc / dg[i]!;
            }
            for (let i = 0; i < D; i++) x[o + i] = w[i]!;
          }
        }
        // the kept features are the coupling's own input: one conditioner pass sets every spline
        const move = this.move[t]!;
        const M = move.length;
        const params = this.nets[t]!.forward(this.fillInput(t, x, ctx, m), m);
        for (let r = 0; r < m; r++) {
          for (let q = 0; q < M; q++) {
            const i = move[q]!;
            x[r * D + i] = splineInverse(x[r * D + i]!, params, (r * M + q) * P, K, B);
          }
        }
      }
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      dim: this.dim,
      contextDim: this.contextDim,
      numTransforms: this.numTransforms,
      hiddenFeatures: this.hiddenFeatures,
      numBins: this.numBins,
      tailBound: this.tailBound,
      nets: this.nets.map((n) => n.toJSON()),
      lu: this.lu.map((a) => Array.from(a)),
      diag: this.diag.map((a) => Array.from(a)),
      bias: this.bias.map((a) => Array.from(a)),
    };
  }

  /** Rebuilds an NSF saved by {@link NSF.toJSON}. */
  static fromJSON(json: EstimatorJSON): NSF {
    const j = json as EstimatorJSON & NSFOptions & { nets: never[]; lu: number[][]; diag: number[][]; bias: number[][] };
    const nsf = new NSF(j.dim, j.contextDim, () => 0.5, j);
    j.nets.forEach((n, t) => nsf.nets[t]!.load(n, 'NSF.fromJSON'));
    j.lu.forEach((a, t) => nsf.lu[t]!.set(a));
    j.diag.forEach((a, t) => nsf.diag[t]!.set(a));
    j.bias.forEach((a, t) => nsf.bias[t]!.set(a));
    return nsf;
  }
}
