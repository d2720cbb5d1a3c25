import { nonNegative, positive, setting, type Optimizer } from './optimizer.ts';

/** Settings of {@link sgd}, as PyTorch's SGD. */
export interface SgdOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
  /** Momentum factor; default 0 (plain gradient descent). */
  momentum?: number;
  /** Dampening of the momentum's new gradient; default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (weightDecay·params); default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with PyTorch's momentum, Nesterov and weight-decay rules:
 * g ← g + wd·p; b ← μb + (1 − τ)g (b = g at the first step); g ← g + μb (Nesterov) or b; p ← p − lr·g.
 *
 * ```ts
 * const opt = sgd({ lr: 0.1, momentum: 0.9, nesterov: true });
 * let state = opt.init(params);
 * ```
 */
export function sgd(o: SgdOptions = {}): Optimizer<{ buf: Float64Array | null }> {
  const lr = setting('sgd', 'lr', o.lr, 0.01, positive, 'a positive number');
  const momentum = setting('sgd', 'momentum', o.momentum, 0, nonNegative, 'a number >= 0');
  const dampening = setting('sgd', 'dampening', o.dampening, 0, nonNegative, 'a number >= 0');
  const wd = setting('sgd', 'weightDecay', o.weightDecay, 0, nonNegative, 'a number >= 0');
  const nesterov = o.nesterov ?? false;
  if (nesterov && (momentum <= 0 || dampening !== 0)) throw new Error('sgd: nesterov needs momentum > 0 and dampening 0');
  return {
    name: `sgd(lr=${lr}${momentum ? `, momentum=${momentum}` : ''}${nesterov ? ', nesterov' : ''}${wd ? `, weightDecay=${wd}` : ''})`,
    init: () => ({ buf: null }),
    update(grads, state, params) {
      const g = Float64Array.from(grads, (v, i) => v + wd * params[i]!);
      let buf = state.buf;
      if (momentum > 0) {
        buf = buf ? Float64Array.from(buf, (b, i) => momentum * b + (1 - dampening) * g[i]!) : g.slice();
        if (nesterov) for (let i = 0; i < g.length; i++) g[i] += momentum * buf[i]!;
        else g.set(buf);
      }
      return { updates: g.map((v) => -lr * v), state: { buf } };
    },
  };
}
