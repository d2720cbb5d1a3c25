import type { Uniform } from '../numeric/random.ts';
import { MLP } from './nn.ts';
import { addBaseDensity, chunkedLogProb, normalDraw, type DensityEstimator, type EstimatorJSON } from './estimator.ts';

/**
 * |log scale| of one affine step is at most this: scale = exp(3·tanh(raw/3)) lies in
 * (0.05, 20) and is 1 at raw = 0. nflows' sigmoid(raw + 2) + 1e-3 can only contract
 * (scale < 1), which makes a posterior narrower than the z-scored prior learn very slowly.
 */
const SCALE_BOUND = 3;

/** Settings of a {@link MAF}: sbi's defaults are 5 transforms of 50 hidden units. */
export interface MAFOptions {
  numTransforms?: number;
  hiddenFeatures?: number;
}

/**
 * Masked autoregressive flow (Papamakarios et al. 2017) conditioned on x, as sbi builds it:
 * each transform is a MADE (two tanh layers, context added to the first) giving an affine
 * map v = u·scale + shift with scale = exp(3·tanh(raw / 3)), followed by a fixed random
 * permutation; the base density is a standard normal.
 *
 * ```ts
 * const maf = new MAF(2, 2, seededStream(1));
 * maf.logProb(new Float64Array([0, 0]), new Float64Array([0, 0]), 1);
 * ```
 */
export class MAF implements DensityEstimator {
  readonly kind = 'maf';
  readonly nets: MLP[] = [];
  readonly perms: Int32Array[] = [];
  readonly numTransforms: number;
  readonly hiddenFeatures: number;
  // per transform: its input u, and sigmoid values, of the last forward pass
  private us: Float64Array[] = [];
  private sigs: Float64Array[] = [];
  private scales: Float64Array[] = [];
  private inp = new Float64Array(0);
  private dout = new Float64Array(0);
  /** MADE degree of each hidden unit (both hidden layers share them): it sees inputs 1..degree. */
  private readonly hiddenDeg: Int32Array;

