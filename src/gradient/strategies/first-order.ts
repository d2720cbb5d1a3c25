import { optimizerByName, type OptimizerSettings } from '../../optimize/optimizers/by-name.ts';
import { perGroup } from '../../optimize/optimizers/per-group.ts';
import { applyUpdates, type Optimizer } from '../../optimize/optimizers/optimizer.ts';
import type { GradientStrategy, PointGradient } from '../strategy.ts';
import { neuronStreams } from '../../numeric/random.ts';
import type { GradientSettings } from '../settings.ts';

/**
 * What tf.train's optimisers did before these ones replaced them, kept as the fit's defaults
 * so that existing fits step the same way: tfjs's epsilon 1e-7 and RMSProp decay 0.9.
 */
const FIT_DEFAULTS: Record<string, OptimizerSettings> = {
  adam: { eps: 1e-7 },
  adamw: { eps: 1e-7 },
  rmsprop: { rho: 0.9, eps: 1e-7 },
  sgd: {},
};

/** The optimiser of each parameter: the method's, with its settings, per-parameter overrides and rate. */
function optimizerFor(settings: GradientSettings, names: string[], rates: Float64Array): Optimizer {
  const perParameter = names.map((name, p) => {
    const own = settings.optimizers?.[name];
    const method = own?.method ?? settings.method;
    const { method: _, ...ownSettings } = own ?? {};
    return optimizerByName(method, { ...FIT_DEFAULTS[method], ...(own?.method ? {} : settings.optimizer), ...ownSettings, lr: ownSettings.lr ?? rates[p]! });
  });
  return perGroup(perParameter, names.map((_, p) => [p]));
}

/**
 * A first-order optimiser (Adam, SGD, RMSProp, with every setting of
 * {@link OptimizerSettings}). Every start moves at once, as one batched population; each
 * parameter has its own optimiser (jaxley's TypeOptimizer), so each can have its own method,
 * settings and rate.
 *
 * ```ts
 * const outcome = await firstOrder.run(run); // settings.optimizer: { betas: [0.9, 0.99], amsgrad: true }
 * ```
 */
export const firstOrder: GradientStrategy = {
  async run({ settings, vectors, names, startU, evaluate, checkFinite, stop, record }) {
    const rates = vectors[0]!.learningRates(settings.learningRate);
    const optimisers = startU.map(() => optimizerFor(settings, names, Float64Array.from(rates)));
    let us: Float64Array[] = startU.map((u) => u.slice());
    const states = optimisers.map((o, k) => o.init(us[k]!));
    // with mini-batches, the first step sees every sweep: it tells how many there are, and the start's whole loss
    let draw: (() => number[]) | undefined;
    let first: PointGradient[] | undefined;
    if (settings.miniBatch !== undefined) {
      first = await evaluate(us);
      draw = miniBatches(settings.miniBatch, first[0]!.sweepCount, settings.seed ?? 0);
    }
    let iteration = 0;
    for (; iteration < settings.iterations; iteration++) {
      const results = iteration === 0 && first ? first : await evaluate(us, 0, draw?.());
      results.forEach((r) => checkFinite(r, iteration));
      record(results, iteration);
      const best = results.reduce((a, b) => (b.loss < a.loss ? b : a));
      const asked = stop(iteration, best.loss, best.params);
      if (asked) {
        // a mini-batch's loss is not the whole loss: the point a callback stopped at is scored on every sweep
        if (draw) record(await evaluate(us), iteration);
        return { iterations: iteration + 1, stoppedBy: asked };
      }
      us = us.map((u, k) => {
        const { updates, state } = optimisers[k]!.update(vectors[k]!.pullback(u, results[k]!.grad), states[k], u);
        states[k] = state;
        return applyUpdates(u, updates);
      });
    }
    // the point the last step reached has not been evaluated yet (on every sweep)
    record(await evaluate(us), iteration);
    return { iterations: iteration, stoppedBy: 'max iterations' };
  },
};

/**
 * Draws `size` of `count` sweeps per call, without replacement within a draw, sorted, from a
 * stream seeded by `seed`. A batch of every sweep (or more) is no mini-batch: warned, and
 * every step then sees them all.
 */
export function miniBatches(size: number, count: number, seed: number | string): (() => number[]) | undefined {
  if (size >= count) {
    process.stderr.write(`warning: miniBatch ${size} >= the experiment's ${count} sweeps: every step uses all of them (does run() loop over this.sweepsToRun(n)?)\n`);
    return undefined;
  }
  const rng = neuronStreams(`minibatch:${seed}`, 1)[0]!;
  return () => {
    const all = Array.from({ length: count }, (_, k) => k);
    // a partial Fisher–Yates shuffle: the first `size` entries are a uniform draw
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(rng() * (count - i));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    return all.slice(0, size).sort((a, b) => a - b);
  };
}
