import { Worker } from 'node:worker_threads';
import { siblingModule } from '../parallel/module-url.ts';
import type { DensityEstimator } from './estimator.ts';

/** Control words in the shared Int32Array. */
const SEQ = 0; // bumped by the main thread for each request
const DONE = 1; // set to SEQ by the worker when its half is written
const COUNT = 2;
const GRAD = 3; // 1: loss and gradient, 0: loss only, −1: exit
const FAILED = 4; // set by a worker whose estimator threw

/** What the worker thread is handed once. */
export interface HalfWorkerInit {
  estimator: unknown;
  control: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  loss: SharedArrayBuffer;
  theta: SharedArrayBuffer;
  context: SharedArrayBuffer;
}

/**
 * The loss and gradient of a batch as the mean of its two halves' — on two threads when a
 * worker is running, one after the other otherwise.
 *
 * Invariant: the batch is always cut into the same two halves and their gradients are
 * combined in the same order, so training gives the same weights, bit for bit, with or
 * without the worker thread.
 *
 * Why Atomics rather than messages: a training step lasts a few milliseconds, and a message
 * round trip costs about as long; the worker instead sleeps on a shared word and reads the
 * weights, the rows and writes its gradient in shared memory.
 *
 * ```ts
 * const split = await SplitGradient.start(maf, 200, true);
 * maf.zeroGrad();
 * const loss = split.lossAndGrad(theta, x, 200, true); // gradients in maf.grads()
 * await split.close();
 * ```
 */
export class SplitGradient {
  private readonly params: Float64Array[];
  private readonly grads: Float64Array[];
  private readonly half: Float64Array;
  private readonly size: number;
  private worker?: Worker;
  private control?: Int32Array;
  private sharedParams?: Float64Array;
  private sharedGrads?: Float64Array;
  private sharedLoss?: Float64Array;
  private sharedTheta?: Float64Array;
  private sharedContext?: Float64Array;

  private constructor(private readonly est: DensityEstimator) {
    this.params = est.params();
    this.grads = est.grads();
    this.size = this.params.reduce((s, p) => s + p.length, 0);
    this.half = new Float64Array(this.size);
  }

  /**
   * Prepares `est` for batches of up to `capacity` rows; with `thread`, starts the worker
   * that computes the second half of each batch.
   */
  static async start(est: DensityEstimator, capacity: number, thread: boolean): Promise<SplitGradient> {
    const split = new SplitGradient(est);
    if (!thread) return split;
    const rows = Math.ceil(capacity / 2);
    const init: HalfWorkerInit = {
      estimator: est.toJSON(),
      control: new SharedArrayBuffer(8 * 4),
      params: new SharedArrayBuffer(8 * split.size),
      grads: new SharedArrayBuffer(8 * split.size),
      loss: new SharedArrayBuffer(8),
      theta: new SharedArrayBuffer(8 * rows * est.dim),
      context: new SharedArrayBuffer(8 * rows * Math.max(1, est.contextDim)),
    };
    split.control = new Int32Array(init.control);
    split.sharedParams = new Float64Array(init.params);
    split.sharedGrads = new Float64Array(init.grads);
    split.sharedLoss = new Float64Array(init.loss);
    split.sharedTheta = new Float64Array(init.theta);
    split.sharedContext = new Float64Array(init.context);
    const module = siblingModule(import.meta.url, 'half-worker');
    const worker = new Worker(new URL('../parallel/worker-boot.mjs', import.meta.url), { workerData: { module: module.href, init } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { kind: string; message?: string }) => (m.kind === 'ready' ? resolve() : reject(new Error(`gradient worker could not start: ${m.message}`))));
      worker.once('error', reject);
    });
    worker.unref();
    split.worker = worker;
    return split;
  }

  /**
   * Mean loss over n rows; with `grad`, the gradient of that mean is left in the
   * estimator's gradients (the caller zeroes them first).
   */
  lossAndGrad(theta: Float64Array, context: Float64Array, n: number, grad: boolean): number {
    const D = this.est.dim;
    const C = this.est.contextDim;
    const n0 = Math.ceil(n / 2);
    const n1 = n - n0;
    if (n1 === 0) return this.est.loss(theta, context, n, grad);
    const second = theta.subarray(n0 * D, n * D);
    const secondContext = context.subarray(n0 * C, n * C);
    if (this.worker) {
      const control = this.control!;
      let k = 0;
      for (const p of this.params) {
        this.sharedParams!.set(p, k);
        k += p.length;
      }
      this.sharedTheta!.set(second);
      this.sharedContext!.set(secondContext);
      control[COUNT] = n1;
      control[GRAD] = grad ? 1 : 0;
      const seq = control[SEQ]! + 1;
      Atomics.store(control, SEQ, seq);
      Atomics.notify(control, SEQ);
      // the estimator's gradients hold the first half's, the shared buffer the second's
      const l0 = this.est.loss(theta, context, n0, grad);
      const deadline = Date.now() + 120_000;
      while (Atomics.load(control, DONE) !== seq) {
        Atomics.wait(control, DONE, control[DONE]!, 1000);
        if (Date.now() > deadline) throw new Error('NPE.train: the gradient worker thread stopped answering (120 s); train with threads: 1');
      }
      if (control[FAILED]) throw new Error('NPE.train: the gradient worker thread failed (its error is printed above); train with threads: 1');
      if (grad) this.combine(this.sharedGrads!, n0, n1);
      return (n0 * l0 + n1 * this.sharedLoss![0]!) / n;
    }
    if (!grad) return (n0 * this.est.loss(theta, context, n0, false) + n1 * this.est.loss(second, secondContext, n1, false)) / n;
    // one thread: the second half first, its gradient put aside, then the first half
    const l1 = this.est.loss(second, secondContext, n1, true);
    let k = 0;
    for (const g of this.grads) {
      this.half.set(g, k);
      k += g.length;
    }
    this.est.zeroGrad();
    const l0 = this.est.loss(theta, context, n0, true);
    this.combine(this.half, n0, n1);
    return (n0 * l0 + n1 * l1) / n;
  }

  /** grads ← (n0·grads + n1·second)/n, where `second` holds the second half's gradients end to end. */
  private combine(second: Float64Array, n0: number, n1: number): void {
    const n = n0 + n1;
    let k = 0;
    for (const g of this.grads) {
      for (let i = 0; i < g.length; i++) g[i] = (n0 * g[i]! + n1 * second[k + i]!) / n;
      k += g.length;
    }
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    if (!this.worker) return;
    const control = this.control!;
    control[GRAD] = -1;
    Atomics.store(control, SEQ, control[SEQ]! + 1);
    Atomics.notify(control, SEQ);
    await this.worker.terminate();
    this.worker = undefined;
  }
}

export const CONTROL = { SEQ, DONE, COUNT, GRAD, FAILED };
