/**
 * The worker thread of {@link SplitGradient}: rebuilds the estimator once, then for each
 * request copies the shared weights in, computes the loss (and gradient) of the batch's
 * second half, writes them to shared memory and wakes the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { estimatorFromJSON } from './posterior.ts';
import { CONTROL, type HalfWorkerInit } from './split-gradient.ts';
import type { EstimatorJSON } from './estimator.ts';

const { SEQ, DONE, COUNT, GRAD, FAILED } = CONTROL;
const init = (workerData as { init: HalfWorkerInit }).init;
try {
  const est = estimatorFromJSON(init.estimator as EstimatorJSON);
  const control = new Int32Array(init.control);
  const shared = new Float64Array(init.params);
  const grads = new Float64Array(init.grads);
  const loss = new Float64Array(init.loss);
  const theta = new Float64Array(init.theta);
  const context = new Float64Array(init.context);
  const params = est.params();
  const own = est.grads();
  parentPort!.postMessage({ kind: 'ready' });
  let seen = 0;
  for (;;) {
    Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    const mode = control[GRAD]!;
    if (mode < 0) break;
    let k = 0;
    for (const p of params) {
      p.set(shared.subarray(k, k + p.length));
      k += p.length;
    }
    try {
      est.zeroGrad();
      loss[0] = est.loss(theta, context, control[COUNT]!, mode === 1);
      if (mode === 1) {
        k = 0;
        for (const g of own) {
          grads.set(g, k);
          k += g.length;
        }
      }
    } catch (err) {
      console.error(`neurofit gradient worker: ${(err as Error).stack ?? String(err)}`);
      control[FAILED] = 1;
    }
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
  }
} catch (err) {
  parentPort!.postMessage({ kind: 'error', message: (err as Error).message ?? String(err) });
}
