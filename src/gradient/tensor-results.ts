import type { Results } from '../experiment/results.ts';
import type { TF } from '../optimize/tf.ts';
import type { Tensor } from '@tensorflow/tfjs';
import { registerTraced } from '../loss/traced.ts';

/**
 * The `Results` a loss sees under gradient fitting: `trace()` returns a tfjs tensor whose
 * gradient with respect to θ is the upstream gradient contracted with the recorded
 * sensitivities d(trace)/dθ (`tf.customGrad`), so tfjs differentiates the loss and the
 * simulation differentiates itself, without a tape over time steps. The contraction is
 * done in float64; only the loss runs in float32.
 *
 * ```ts
 * const tf = await loadTf();
 * const ist = new TensorResults(results, tf, theta, ['a', 'd']);
 * const loss = tf.mean(tf.square(ist.trace('v'))); // tf.grad through this reaches θ via the simulation
 * ```
 */
export class TensorResults {
  constructor(
    private readonly base: Results,
    private readonly tf: TF,
    /** θ as a tensor of shape [P]: the variable the gradient is taken with respect to. */
    private readonly theta: Tensor,
    private readonly names: readonly string[],
  ) {}

  get data(): Record<string, unknown> {
    return this.base.data;
  }
  get size(): number {
    return this.base.size;
  }
  get numChunks(): number {
    return this.base.numChunks;
  }
  get sweeps(): number[] {
    return this.base.sweeps;
  }
  get sweepCount(): number {
    return this.base.sweepCount;
  }
  get monDict(): string[] {
    return this.base.monDict;
  }
  /** Spike times; when their sensitivities were recorded, losses such as `sweepLoss` differentiate through them. */
  spikes(chunk = 0): Float64Array {
    const spikes = this.base.spikes(chunk).slice(); // a copy: the registry must not mark the plain results
    let jacobian: Float64Array[];
    try {
      jacobian = this.names.map((p) => this.base.spikeSensitivity(p, chunk));
    } catch {
      return spikes;
    }
    registerTraced(spikes, { values: spikes, jacobian, scalar: (value, grad) => this.scalar(value, grad) });
    return spikes;
  }
  times(chunk = 0): Float64Array {
    return this.base.times(chunk);
  }
  duration(chunk = 0): number {
    return this.base.duration(chunk);
  }

  /** The plain values of a trace (no gradient). */
  values(name: string, chunk = 0): Float64Array {
    return this.base.trace(name, chunk);
  }

  /** The trace as a 1-D tensor that carries d(trace)/dθ. */
  trace(name: string, chunk = 0): Tensor {
    const tf = this.tf;
    const values = this.base.trace(name, chunk);
    const jacobian = this.names.map((p) => this.base.sensitivity(name, p, chunk));
    const n = values.length;
    // the value does not depend on θ through tfjs ops: the simulation ran outside tfjs
    const f = tf.customGrad<Tensor>(() => {
      return {
        value: tf.tensor1d(Float32Array.from(values)),
        gradFunc: (dy: Tensor): Tensor => {
          const up = dy.dataSync();
          const grad = new Float64Array(jacobian.length);
          for (let p = 0; p < jacobian.length; p++) {
            const column = jacobian[p]!;
            let sum = 0;
            for (let k = 0; k < n; k++) sum += up[k]! * column[k]!;
            grad[p] = sum;
          }
          return tf.tensor1d(Float32Array.from(grad));
        },
      };
    });
    const tensor = f(this.theta) as Tensor;
    registerTraced(tensor, { values, jacobian, scalar: (value, grad) => this.scalar(value, grad) });
    return tensor;
  }

  /** A scalar tensor with a value and gradient with respect to θ computed outside tfjs. */
  scalar(value: number, grad: Float64Array): Tensor {
    const tf = this.tf;
    const f = tf.customGrad<Tensor>(() => ({
      value: tf.scalar(value),
      gradFunc: (dy: Tensor): Tensor => tf.tensor1d(Float32Array.from(grad, (g) => g * dy.dataSync()[0]!)),
    }));
    return f(this.theta) as Tensor;
  }
}
