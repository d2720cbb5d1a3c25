import type { Optimizer } from '@tensorflow/tfjs';
import type { TF } from '../../optimize/tf.ts';
import type { GradientStrategy } from '../strategy.ts';

/**
 * A tfjs first-order optimiser (Adam, SGD, RMSProp). Every start moves at once, as one
 * batched population; each parameter has its own optimiser, so each can have its own rate.
 *
 * ```ts
 * const adam = firstOrder((tf, rate) => tf.train.adam(rate));
 * ```
 */
export function firstOrder(make: (tf: TF, rate: number) => Optimizer): GradientStrategy {
  return {
    async run({ tf, settings, vectors, names, startU, evaluate, checkFinite, stop, record }) {
      const rates = vectors[0]!.learningRates(settings.learningRate);
      const optimisers = names.map((_, p) => make(tf, rates[p]!));
      const us = startU.map((u) => u.slice());
      const variables = names.map((_, p) => tf.variable(tf.tensor1d(us.map((u) => u[p]!)), true));
      try {
        let iteration = 0;
        for (; iteration < settings.iterations; iteration++) {
          const results = await evaluate(us);
          results.forEach((r) => checkFinite(r, iteration));
          record(results, iteration);
          const best = results.reduce((a, b) => (b.loss < a.loss ? b : a));
          const asked = stop(iteration, best.loss, best.params);
          if (asked) return { iterations: iteration + 1, stoppedBy: asked };
          const gradU = results.map((r, k) => vectors[k]!.pullback(us[k]!, r.grad));
          names.forEach((_, p) => {
            tf.tidy(() => {
              const g = tf.tensor1d(gradU.map((g) => g[p]!));
              optimisers[p]!.applyGradients([{ name: variables[p]!.name, tensor: g }]);
            });
            const updated = variables[p]!.dataSync();
            us.forEach((u, k) => (u[p] = updated[k]!));
          });
        }
        // the point the last step reached has not been evaluated yet
        record(await evaluate(us), iteration);
        return { iterations: iteration, stoppedBy: 'max iterations' };
      } finally {
        variables.forEach((v) => v.dispose());
        optimisers.forEach((o) => o.dispose());
      }
    },
  };
}
