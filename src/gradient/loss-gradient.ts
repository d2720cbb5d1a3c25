import type { Tensor } from '@tensorflow/tfjs';
import type { Results } from '../experiment/results.ts';
import type { TF } from '../optimize/tf.ts';
import { TensorResults } from './tensor-results.ts';

/**
 * Loss and d(loss)/dθ for one neuron's results: the user's `getLoss` runs on tensors whose
 * gradient by θ is the recorded sensitivities, and tfjs differentiates the rest.
 *
 * ```ts
 * const { loss, grad } = lossAndGradient(tf, batch.forNeuron(0), ['gNa'], { gNa: 120 }, (ist, soll) => mse(ist.trace('v'), soll), target);
 * ```
 */
export function lossAndGradient<Soll>(
  tf: TF,
  results: Results,
  names: string[],
  params: Record<string, number>,
  getLoss: (ist: Results, soll: Soll) => unknown,
  soll: Soll,
): { loss: number; grad: Float64Array } {
  let out: { loss: number; grad: Float64Array } | undefined;
  tf.tidy(() => {
    const theta = tf.tensor1d(names.map((n) => params[n]!));
    const f = (th: Tensor) => {
      const ist = new TensorResults(results, tf, th, names) as unknown as Results;
      return asScalar(tf, getLoss(ist, soll));
    };
    const { value, grads } = tf.valueAndGrads(f)([theta]);
    out = { loss: value.dataSync()[0]!, grad: Float64Array.from(grads[0]!.dataSync()) };
  });
  return out!;
}

function asScalar(tf: TF, value: unknown): Tensor {
  if (value && typeof (value as Promise<unknown>).then === 'function') throw new Error('getLoss must return its value directly (not a Promise) for gradient fitting');
  const parts = Array.isArray(value) ? value : [value];
  const tensors = parts.map((v) => {
    if (v instanceof tf.Tensor) {
      if (v.size !== 1) throw new Error(`getLoss returned a tensor of shape [${v.shape}]; return a scalar`);
      return v.reshape([]);
    }
    if (typeof v === 'number') return tf.scalar(v); // a constant: contributes no gradient
    throw new Error(`getLoss returned ${typeof v}; return a tfjs scalar (or an array of them) built from ist.trace(...) for gradient fitting`);
  });
  if (tensors.every((t, k) => typeof parts[k] === 'number')) {
    throw new Error('getLoss returned plain numbers: gradient fitting needs a loss built with tfjs ops on ist.trace(...) (or the built-in mse/rmse)');
  }
  return tensors.length === 1 ? tensors[0]! : tf.addN(tensors);
}