  constructor(
    readonly dim: number,
    readonly contextDim: number,
    random: Uniform,
    options: MAFOptions = {},
  ) {
    this.numTransforms = options.numTransforms ?? 5;
    this.hiddenFeatures = options.hiddenFeatures ?? 50;
    const D = dim;
    const C = contextDim;
    const H = this.hiddenFeatures;
    // MADE degrees: inputs 1..D, hidden cycling over 1..D-1 (0 for one dimension: sees no input)
    const hiddenDeg = Int32Array.from({ length: H }, (_, h) => (D === 1 ? 0 : (h % (D - 1)) + 1));
    this.hiddenDeg = hiddenDeg;
    const m0 = new Float64Array((D + C) * H);
    for (let i = 0; i < D + C; i++) for (let h = 0; h < H; h++) m0[h * (D + C) + i] = i >= D || hiddenDeg[h]! >= i + 1 ? 1 : 0;
    const m1 = new Float64Array(H * H);
    for (let i = 0; i < H; i++) for (let h = 0; h < H; h++) m1[h * H + i] = hiddenDeg[h]! >= hiddenDeg[i]! ? 1 : 0;
    const m2 = new Float64Array(H * 2 * D);
    for (let i = 0; i < H; i++) for (let j = 0; j < 2 * D; j++) m2[j * H + i] = hiddenDeg[i]! < (j % D) + 1 ? 1 : 0;
    for (let t = 0; t < this.numTransforms; t++) {
      // a small output layer starts the flow near the identity (scale ≈ 1, shift ≈ 0)
      this.nets.push(new MLP([D + C, H, H, 2 * D], random, [m0, m1, m2], 0.1));
      const perm = Int32Array.from({ length: D }, (_, i) => i);
      for (let i = D - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      this.perms.push(perm);
    }
  }

  params(): Float64Array[] {
    return this.nets.flatMap((n) => n.params());
  }

  grads(): Float64Array[] {
    return this.nets.flatMap((n) => n.grads());
  }

  zeroGrad(): void {
    for (const n of this.nets) n.zeroGrad();
  }

  private ensure(n: number): void {
    const D = this.dim;
    if (this.inp.length >= n * (D + this.contextDim)) return;
    this.inp = new Float64Array(n * (D + this.contextDim));
    this.dout = new Float64Array(n * 2 * D);
    this.us = Array.from({ length: this.numTransforms + 1 }, () => new Float64Array(n * D));
    this.sigs = Array.from({ length: this.numTransforms }, () => new Float64Array(n * D));
    this.scales = Array.from({ length: this.numTransforms }, () => new Float64Array(n * D));
  }

  private fillInput(u: Float64Array, context: Float64Array, n: number): void {
    const D = this.dim;
    const C = this.contextDim;
    const inp = this.inp;
    for (let r = 0; r < n; r++) {
      const o = r * (D + C);
      for (let i = 0; i < D; i++) inp[o + i] = u[r * D + i]!;
      for (let i = 0; i < C; i++) inp[o + D + i] = context[r * C + i]!;
    }
  }

  /** The flow θ → z; returns log q per row and keeps what the backward pass needs. */
  private flow(theta: Float64Array, context: Float64Array, n: number): Float64Array {
    this.ensure(n);
    const D = this.dim;
    const logq = new Float64Array(n);
    this.us[0]!.set(theta.subarray(0, n * D));
    for (let t = 0; t < this.numTransforms; t++) {
      const u = this.us[t]!;
      const next = this.us[t + 1]!;
      const sig = this.sigs[t]!;
      const scales = this.scales[t]!;
      const perm = this.perms[t]!;
      this.fillInput(u, context, n);
      const out = this.nets[t]!.forward(this.inp, n);
      for (let r = 0; r < n; r++) {
        const o = r * 2 * D;
        let ld = 0;
        for (let i = 0; i < D; i++) {
          const th = Math.tanh(out[o + D + i]! / SCALE_BOUND);
          const logScale = SCALE_BOUND * th;
          const scale = Math.exp(logScale);
          sig[r * D + i] = 1 - th * th; // d logScale / d raw
          scales[r * D + i] = scale;
          ld += logScale;
          // v_i = u_i·scale + shift, stored permuted: next[k] = v[perm[k]]
          this.dout[o + i] = u[r * D + i]! * scale + out[o + i]!;
        }
        for (let k = 0; k < D; k++) next[r * D + k] = this.dout[o + perm[k]!]!;
        logq[r] += ld;
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
    const inv = 1 / n;
    // dLoss/dz = z/n
    let g = new Float64Array(n * D);
    const z = this.us[this.numTransforms]!;
    for (let i = 0; i < n * D; i++) g[i] = z[i]! * inv;
    const dv = new Float64Array(D);
    for (let t = this.numTransforms - 1; t >= 0; t--) {
      const u = this.us[t]!;
      const sig = this.sigs[t]!;
      const scales = this.scales[t]!;
      const perm = this.perms[t]!;
      const dout = this.dout;
      const du = new Float64Array(n * D);
      for (let r = 0; r < n; r++) {
        for (let k = 0; k < D; k++) dv[perm[k]!] = g[r * D + k]!;
        const o = r * 2 * D;
        for (let i = 0; i < D; i++) {
          const scale = scales[r * D + i]!;
          dout[o + i] = dv[i]!;
          // v = u·e^logScale + shift and −logScale in the loss
          dout[o + D + i] = (dv[i]! * u[r * D + i]! * scale - inv) * sig[r * D + i]!;
          du[r * D + i] = dv[i]! * scale;
        }
      }
      // the MLP's activations are those of transform t's forward pass (one MLP per transform)
      const dinp = this.nets[t]!.backward(dout, n);
      for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) du[r * D + i] += dinp[r * (D + C) + i]!;
      g = du;
    }
    if (inputGrad) inputGrad.set(g);
    return -sum / n;
  }

  /**
   * n draws given one context row: base normals pushed through the inverse of each transform.
   *
   * Why not D full network passes per transform: a hidden unit of degree d sees only inputs
   * 1..d, so once u_1..u_d are known it is final. Visiting the hidden units in order of degree
   * computes each exactly once, and output i needs only the units of degree < i; the inverse of
   * one transform then costs about one forward pass (skipping the masked-out weights), not D.
   * The context is the same for every row, so its share of the first layer is computed once.
   */
  sample(n: number, context: Float64Array, random: Uniform): Float64Array {
    const D = this.dim;
    const C = this.contextDim;
    const H = this.hiddenFeatures;
    const deg = this.hiddenDeg;
    // hidden units sorted by degree; below[k] = how many have degree ≤ k
    const order = Int32Array.from({ length: H }, (_, h) => h).sort((a, b) => deg[a]! - deg[b]!);
    const below = new Int32Array(D + 1);
    for (let k = 0; k <= D; k++) for (let h = 0; h < H; h++) if (deg[h]! <= k) below[k]++;
    const n4 = Math.ceil(n / 4) * 4;
    let x = new Float64Array(n4 * D);
    for (let i = 0; i < n * D; i++) x[i] = normalDraw(random);
    const v = new Float64Array(n4 * D);
    let u = new Float64Array(n4 * D);
    // hidden activations of four rows, interleaved: a1[4·s + row]
    const a1 = new Float64Array(4 * H);
    const a2 = new Float64Array(4 * H);
    const c1 = new Float64Array(H);
    const w0 = new Float64Array(H * D);
    const w1 = new Float64Array(H * H);
    const w2 = new Float64Array(2 * D * H);
    const b2 = new Float64Array(2 * D);
    const b1 = new Float64Array(H);
    for (let t = this.numTransforms - 1; t >= 0; t--) {
      const perm = this.perms[t]!;
      const net = this.nets[t]!;
      const [W0, W1, W2] = net.W as [Float64Array, Float64Array, Float64Array];
      const [B0, B1, B2] = net.b as [Float64Array, Float64Array, Float64Array];
      // the weights re-indexed by the sorted hidden order: row s of w1 holds unit order[s]'s inputs
      for (let s = 0; s < H; s++) {
        const h = order[s]!;
        let c = B0[h]!;
        for (let i = 0; i < C; i++) c += W0[h * (D + C) + D + i]! * context[i]!;
        c1[s] = c;
        for (let i = 0; i < D; i++) w0[s * D + i] = W0[h * (D + C) + i]!;
        for (let q = 0; q < H; q++) w1[s * H + q] = W1[h * H + order[q]!]!;
        b1[s] = B1[h]!;
      }
      for (let j = 0; j < 2 * D; j++) {
        for (let q = 0; q < H; q++) w2[j * H + q] = W2[j * H + order[q]!]!;
        b2[j] = B2[j]!;
      }
      for (let r = 0; r < n; r++) for (let k = 0; k < D; k++) v[r * D + perm[k]!] = x[r * D + k]!;
      // four rows at a time (rows past n are padding): four independent sums per weight loaded
      for (let r = 0; r < n4; r += 4) {
        const o0 = r * D;
        const o1 = o0 + D;
        const o2 = o1 + D;
        const o3 = o2 + D;
        let done = 0; // hidden units (in sorted order) computed so far
        for (let i = 0; i < D; i++) {
          // units of degree ≤ i see only u_1..u_i (known): compute the new ones
          const upto = below[i]!;
          for (let s = done; s < upto; s++) {
            const c = c1[s]!;
            let z0 = c;
            let z1 = c;
            let z2 = c;
            let z3 = c;
            for (let k = 0; k < i; k++) {
              const w = w0[s * D + k]!;
              z0 += w * u[o0 + k]!;
              z1 += w * u[o1 + k]!;
              z2 += w * u[o2 + k]!;
              z3 += w * u[o3 + k]!;
            }
            a1[4 * s] = Math.tanh(z0);
            a1[4 * s + 1] = Math.tanh(z1);
            a1[4 * s + 2] = Math.tanh(z2);
            a1[4 * s + 3] = Math.tanh(z3);
          }
          for (let s = done; s < upto; s++) {
            const bb = b1[s]!;
            let z0 = bb;
            let z1 = bb;
            let z2 = bb;
            let z3 = bb;
            const wo = s * H;
            for (let q = 0; q < upto; q++) {
              const w = w1[wo + q]!;
              z0 += w * a1[4 * q]!;
              z1 += w * a1[4 * q + 1]!;
              z2 += w * a1[4 * q + 2]!;
              z3 += w * a1[4 * q + 3]!;
            }
            a2[4 * s] = Math.tanh(z0);
            a2[4 * s + 1] = Math.tanh(z1);
            a2[4 * s + 2] = Math.tanh(z2);
            a2[4 * s + 3] = Math.tanh(z3);
          }
          done = upto;
          const so = i * H;
          const ro = (D + i) * H;
          let sh0 = b2[i]!;
          let sh1 = sh0;
          let sh2 = sh0;
          let sh3 = sh0;
          let ra0 = b2[D + i]!;
          let ra1 = ra0;
          let ra2 = ra0;
          let ra3 = ra0;
          for (let q = 0; q < upto; q++) {
            const ws = w2[so + q]!;
            const wr = w2[ro + q]!;
            const h0 = a2[4 * q]!;
            const h1 = a2[4 * q + 1]!;
            const h2 = a2[4 * q + 2]!;
            const h3 = a2[4 * q + 3]!;
            sh0 += ws * h0;
            sh1 += ws * h1;
            sh2 += ws * h2;
            sh3 += ws * h3;
            ra0 += wr * h0;
            ra1 += wr * h1;
            ra2 += wr * h2;
            ra3 += wr * h3;
          }
          u[o0 + i] = (v[o0 + i]! - sh0) / Math.exp(SCALE_BOUND * Math.tanh(ra0 / SCALE_BOUND));
          u[o1 + i] = (v[o1 + i]! - sh1) / Math.exp(SCALE_BOUND * Math.tanh(ra1 / SCALE_BOUND));
          u[o2 + i] = (v[o2 + i]! - sh2) / Math.exp(SCALE_BOUND * Math.tanh(ra2 / SCALE_BOUND));
          u[o3 + i] = (v[o3 + i]! - sh3) / Math.exp(SCALE_BOUND * Math.tanh(ra3 / SCALE_BOUND));
        }
      }
      const tmp = x;
      x = u;
      u = tmp;
    }
    return n4 === n ? x : x.slice(0, n * D);
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      dim: this.dim,
      contextDim: this.contextDim,
      numTransforms: this.numTransforms,
      hiddenFeatures: this.hiddenFeatures,
      perms: this.perms.map((p) => Array.from(p)),
      nets: this.nets.map((n) => n.toJSON()),
    };
  }

  /** Rebuilds a MAF saved by {@link MAF.toJSON}. */
  static fromJSON(json: EstimatorJSON): MAF {
    const j = json as EstimatorJSON & { numTransforms: number; hiddenFeatures: number; perms: number[][]; nets: never[] };
    const maf = new MAF(j.dim, j.contextDim, () => 0.5, { numTransforms: j.numTransforms, hiddenFeatures: j.hiddenFeatures });
    j.perms.forEach((p, t) => maf.perms[t]!.set(p));
    j.nets.forEach((n, t) => maf.nets[t]!.load(n, 'MAF.fromJSON'));
    return maf;
  }
}
