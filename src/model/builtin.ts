import type { NeuronModel } from './neuron.ts';

/**
 * Built-in models by object. `src/models/index.ts` registers each model it defines, so code
 * below it (a trace fit naming its model for worker threads) can tell a built-in model
 * without importing, and so parsing, every built-in model.
 */
const builtinNames = new WeakMap<NeuronModel, string>();

/** @internal Called by src/models/index.ts for each built-in model. */
export function registerBuiltin(name: string, model: NeuronModel): void {
  builtinNames.set(model, name);
}

/** The name a built-in model is loaded by, or undefined for any other model. Whoever holds a built-in model has imported, and so registered, them all. */
export function builtinName(model: NeuronModel): string | undefined {
  return builtinNames.get(model);
}
