import { seededStream, type Uniform } from '../numeric/random.ts';
import { Adam, MLP } from './nn.ts';
import { shuffled } from './train.ts';

/** Options of {@link c2st}; the defaults are sbibm's (and scikit-learn's MLPClassifier's). */
export interface C2STOptions {
  seed?: number | string;
  folds?: number;
  /** Epoch cap (sbibm: 10,000; training stops earlier once the loss stalls). */
  maxEpochs?: number;
}

/**
 * The classifier two-sample test as sbibm defines it: both samples z-scored by the first one's
 * mean and SD, an MLP with two ReLU hidden layers of 10·dim units trained with Adam (scikit-learn's
 * MLPClassifier defaults: step 1e-3, batches of 200, L2 1e-4, stop when the training loss has not
 * improved by 1e-4 for more than 10 epochs), and the mean 5-fold cross-validated accuracy of
 * telling the samples apart: 0.5 = indistinguishable, 1 = disjoint.
 *
 * ```ts
 * c2st(referenceSamples, posteriorSamples); // e.g. 0.55
 * ```
 */
export function c2st(X: number[][], Y: number[][], options: C2STOptions = {}): number {
  if (!Array.isArray(X) || !Array.isArray(Y) || X.length < 2 || Y.length < 2) throw new Error('c2st: X and Y must each hold at least 2 rows');
  const dim = X[0]!.length;
  for (const [name, rows] of [['X', X], ['Y', Y]] as const) {
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== dim || !r.every(Number.isFinite)) throw new Error(`c2st: ${name} row ${i} must hold ${dim} finite numbers`);
    });
  }
  const folds = options.folds ?? 5;
  const random = seededStream(`c2st:${options.seed ?? 1}`);
  // z-score by X's mean and (population) SD, as sbibm does
  const mean = new Array<number>(dim).fill(0);
  const sd = new Array<number>(dim).fill(0);
  for (const r of X) r.forEach((v, i) => (mean[i] += v / X.length));
  for (const r of X) r.forEach((v, i) => (sd[i] += (v - mean[i]!) ** 2 / X.length));
  for (let i = 0; i < dim; i++) sd[i] = Math.sqrt(sd[i]!) || 1;
  const n = X.length + Y.length;
  const data = new Float64Array(n * dim);
  const label = new Float64Array(n);
  [...X, ...Y].forEach((r, k) => {
    r.forEach((v, i) => (data[k * dim + i] = (v - mean[i]!) / sd[i]!));
    label[k] = k < X.length ? 0 : 1;
  });
  const order = shuffled(n, random);
  const accuracies: number[] = [];
  for (let f = 0; f < folds; f++) {
    // scikit-learn's KFold: the first n % folds folds hold one extra row
    const start = f * Math.floor(n / folds) + Math.min(f, n % folds);
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    const test = order.subarray(start, start + size);
    const train = Int32Array.from([...order.subarray(0, start), ...order.subarray(start + size)]);
    const net = fitClassifier(data, label, train, dim, random, options.maxEpochs ?? 10_000);
    const tx = new Float64Array(test.length * dim);
    test.forEach((k, r) => tx.set(data.subarray(k * dim, k * dim + dim), r * dim));
    const out = net.forward(tx, test.length);
    let ok = 0;
    test.forEach((k, r) => {
      if ((out[r]! > 0 ? 1 : 0) === label[k]) ok++;
    });
    accuracies.push(ok / test.length);
  }
  return accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
}

function fitClassifier(data: Float64Array, label: Float64Array, train: Int32Array, dim: number, random: Uniform, maxEpochs: number): MLP {
  const h = 10 * dim;
  const net = new MLP([dim, h, h, 1], random, undefined, 1, 'relu');
  // Glorot-uniform initialisation as scikit-learn: √(6/(in+out)), √(2/(in+out)) for the logistic output
  net.W.forEach((w, l) => {
    const fanIn = net.sizes[l]!;
    const fanOut = net.sizes[l + 1]!;
    const bound = Math.sqrt((l === net.W.length - 1 ? 2 : 6) / (fanIn + fanOut));
    for (let i = 0; i < w.length; i++) w[i] = (2 * random() - 1) * bound;
    const b = net.b[l]!;
    for (let i = 0; i < b.length; i++) b[i] = (2 * random() - 1) * bound;
  });
  const alpha = 1e-4;
  const batch = Math.min(200, train.length);
  const adam = new Adam(net.params(), net.grads(), 1e-3, Infinity);
  const bx = new Float64Array(batch * dim);
  const by = new Float64Array(batch);
  const dout = new Float64Array(batch);
  const idx = Int32Array.from(train);
  let best = Infinity;
  let stale = 0;
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    let lossSum = 0;
    for (let b0 = 0; b0 < idx.length; b0 += batch) {
      const m = Math.min(batch, idx.length - b0);
      for (let r = 0; r < m; r++) {
        const k = idx[b0 + r]!;
        bx.set(data.subarray(k * dim, k * dim + dim), r * dim);
        by[r] = label[k]!;
      }
      const out = net.forward(bx, m);
      let loss = 0;
      for (let r = 0; r < m; r++) {
        const z = out[r]!;
        // log-loss of a logistic output, computed stably
        loss += Math.max(z, 0) - z * by[r]! + Math.log1p(Math.exp(-Math.abs(z)));
        dout[r] = (1 / (1 + Math.exp(-z)) - by[r]!) / m;
      }
      let sq = 0;
      for (const w of net.W) for (let i = 0; i < w.length; i++) sq += w[i]! * w[i]!;
      loss = loss / m + (0.5 * alpha * sq) / m;
      net.zeroGrad();
      net.backward(dout, m, false);
      net.W.forEach((w, l) => {
        const dw = net.dW[l]!;
        for (let i = 0; i < w.length; i++) dw[i] += (alpha * w[i]!) / m;
      });
      adam.step();
      lossSum += loss * m;
    }
    const loss = lossSum / idx.length;
    if (loss > best - 1e-4) stale++;
    else stale = 0;
    if (loss < best) best = loss;
    if (stale > 10) break;
  }
  return net;
}
