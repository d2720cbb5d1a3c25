import type { NeuronModel } from '../model/neuron.ts';
import { isModelModule, loadNeuronModel } from '../models/load.ts';
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

/** {@link loadNeuronModel}, its errors as usage errors naming --model. */
export async function loadModel(name: string): Promise<NeuronModel> {
  try {
    return await loadNeuronModel(name);
  } catch (err) {
    const message = (err as Error).message;
    throw new UsageError(isModelModule(name) ? `--model ${message}` : message);
  }
}
