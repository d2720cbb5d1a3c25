import { nonNegative, positive, setting, unitInterval, type Optimizer } from './optimizer.ts';

/** Settings of {@link adam}, as PyTorch's Adam and AdamW. */
export interface AdamOptions {
  /** Learning rate; default 0.001. */
  lr?: number;
  /** Decay rates of the first and second moment averages; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the root of the second moment; default 1e-8. */
  eps?: number;
  /** Weight decay: an L2 term in the gradient (Adam), or decoupled p ← p − lr·wd·p (AdamW); default 0 (AdamW: 0.01). */
  weightDecay?: number;
  /** Use the largest second moment seen so far (Reddi et al. 2018); default false. */
  amsgrad?: boolean;
  /** Decoupled weight decay (AdamW, Loshchilov & Hutter 2019); {@link adamw} sets it. */
  decoupled?: boolean;
}

interface AdamState {
  t: number;
  m: Float64Array;
  v: Float64Array;
  vMax: Float64Array;
}

/**
 * Adam (Kingma & Ba 2015) with bias correction, L2 or decoupled weight decay and AMSGrad.
 *
 * ```ts
 * const opt = adam({ lr: 1e-2, betas: [0.99, 0.999] });
 * let state = opt.init(params);
 * ({ updates, state } = opt.update(grads, state, params));
 * ```
 */
export function adam(o: AdamOptions = {}): Optimizer<AdamState> {
  const owner = o.decoupled ? 'adamw' : 'adam';
  const lr = setting(owner, 'lr', o.lr, 0.001, positive, 'a positive number');
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  setting(owner, 'betas[0]', b1, 0.9, unitInterval, 'in [0, 1)');
  setting(owner, 'betas[1]', b2, 0.999, unitInterval, 'in [0, 1)');
  const eps = setting(owner, 'eps', o.eps, 1e-8, nonNegative, 'a number >= 0');
  const wd = setting(owner, 'weightDecay', o.weightDecay, o.decoupled ? 0.01 : 0, nonNegative, 'a number >= 0');
  const amsgrad = o.amsgrad ?? false;
  return {
    name: `${owner}(lr=${lr}, betas=[${b1}, ${b2}]${wd ? `, weightDecay=${wd}` : ''}${amsgrad ? ', amsgrad' : ''})`,
    init: (p) => ({ t: 0, m: new Float64Array(p.length), v: new Float64Array(p.length), vMax: new Float64Array(p.length) }),
    update(grads, state, params) {
      const n = grads.length;
      const t = state.t + 1;
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      const vMax = new Float64Array(n);
      const updates = new Float64Array(n);
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let i = 0; i < n; i++) {
        const g = grads[i]! + (o.decoupled ? 0 : wd * params[i]!);
        m[i] = b1 * state.m[i]! + (1 - b1) * g;
        v[i] = b2 * state.v[i]! + (1 - b2) * g * g;
        vMax[i] = Math.max(state.vMax[i]!, v[i]!);
        const second = amsgrad ? vMax[i]! : v[i]!;
        updates[i] = (-lr * (m[i]! / c1)) / (Math.sqrt(second / c2) + eps) - (o.decoupled ? lr * wd * params[i]! : 0);
      }
      return { updates, state: { t, m, v, vMax } };
    },
  };
}

/**
 * AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).
 *
 * ```ts
 * const opt = adamw({ lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export function adamw(o: Omit<AdamOptions, 'decoupled'> = {}): Optimizer<AdamState> {
  return adam({ ...o, decoupled: true });
}
