import { readFileSync, writeFileSync } from 'node:fs';
import type { NeuronModel } from '../model/neuron.ts';

/** What `neurofit models` shows of one built-in model. */
export interface ModelEntry {
  name: string;
  description: string;
  method: string;
  parameters: Record<string, number>;
  state: string[];
  algebraic: string[];
  units: Record<string, string>;
}

/** Written by `npm run build` beside the compiled module; absent in a source checkout. */
const SNAPSHOT = new URL('./builtin-models.json', import.meta.url);

/** The entries of named models, in the order given. */
export function describeModels(models: Record<string, NeuronModel>): ModelEntry[] {
  return Object.entries(models).map(([name, m]) => ({
    name,
    description: m.spec.description,
    method: m.method,
    parameters: m.parameters,
    state: m.stateVariables,
    algebraic: m.algebraicVariables,
    units: m.spec.units,
  }));
}

/**
 * The built-in models' entries. Defining the models parses their equations with mathjs,
 * whose import takes most of a second, so the compiled package reads the snapshot the
 * build took of these same entries; a source checkout defines the models.
 */
export async function builtinModelList(): Promise<ModelEntry[]> {
  try {
    return JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as ModelEntry[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { builtinModels } = await import('../models/index.ts');
  return describeModels(builtinModels);
}

/** Takes the snapshot (the last step of `npm run build`). */
export async function writeBuiltinModelList(): Promise<void> {
  const { builtinModels } = await import('../models/index.ts');
  writeFileSync(SNAPSHOT, JSON.stringify(describeModels(builtinModels), null, 2) + '\n');
}
