/**
 * First-order optimisers as optax writes them: `init(params)` makes the state,
 * `update(grads, state, params)` returns the step to add and the next state. Everything is
 * float64 on flat vectors; {@link applyUpdates} adds the step.
 */

/** A first-order optimiser over flat float64 parameter vectors. */
export interface Optimizer<S = unknown> {
  /** A readable description (`adam(lr=0.01, betas=[0.9, 0.999])`). */
  readonly name: string;
  init(params: Float64Array): S;
  /** The step to add to params (already scaled by the learning rate and signed) and the next state. */
  update(grads: Float64Array, state: S, params: Float64Array): { updates: Float64Array; state: S };
}

/**
 * params + updates, as a new vector.
 *
 * ```ts
 * const { updates, state: next } = opt.update(grads, state, params);
 * params = applyUpdates(params, updates);
 * ```
 */
export function applyUpdates(params: Float64Array, updates: Float64Array): Float64Array {
  return Float64Array.from(params, (p, i) => p + updates[i]!);
}

/** Checks one numeric setting, naming the optimiser and the setting. */
export function setting(owner: string, name: string, value: number | undefined, fallback: number, ok: (v: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) throw new Error(`${owner}: ${name} must be ${what}, got ${String(value)}`);
  return value;
}

export const positive = (v: number) => Number.isFinite(v) && v > 0;
export const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;
export const unitInterval = (v: number) => v >= 0 && v < 1;
