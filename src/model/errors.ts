/**
 * A neuron definition that cannot be turned into a simulator. The message names model, line and symbol.
 *
 * ```ts
 * try { defineNeuron({ name: 'bad', parameters: {}, equations: 'dv/dt = -v / tau' }); }
 * catch (e) { if (e instanceof ModelDefinitionError) console.log(e.message); } // names 'bad' and 'tau'
 * ```
 */
export class ModelDefinitionError extends Error {
  constructor(
    readonly model: string,
    readonly where: string,
    readonly detail: string,
    readonly symbol?: string,
  ) {
    super(`neuron '${model}', ${where}: ${detail}`);
    this.name = 'ModelDefinitionError';
  }
}
