/** A neuron definition that cannot be turned into a simulator. The message names model, line and symbol. */
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
