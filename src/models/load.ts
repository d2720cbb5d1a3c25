import { NeuronModel } from '../model/neuron.ts';
import { importModule } from '../parallel/import-module.ts';

/** True for a module path (.ts, .mts, .js, .mjs) rather than a built-in model's name. */
export function isModelModule(name: string): boolean {
  return /\.(m?[jt]s)$/.test(name);
}

/**
 * A NeuronModel, from this copy of neurofit or another one: the module may import its own
 * (a project's neurofit beside a global command line, or src/ beside the dist/ the command
 * line runs from). A model carries its own compiler, so another copy's model runs here.
 */
function isNeuronModel(value: unknown): value is NeuronModel {
  if (value instanceof NeuronModel) return true;
  const v = value as Partial<NeuronModel> | null;
  return typeof v === 'object' && v !== null && v.constructor?.name === 'NeuronModel' && typeof v.kernel === 'function' && typeof v.spec === 'object';
}

/**
 * A built-in model by name, or the model a .ts/.js module exports (default or named).
 * Errors name the problem: an unknown name, a module that exports no model, or a module
 * Node cannot load (with what to do when it loads a .ts file as CommonJS).
 */
export async function loadNeuronModel(name: string): Promise<NeuronModel> {
  if (isModelModule(name)) {
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(name);
    } catch (err) {
      const message = (err as Error).message;
      // a .ts file outside an ES-module package is CommonJS to Node, and cannot import neurofit's ES modules
      const hint = /require\(\) ES Module|ERR_REQUIRE_ESM|Cannot use import statement/.test(message) ? ' (name it .mts, or put it in a package whose package.json has "type": "module")' : '';
      throw new Error(`${name}: ${message.split('\n')[0]}${hint}`);
    }
    const found = [mod.default, ...Object.values(mod)].find(isNeuronModel);
    if (!found) throw new Error(`${name}: the module exports no neuron model (defineNeuron(...))`);
    return found;
  }
  const { builtinModels } = await import('./index.ts');
  const model = builtinModels[name];
  if (!model) throw new Error(`unknown model '${name}' (built-in: ${Object.keys(builtinModels).join(', ')}; or a path to a .ts module)`);
  return model;
}
