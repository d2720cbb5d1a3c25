import type { Uniform } from '../numeric/random.ts';

/**
 * A small fully connected network (tanh hidden layers, linear output) with hand-written
 * float64 forward and backward passes over whole batches.
 *
 * Why not tfjs: for networks this small (tens of units) the per-op overhead of tfjs dominates;
 * plain Float64Array loops run the same epoch several times faster (see bench/sbi.ts) and
 * keep the numerics float64. Optional 0/1 masks per layer (MADE) zero connections: masked
 * weights start at zero and their gradients are masked, so Adam never moves them.
 *
 * ```ts
 * const net = new MLP([3, 50, 50, 4], seededStream(1));
 * const out = net.forward(new Float64Array(3 * 8), 8); // 8 rows of 4 outputs
 * ```
 */
export class MLP {
  readonly sizes: number[];
  /** Weights of layer l, row-major [out][in]. */
  readonly W: Float64Array[];
  readonly b: Float64Array[];
  readonly dW: Float64Array[];
  readonly db: Float64Array[];
  readonly masks: (Float64Array | null)[];
  private readonly wt: Float64Array[];
  /** Activations of every layer for the last forward pass (acts[0] = input). */
  private acts: Float64Array[] = [];
  private deltas: Float64Array[] = [];
  private capacity = 0;

