import { nonNegative, positive, setting, unitInterval, type Optimizer } from './optimizer.ts';

/** Settings of {@link rmsprop}, as PyTorch's RMSprop (the optimizers notebook's names in brackets). */
export interface RmspropOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (`smoothing_constant`, PyTorch's alpha); default 0.99. */
  rho?: number;
  /** Added to the root mean square; default 1e-8. */
  eps?: number;
  /** Momentum factor; default 0. */
  momentum?: number;
  /** Divide by the variance (mean square minus squared mean) instead of the mean square; default false. */
  centered?: boolean;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
}

interface RmspropState {
  sq: Float64Array;
  mean: Float64Array;
  buf: Float64Array;
}

/**
 * RMSProp (Hinton's lecture 6e; PyTorch's update): v ← ρv + (1 − ρ)g², centred by the mean
 * gradient when asked; step g/(√v + ε), through momentum when μ > 0.
 *
 * ```ts
 * const opt = rmsprop({ lr: 0.1, rho: 0.99, momentum: 0.9, weightDecay: 0.1 });
 * ```
 */
export function rmsprop(o: RmspropOptions = {}): Optimizer<RmspropState> {
  const lr = setting('rmsprop', 'lr', o.lr, 0.01, positive, 'a positive number');
  const rho = setting('rmsprop', 'rho', o.rho, 0.99, unitInterval, 'in [0, 1)');
  const eps = setting('rmsprop', 'eps', o.eps, 1e-8, nonNegative, 'a number >= 0');
  const momentum = setting('rmsprop', 'momentum', o.momentum, 0, nonNegative, 'a number >= 0');
  const wd = setting('rmsprop', 'weightDecay', o.weightDecay, 0, nonNegative, 'a number >= 0');
  const centered = o.centered ?? false;
  return {
    name: `rmsprop(lr=${lr}, rho=${rho}${momentum ? `, momentum=${momentum}` : ''}${centered ? ', centered' : ''}${wd ? `, weightDecay=${wd}` : ''})`,
    init: (p) => ({ sq: new Float64Array(p.length), mean: new Float64Array(p.length), buf: new Float64Array(p.length) }),
    update(grads, state, params) {
      const n = grads.length;
      const sq = new Float64Array(n);
      const mean = new Float64Array(n);
      const buf = new Float64Array(n);
      const updates = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const g = grads[i]! + wd * params[i]!;
        sq[i] = rho * state.sq[i]! + (1 - rho) * g * g;
        let v = sq[i]!;
        if (centered) {
          mean[i] = rho * state.mean[i]! + (1 - rho) * g;
          v -= mean[i]! ** 2;
        }
        const step = g / (Math.sqrt(Math.max(v, 0)) + eps);
        if (momentum > 0) {
          buf[i] = momentum * state.buf[i]! + step;
          updates[i] = -lr * buf[i]!;
        } else {
          updates[i] = -lr * step;
        }
      }
      return { updates, state: { sq, mean, buf } };
    },
  };
}
