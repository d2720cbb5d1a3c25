import type { Optimizer } from './optimizer.ts';

/**
 * One optimiser per group of parameters (jaxley's TypeOptimizer, optax's multi_transform):
 * `groups[k]` lists the indices of the flat vector that `optimizers[k]` moves. Every index must
 * belong to exactly one group.
 *
 * ```ts
 * const opt = perGroup([adam({ lr: 0.1 }), sgd({ lr: 0.01, momentum: 0.9 })], [[0, 1], [2]]);
 * ```
 */
export function perGroup(optimizers: Optimizer[], groups: number[][]): Optimizer<unknown[]> {
  if (optimizers.length !== groups.length) throw new Error(`perGroup: ${optimizers.length} optimisers for ${groups.length} groups`);
  const pick = (v: Float64Array, idx: number[]) => Float64Array.from(idx, (i) => v[i]!);
  const check = (n: number) => {
    const seen = new Array<number>(n).fill(0);
    groups.flat().forEach((i) => {
      if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`perGroup: index ${i} is outside the ${n} parameters`);
      seen[i]!++;
    });
    const bad = seen.findIndex((c) => c !== 1);
    if (bad >= 0) throw new Error(`perGroup: parameter ${bad} is in ${seen[bad]} groups; each must be in exactly one`);
  };
  return {
    name: `perGroup(${optimizers.map((o) => o.name).join(', ')})`,
    init(params) {
      check(params.length);
      return optimizers.map((o, k) => o.init(pick(params, groups[k]!)));
    },
    update(grads, state, params) {
      const updates = new Float64Array(grads.length);
      const next = optimizers.map((o, k) => {
        const idx = groups[k]!;
        const r = o.update(pick(grads, idx), state[k], pick(params, idx));
        idx.forEach((i, j) => (updates[i] = r.updates[j]!));
        return r.state;
      });
      return { updates, state: next };
    },
  };
}
