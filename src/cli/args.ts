import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NeuronModel } from '../model/neuron.ts';
import { UsageError } from './errors.ts';

/** A finite number from a command-line string, or a UsageError naming the option. */
export function parseNumber(text: string, what: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`${what}: '${text}' is not a number`);
  return value;
}

/** Collects repeated options (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `p=value` pairs (also comma-separated) into an object. */
export function parseAssignments(items: string[], what = '--set'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items.flatMap((s) => s.split(',')).filter((s) => s.trim())) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(item);
    if (!m) throw new UsageError(`${what}: expected name=value, got '${item}'`);
    out[m[1]!] = parseNumber(m[2]!, `${what} ${m[1]}`);
  }
  return out;
}

/** A built-in model by name, or the model exported by a .ts/.js module. */
export async function loadModel(name: string): Promise<NeuronModel> {
  if (/\.(m?[jt]s)$/.test(name)) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(name)).href)) as Record<string, unknown>;
    } catch (err) {
      const message = (err as Error).message;
      // a .ts file outside an ES-module package is CommonJS to Node, and cannot import neurofit's ES modules
      const hint = /require\(\) ES Module|ERR_REQUIRE_ESM|Cannot use import statement/.test(message) ? ' (name it .mts, or put it in a package whose package.json has "type": "module")' : '';
      throw new UsageError(`--model ${name}: ${message.split('\n')[0]}${hint}`);
    }
    const found = [mod.default, ...Object.values(mod)].find((v) => v instanceof NeuronModel);
    if (!found) throw new UsageError(`--model ${name}: the module exports no neuron model (defineNeuron(...))`);
    return found as NeuronModel;
  }
  const { builtinModels } = await import('../../models/index.ts');
  const model = builtinModels[name];
  if (!model) throw new UsageError(`unknown model '${name}' (built-in: ${Object.keys(builtinModels).join(', ')}; or a path to a .ts module)`);
  return model;
}