  constructor(sizes: number[], random: Uniform, masks?: (Float64Array | null)[], outScale = 1, readonly activation: 'tanh' | 'relu' = 'tanh') {
    this.sizes = sizes;
    this.W = [];
    this.b = [];
    this.masks = masks ?? sizes.slice(1).map(() => null);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nin = sizes[l]!;
      const nout = sizes[l + 1]!;
      // PyTorch's nn.Linear initialisation: uniform(±1/√fan_in)
      const bound = 1 / Math.sqrt(nin);
      const scale = l + 2 === sizes.length ? outScale : 1;
      const w = new Float64Array(nin * nout);
      const m = this.masks[l];
      for (let i = 0; i < w.length; i++) w[i] = (2 * random() - 1) * bound * scale * (m ? m[i]! : 1);
      const bias = new Float64Array(nout);
      for (let i = 0; i < nout; i++) bias[i] = (2 * random() - 1) * bound * scale;
      this.W.push(w);
      this.b.push(bias);
    }
    this.dW = this.W.map((w) => new Float64Array(w.length));
    this.wt = this.W.map((w) => new Float64Array(w.length));
    this.db = this.b.map((b) => new Float64Array(b.length));
  }

  /** Every parameter array, in a fixed order (weights and biases of each layer). */
  params(): Float64Array[] {
    return this.W.flatMap((w, l) => [w, this.b[l]!]);
  }

  grads(): Float64Array[] {
    return this.dW.flatMap((w, l) => [w, this.db[l]!]);
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = Math.max(n, 2 * this.capacity);
    this.acts = this.sizes.map((s) => new Float64Array(this.capacity * s));
    this.deltas = this.sizes.map((s) => new Float64Array(this.capacity * s));
  }

  /**
   * The outputs for n input rows (row-major n × sizes[0]). The returned array is a view into
   * an internal buffer, valid until the next forward pass.
   */
  forward(input: Float64Array, n: number): Float64Array {
    this.ensure(n);
    const L = this.sizes.length - 1;
    this.acts[0]!.set(input.subarray(0, n * this.sizes[0]!));
    for (let l = 0; l < L; l++) {
      const nin = this.sizes[l]!;
      const nout = this.sizes[l + 1]!;
      const x = this.acts[l]!;
      const y = this.acts[l + 1]!;
      const w = this.W[l]!;
      const bias = this.b[l]!;
      const act = l < L - 1;
      const relu = this.activation === 'relu';
      // four rows at a time: each weight loaded once feeds four register accumulators
      let r = 0;
      for (; r + 4 <= n; r += 4) {
        const a0 = r * nin;
        const a1 = a0 + nin;
        const a2 = a1 + nin;
        const a3 = a2 + nin;
        const o = r * nout;
        for (let j = 0; j < nout; j++) {
          const wo = j * nin;
          let s0 = bias[j]!;
          let s1 = s0;
          let s2 = s0;
          let s3 = s0;
          for (let i = 0; i < nin; i++) {
            const wi = w[wo + i]!;
            s0 += x[a0 + i]! * wi;
            s1 += x[a1 + i]! * wi;
            s2 += x[a2 + i]! * wi;
            s3 += x[a3 + i]! * wi;
          }
          if (act && relu) {
            s0 = s0 > 0 ? s0 : 0;
            s1 = s1 > 0 ? s1 : 0;
            s2 = s2 > 0 ? s2 : 0;
            s3 = s3 > 0 ? s3 : 0;
          } else if (act) {
            s0 = Math.tanh(s0);
            s1 = Math.tanh(s1);
            s2 = Math.tanh(s2);
            s3 = Math.tanh(s3);
          }
          y[o + j] = s0;
          y[o + nout + j] = s1;
          y[o + 2 * nout + j] = s2;
          y[o + 3 * nout + j] = s3;
        }
      }
      for (; r < n; r++) {
        const a0 = r * nin;
        for (let j = 0; j < nout; j++) {
          const wo = j * nin;
          let s0 = bias[j]!;
          for (let i = 0; i < nin; i++) s0 += x[a0 + i]! * w[wo + i]!;
          y[r * nout + j] = !act ? s0 : relu ? Math.max(0, s0) : Math.tanh(s0);
        }
      }
    }
    return this.acts[L]!.subarray(0, n * this.sizes[L]!);
  }

  /** Zeroes the accumulated gradients. */
  zeroGrad(): void {
    for (const d of this.dW) d.fill(0);
    for (const d of this.db) d.fill(0);
  }

  /**
   * Backpropagates dLoss/dOutput of the last forward pass (n rows), adding to the parameter
   * gradients, and returns dLoss/dInput (a view into an internal buffer; all zeros unless
   * `inputGrad`).
   */
  backward(dout: Float64Array, n: number, inputGrad = true): Float64Array {
    const L = this.sizes.length - 1;
    this.deltas[L]!.set(dout.subarray(0, n * this.sizes[L]!));
    for (let l = L - 1; l >= 0; l--) {
      const nin = this.sizes[l]!;
      const nout = this.sizes[l + 1]!;
      const x = this.acts[l]!;
      const d = this.deltas[l + 1]!;
      const dx = this.deltas[l]!;
      const w = this.W[l]!;
      const dw = this.dW[l]!;
      const dbias = this.db[l]!;
      for (let r = 0; r < n; r++) for (let j = 0; j < nout; j++) dbias[j] += d[r * nout + j]!;
      // dW[j][i] += Σ_r d[r][j]·x[r][i], eight rows per pass over dW (it is read and written once per eight rows)
      let r = 0;
      for (; r + 8 <= n; r += 8) {
        const a0 = r * nin;
        const a1 = a0 + nin;
        const a2 = a1 + nin;
        const a3 = a2 + nin;
        const a4 = a3 + nin;
        const a5 = a4 + nin;
        const a6 = a5 + nin;
        const a7 = a6 + nin;
        const o = r * nout;
        for (let j = 0; j < nout; j++) {
          const d0 = d[o + j]!;
          const d1 = d[o + nout + j]!;
          const d2 = d[o + 2 * nout + j]!;
          const d3 = d[o + 3 * nout + j]!;
          const d4 = d[o + 4 * nout + j]!;
          const d5 = d[o + 5 * nout + j]!;
          const d6 = d[o + 6 * nout + j]!;
          const d7 = d[o + 7 * nout + j]!;
          const wo = j * nin;
          for (let i = 0; i < nin; i++) {
            dw[wo + i] += d0 * x[a0 + i]! + d1 * x[a1 + i]! + d2 * x[a2 + i]! + d3 * x[a3 + i]! + d4 * x[a4 + i]! + d5 * x[a5 + i]! + d6 * x[a6 + i]! + d7 * x[a7 + i]!;
          }
        }
      }
      for (; r < n; r++) {
        for (let j = 0; j < nout; j++) {
          const d0 = d[r * nout + j]!;
          const wo = j * nin;
          for (let i = 0; i < nin; i++) dw[wo + i] += d0 * x[r * nin + i]!;
        }
      }
      const m = this.masks[l];
      if (m) for (let i = 0; i < dw.length; i++) dw[i] *= m[i]!;
      if (l === 0 && !inputGrad) break;
      // dx[r][i] = Σ_j W[j][i]·d[r][j] (times tanh' for hidden layers)
      const hidden = l > 0;
      const relu = this.activation === 'relu';
      // W transposed once per call, so that the inner loop reads contiguously
      const wt = this.wt[l]!;
      for (let j = 0; j < nout; j++) for (let i = 0; i < nin; i++) wt[i * nout + j] = w[j * nin + i]!;
      let q = 0;
      for (; q + 4 <= n; q += 4) {
        const o = q * nout;
        const a = q * nin;
        for (let i = 0; i < nin; i++) {
          const wo = i * nout;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let j = 0; j < nout; j++) {
            const wj = wt[wo + j]!;
            s0 += wj * d[o + j]!;
            s1 += wj * d[o + nout + j]!;
            s2 += wj * d[o + 2 * nout + j]!;
            s3 += wj * d[o + 3 * nout + j]!;
          }
          if (hidden && relu) {
            if (!(x[a + i]! > 0)) s0 = 0;
            if (!(x[a + nin + i]! > 0)) s1 = 0;
            if (!(x[a + 2 * nin + i]! > 0)) s2 = 0;
            if (!(x[a + 3 * nin + i]! > 0)) s3 = 0;
          } else if (hidden) {
            const x0 = x[a + i]!;
            const x1 = x[a + nin + i]!;
            const x2 = x[a + 2 * nin + i]!;
            const x3 = x[a + 3 * nin + i]!;
            s0 *= 1 - x0 * x0;
            s1 *= 1 - x1 * x1;
            s2 *= 1 - x2 * x2;
            s3 *= 1 - x3 * x3;
          }
          dx[a + i] = s0;
          dx[a + nin + i] = s1;
          dx[a + 2 * nin + i] = s2;
          dx[a + 3 * nin + i] = s3;
        }
      }
      for (; q < n; q++) {
        const o = q * nout;
        const a = q * nin;
        for (let i = 0; i < nin; i++) {
          let s = 0;
          for (let j = 0; j < nout; j++) s += wt[i * nout + j]! * d[o + j]!;
          const xi = x[a + i]!;
          dx[a + i] = !hidden ? s : relu ? (xi > 0 ? s : 0) : s * (1 - xi * xi);
        }
      }
    }
    return this.deltas[0]!.subarray(0, n * this.sizes[0]!);
  }

  toJSON(): { sizes: number[]; W: number[][]; b: number[][] } {
    return { sizes: this.sizes, W: this.W.map((w) => Array.from(w)), b: this.b.map((b) => Array.from(b)) };
  }

  /** Loads weights saved by {@link MLP.toJSON} (sizes must match). */
  load(json: { sizes: number[]; W: number[][]; b: number[][] }, what: string): void {
    if (!json || !Array.isArray(json.sizes) || json.sizes.join() !== this.sizes.join()) {
      throw new Error(`${what}: saved network has layer sizes ${JSON.stringify(json?.sizes)}, expected ${JSON.stringify(this.sizes)}`);
    }
    json.W.forEach((w, l) => this.W[l]!.set(w));
    json.b.forEach((b, l) => this.b[l]!.set(b));
  }
}

/**
 * Adam over a list of parameter arrays, with the global gradient-norm clipping sbi applies
 * (`clip_max_norm`, 5 by default).
 */
export class Adam {
  private m: Float64Array[];
  private v: Float64Array[];
  private t = 0;

  constructor(
    private readonly params: Float64Array[],
    private readonly grads: Float64Array[],
    public learningRate: number,
    private readonly clipMaxNorm = 5,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  /** One step; returns the gradient norm before clipping. */
  step(): number {
    let sq = 0;
    for (const g of this.grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
    const norm = Math.sqrt(sq);
    const clip = Number.isFinite(this.clipMaxNorm) && norm > this.clipMaxNorm ? this.clipMaxNorm / (norm + 1e-6) : 1;
    this.t++;
    const { beta1, beta2, eps } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const lr = this.learningRate;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      const g = this.grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]! * clip;
        const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
        p[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    }
    return norm;
  }
}
