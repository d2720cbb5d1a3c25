import type { Uniform } from '../numeric/random.ts';
import { availableParallelism } from 'node:os';
import { Adam } from './nn.ts';
import type { DensityEstimator } from './estimator.ts';
import { SplitGradient } from './split-gradient.ts';

/** Training settings; the defaults are sbi's. */
export interface TrainOptions {
  /** Rows per Adam step (default 200). */
  batchSize?: number;
  /** Adam's step size (default 5e-4). */
  learningRate?: number;
  /** Share of the simulations held out to decide when to stop (default 0.1). */
  validationFraction?: number;
  /** Stop when the validation loss has not improved for this many epochs (default 20). */
  stopAfterEpochs?: number;
  /** Hard cap on epochs (default 2³¹ − 1, as sbi: the early stop decides). */
  maxEpochs?: number;
  /** Global gradient-norm clipping (default 5). */
  clipMaxNorm?: number;
  /**
   * Threads computing each batch's gradient, 1 or 2 (default 2 on a machine with two or more
   * cores and at least 2,000 simulations). Each batch's gradient is the mean of its two
   * halves' either way, so the trained weights do not depend on it.
   */
  threads?: 1 | 2;
  /** Called after every epoch. */
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void;
}

/** What training did, and why it stopped. */
export interface TrainSummary {
  epochs: number;
  bestValidationLoss: number;
  trainLosses: number[];
  validationLosses: number[];
  stopReason: string;
  seconds: number;
}

function positiveOption(name: string, v: number | undefined, fallback: number, integer = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0) || (integer && !Number.isInteger(v))) {
    throw new Error(`NPE.train: ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${String(v)})`);
  }
  return v;
}

/**
 * Maximum-likelihood training of `est` on n rows of (θ, x), already z-scored, as sbi trains:
 * a random 10 % held out, Adam on shuffled batches of 200 with clipped gradients, stopping
 * once the held-out loss has not improved for 20 epochs, and keeping the best weights. Each
 * batch's gradient is the mean of its two halves' ({@link SplitGradient}), on two threads
 * when `threads` is 2.
 */
export async function trainEstimator(est: DensityEstimator, theta: Float64Array, x: Float64Array, n: number, random: Uniform, options: TrainOptions = {}): Promise<TrainSummary> {
  const started = performance.now();
  const batchSize = positiveOption('batchSize', options.batchSize, 200, true);
  const learningRate = positiveOption('learningRate', options.learningRate, 5e-4);
  const stopAfter = positiveOption('stopAfterEpochs', options.stopAfterEpochs, 20, true);
  const maxEpochs = positiveOption('maxEpochs', options.maxEpochs, 2 ** 31 - 1, true);
  const clip = positiveOption('clipMaxNorm', options.clipMaxNorm, 5);
  const threads = options.threads ?? (availableParallelism() >= 2 && n >= 2000 ? 2 : 1);
  if (threads !== 1 && threads !== 2) throw new Error(`NPE.train: threads must be 1 or 2 (got ${String(threads)})`);
  const vf = options.validationFraction ?? 0.1;
  if (typeof vf !== 'number' || !(vf > 0 && vf < 1)) throw new Error(`NPE.train: validationFraction must lie in (0, 1) (got ${String(vf)})`);
  const nVal = Math.max(1, Math.floor(n * vf));
  const nTrain = n - nVal;
  if (nTrain < 1) throw new Error(`NPE.train: ${n} simulation(s) are too few to train on; append more`);
  const D = est.dim;
  const C = est.contextDim;
  const order = shuffled(n, random);
  const gather = (idx: Int32Array, from: number, to: number, src: Float64Array, w: number, dst: Float64Array): void => {
    for (let r = from; r < to; r++) dst.set(src.subarray(idx[r]! * w, idx[r]! * w + w), (r - from) * w);
  };
  const valIdx = order.subarray(nTrain);
  const valTheta = new Float64Array(nVal * D);
  const valX = new Float64Array(nVal * C);
  gather(valIdx, 0, nVal, theta, D, valTheta);
  gather(valIdx, 0, nVal, x, C, valX);
  const trainIdx = Int32Array.from(order.subarray(0, nTrain));
  const params = est.params();
  const adam = new Adam(params, est.grads(), learningRate, clip);
  const bTheta = new Float64Array(batchSize * D);
  const bX = new Float64Array(batchSize * C);
  let best = Infinity;
  let bestParams = params.map((p) => Float64Array.from(p));
  let since = 0;
  const trainLosses: number[] = [];
  const validationLosses: number[] = [];
  let epoch = 0;
  let stopReason = `reached maxEpochs = ${maxEpochs}`;
  const split = await SplitGradient.start(est, Math.max(batchSize, nVal), threads === 2);
  try {
    while (epoch < maxEpochs) {
      shuffleInPlace(trainIdx, random);
      let sum = 0;
      for (let b0 = 0; b0 < nTrain; b0 += batchSize) {
        const m = Math.min(batchSize, nTrain - b0);
        gather(trainIdx, b0, b0 + m, theta, D, bTheta);
        gather(trainIdx, b0, b0 + m, x, C, bX);
        est.zeroGrad();
        sum += split.lossAndGrad(bTheta, bX, m, true) * m;
        adam.step();
      }
      epoch++;
      const val = split.lossAndGrad(valTheta, valX, nVal, false);
      trainLosses.push(sum / nTrain);
      validationLosses.push(val);
      options.onEpoch?.(epoch, sum / nTrain, val);
      if (!Number.isFinite(val)) {
        stopReason = `the validation loss became ${val} at epoch ${epoch}; kept the best weights (try a smaller learningRate)`;
        break;
      }
      if (val < best) {
        best = val;
        since = 0;
        bestParams = params.map((p) => Float64Array.from(p));
      } else if (++since >= stopAfter) {
        stopReason = `the validation loss has not improved for ${stopAfter} epochs`;
        break;
      }
    }
  } finally {
    await split.close();
  }
  params.forEach((p, k) => p.set(bestParams[k]!));
  return { epochs: epoch, bestValidationLoss: best, trainLosses, validationLosses, stopReason, seconds: (performance.now() - started) / 1000 };
}

/** 0..n−1 in a seeded random order. */
export function shuffled(n: number, random: Uniform): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(a, random);
  return a;
}

function shuffleInPlace(a: Int32Array, random: Uniform): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
