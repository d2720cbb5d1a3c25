import { createHash, type Hash } from 'node:crypto';
import type { VariableBound } from './variables.ts';

/**
 * What makes two runs the same fit, as a results file records it: a resumed fit must be the
 * fit that wrote the file, or its history and sampler state mean nothing. Large or opaque
 * parts (the target data, the model's definition, the loss's source) are sha256 hashes.
 */
export interface Fingerprint {
  /** `resultsSoll` (with the options' `fingerprint.data`), or the target model's definition and parameters. */
  data: string;
  /** The fitted model's definition (name, parameters, equations, spike, reset, ...). */
  model: string;
  /** The experiment's class (its source). */
  experiment: string;
  /** `variablesBounds` in their order (fitted bounds, constants, expressions), and `fvSpace` if any. */
  variables: string;
  /** The options' `fingerprint.loss` as given, or a hash of `getLoss`'s source. */
  loss: string;
  method: string;
  seed: number;
  timeStep: number;
  numRepLoss: number;
}

/** What {@link fitFingerprint} reads of the options. */
export interface FingerprintSource {
  resultsSoll?: unknown;
  targetNeuronModel?: { definition: unknown };
  targetParameters?: Record<string, number>;
  neuronModel: { definition: unknown };
  experiment: object;
  variablesBounds: Record<string, VariableBound>;
  fvSpace?: unknown;
  getLoss: (...args: never[]) => unknown;
  fingerprint?: { data?: unknown; loss?: unknown };
}

/** @internal The fingerprint of a fit. */
export function fitFingerprint(o: FingerprintSource, settings: { method: string; seed: number; timeStep: number; numRepLoss: number }): Fingerprint {
  const data = o.targetNeuronModel
    ? hashValue({ targetModel: o.targetNeuronModel.definition, targetParameters: o.targetParameters ?? {} })
    : hashValue({ resultsSoll: o.resultsSoll, data: o.fingerprint?.data });
  const experiment = typeof o.experiment === 'function' ? o.experiment : o.experiment.constructor;
  const variables =
    Object.entries(o.variablesBounds)
      // array variables (bounds per element, masks) as JSON; scalars as before, so older files still resume
      .map(([name, b]) => `${name}=${isArrayBoundValue(b) ? JSON.stringify(b) : Array.isArray(b) ? `[${b.join(', ')}]` : typeof b === 'string' ? `'${b}'` : String(b)}`)
      .join(', ') + (o.fvSpace ? `; fvSpace ${JSON.stringify(o.fvSpace)}` : '');
  return {
    data,
    model: hashValue(o.neuronModel.definition),
    experiment: hashValue(String(experiment)),
    variables,
    loss: o.fingerprint?.loss !== undefined ? JSON.stringify(o.fingerprint.loss) : hashValue(String(o.getLoss)),
    ...settings,
  };
}

function isArrayBoundValue(b: VariableBound): boolean {
  return typeof b === 'object' && b !== null && (!Array.isArray(b) || Array.isArray(b[0]));
}

const NAMES: Record<keyof Fingerprint, string> = {
  data: 'the data differ',
  model: 'the model differs',
  experiment: 'the experiment differs',
  variables: 'the fitted variables or their bounds differ',
  loss: 'the loss differs',
  method: 'the method differs',
  seed: 'the seed differs',
  timeStep: 'the time step differs',
  numRepLoss: 'numRepLoss differs',
};

/**
 * @internal Each way a file's fingerprint differs from this fit's, named with both values:
 * `the data differ (file sha256:1a2b3c4d5e6f, this fit sha256:…)`.
 */
export function fingerprintDifferences(file: Partial<Fingerprint>, fit: Fingerprint): string[] {
  const show = (v: unknown) => (typeof v === 'string' && v.startsWith('sha256:') ? v.slice(0, 19) : typeof v === 'string' && !v.includes('=') ? `'${v}'` : String(v));
  const out: string[] = [];
  for (const key of Object.keys(NAMES) as (keyof Fingerprint)[]) {
    if (file[key] !== undefined && file[key] !== fit[key]) out.push(`${NAMES[key]} (file ${show(file[key])}, this fit ${show(fit[key])})`);
  }
  return out;
}

/**
 * `sha256:<hex>` of a value, serialised deterministically: object keys sorted, typed arrays
 * as the arrays of their numbers, functions by their source, cycles cut.
 *
 * ```ts
 * hashValue({ v: Float64Array.of(1, 2) }) === hashValue({ v: [1, 2] }); // true
 * ```
 */
export function hashValue(value: unknown): string {
  const h = createHash('sha256');
  feed(h, value, new Set());
  return `sha256:${h.digest('hex')}`;
}

function feed(h: Hash, v: unknown, seen: Set<object>): void {
  if (v === null) return void h.update('N');
  switch (typeof v) {
    case 'undefined':
      return void h.update('U');
    case 'number':
      return void h.update(numbers([v]));
    case 'string':
      return void h.update(`s${v.length}:${v}`);
    case 'boolean':
      return void h.update(v ? 'T' : 'F');
    case 'bigint':
      return void h.update(`i${v}`);
    case 'function':
    case 'symbol':
      return void h.update(`f${String(v)}`);
  }
  const o = v as object;
  if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
    const list = o as unknown as ArrayLike<number | bigint>;
    h.update(`a${list.length}:`);
    if (typeof list[0] === 'bigint') for (let i = 0; i < list.length; i++) feed(h, list[i], seen);
    else h.update(numbers(list as ArrayLike<number>));
    return;
  }
  if (seen.has(o)) return void h.update('C');
  seen.add(o);
  if (Array.isArray(o)) {
    h.update(`a${o.length}:`);
    if (o.every((x) => typeof x === 'number')) h.update(numbers(o as number[]));
    else for (const x of o) feed(h, x, seen);
  } else if (o instanceof Map) {
    h.update(`m${o.size}:`);
    for (const [k, x] of [...o].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1))) {
      feed(h, k, seen);
      feed(h, x, seen);
    }
  } else if (o instanceof Set) {
    h.update(`e${o.size}:`);
    for (const x of o) feed(h, x, seen);
  } else {
    const keys = Object.keys(o).sort();
    h.update(`o${keys.length}:`);
    for (const k of keys) {
      h.update(`s${k.length}:${k}`);
      feed(h, (o as Record<string, unknown>)[k], seen);
    }
  }
  seen.delete(o);
}

/** Each number as 'n' and its 8 bytes (NaN canonical). */
function numbers(list: ArrayLike<number>): Buffer {
  const buf = Buffer.alloc(9 * list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    buf[9 * i] = 0x6e;
    buf.writeDoubleLE(Number.isNaN(x) ? NaN : x, 9 * i + 1);
  }
  return buf;
}
