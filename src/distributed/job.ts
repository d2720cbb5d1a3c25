import type { NeuronDefinition } from '../model/types.ts';
import type { RecordingOptions } from '../io/recording.ts';
import { TRACE_LOSSES, type TraceLoss } from '../fit/trace-fit.ts';

/** One sweep uploaded with a job: plain arrays, so the payload is JSON. */
export interface SweepData {
  name: string;
  /** Time (ms), evenly spaced. */
  t: number[];
  I: number[];
  /** Voltage (mV). */
  v: number[];
  currentUnit?: string;
}

/**
 * A job's recordings: uploaded into Redis with the job (`sweeps`, up to the payload limit;
 * for a few cells or data that only the queueing machine has), or `files` on storage every
 * worker mounts (read by the worker, only under its `--data-root`; for large datasets).
 */
export type JobData = { sweeps: SweepData[] } | { files: string[]; read?: RecordingOptions };

/**
 * The model of a job: a built-in one by name, its equation strings (parsed and compiled by
 * neurofit, never run as code), or a module path, which a worker runs only from under its
 * `--allow-modules` directory.
 */
export type JobModel = { name: string } | { definition: NeuronDefinition } | { module: string };

/** One fit as a job: one recording × one model × one seed, what `fit-trace` takes. */
export interface FitJob {
  /** Names the job (its id in the queue) and its results file (`<name>.json`). */
  name: string;
  model: JobModel;
  data: JobData;
  /** Held-out sweeps: Γ, spike counts and subthreshold RMSE of the fitted model. */
  validate?: JobData;
  fit: string[];
  bounds?: Record<string, [number, number]>;
  set?: Record<string, number>;
  loss?: TraceLoss;
  threshold?: number;
  method?: string;
  seed?: number;
  maxEvals?: number;
  timeStep?: number;
  batchSize?: number;
  /** Worker threads of this fit (default: the worker's `--workers`); results do not depend on it. */
  workers?: number;
}

/** Refuses a job before anything runs: thrown for payloads that are not a {@link FitJob}. */
export class BadJobError extends Error {
  override name = 'BadJobError';
}

/** Largest job payload (serialised JSON) by default: 16 MB, well under Redis's 512 MB strings. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** @internal Whether a job name is safe as a file name (what {@link validateFitJob} requires). */
export function isJobName(name: string): boolean {
  return NAME.test(name);
}

/**
 * Checks a payload from the queue field by field (types, finite numbers, sizes) and
 * returns it as a {@link FitJob}; anything else is a {@link BadJobError} naming the field.
 * A worker runs this before anything else, whoever wrote the job.
 *
 * ```ts
 * const job = validateFitJob(JSON.parse(text));
 * ```
 */
export function validateFitJob(payload: unknown, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): FitJob {
  const size = Buffer.byteLength(JSON.stringify(payload) ?? '');
  if (size > maxBytes) {
    throw new BadJobError(`the job is ${mb(size)} MB, over the ${mb(maxBytes)} MB limit: put its data on shared storage and queue the paths (data.files)`);
  }
  const j = object(payload, 'the job');
  const name = string(j.name, 'name');
  if (!NAME.test(name)) throw new BadJobError(`name '${name}': use letters, digits, '.', '_' and '-' (at most 128, not starting with a symbol)`);
  const job: FitJob = { name, model: model(j.model), data: data(j.data, 'data'), fit: strings(j.fit, 'fit') };
  if (job.fit.length === 0) throw new BadJobError('fit: name at least one parameter to fit');
  if (j.validate !== undefined) job.validate = data(j.validate, 'validate');
  if (j.bounds !== undefined) {
    const b = object(j.bounds, 'bounds');
    job.bounds = {};
    for (const [p, range] of Object.entries(b)) {
      if (!Array.isArray(range) || range.length !== 2) throw new BadJobError(`bounds.${p}: expected [low, high]`);
      job.bounds[p] = [finite(range[0], `bounds.${p}[0]`), finite(range[1], `bounds.${p}[1]`)];
    }
  }
  if (j.set !== undefined) job.set = Object.fromEntries(Object.entries(object(j.set, 'set')).map(([p, v]) => [p, finite(v, `set.${p}`)]));
  if (j.loss !== undefined) {
    const loss = string(j.loss, 'loss');
    if (!(loss in TRACE_LOSSES)) throw new BadJobError(`loss: unknown loss '${loss}' (choose from ${Object.keys(TRACE_LOSSES).join(', ')})`);
    job.loss = loss as TraceLoss;
  }
  if (j.method !== undefined) job.method = string(j.method, 'method');
  if (j.threshold !== undefined) job.threshold = finite(j.threshold, 'threshold');
  if (j.timeStep !== undefined) job.timeStep = positive(j.timeStep, 'timeStep');
  for (const key of ['seed', 'maxEvals', 'batchSize', 'workers'] as const) {
    if (j[key] === undefined) continue;
    const n = finite(j[key], key);
    if (!Number.isInteger(n) || n < (key === 'seed' ? 0 : 1)) throw new BadJobError(`${key}: expected an integer >= ${key === 'seed' ? 0 : 1}, got ${n}`);
    job[key] = n;
  }
  return job;
}

function model(value: unknown): JobModel {
  const m = object(value, 'model');
  const keys = Object.keys(m);
  if (keys.length !== 1) throw new BadJobError(`model: give exactly one of name, definition or module (got ${keys.join(', ') || 'none'})`);
  if ('name' in m) return { name: string(m.name, 'model.name') };
  if ('module' in m) return { module: string(m.module, 'model.module') };
  if ('definition' in m) {
    const d = object(m.definition, 'model.definition');
    string(d.name, 'model.definition.name');
    string(d.equations, 'model.definition.equations');
    object(d.parameters, 'model.definition.parameters');
    for (const key of ['functions', 'spike', 'reset', 'method', 'description'] as const) if (d[key] !== undefined) string(d[key], `model.definition.${key}`);
    if (d.refractory !== undefined && typeof d.refractory !== 'number' && typeof d.refractory !== 'string') throw new BadJobError('model.definition.refractory: expected a number or a string');
    return { definition: d as unknown as NeuronDefinition };
  }
  throw new BadJobError(`model: expected { name }, { definition } or { module }, got { ${keys[0]} }`);
}

function data(value: unknown, what: string): JobData {
  const d = object(value, what);
  if ('sweeps' in d) {
    if (!Array.isArray(d.sweeps) || d.sweeps.length === 0) throw new BadJobError(`${what}.sweeps: expected a non-empty array`);
    return {
      sweeps: d.sweeps.map((s: unknown, k: number) => {
        const sweep = object(s, `${what}.sweeps[${k}]`);
        const numbers = (key: 't' | 'I' | 'v') => {
          const a = sweep[key];
          if (!Array.isArray(a) || a.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new BadJobError(`${what}.sweeps[${k}].${key}: expected an array of finite numbers`);
          return a as number[];
        };
        const out: SweepData = { name: string(sweep.name, `${what}.sweeps[${k}].name`), t: numbers('t'), I: numbers('I'), v: numbers('v') };
        if (out.t.length < 2 || out.I.length !== out.t.length || out.v.length !== out.t.length) throw new BadJobError(`${what}.sweeps[${k}]: t, I and v need the same length, at least 2`);
        if (sweep.currentUnit !== undefined) out.currentUnit = string(sweep.currentUnit, `${what}.sweeps[${k}].currentUnit`);
        return out;
      }),
    };
  }
  if ('files' in d) {
    const files = strings(d.files, `${what}.files`);
    if (files.length === 0) throw new BadJobError(`${what}.files: name at least one file`);
    return d.read === undefined ? { files } : { files, read: object(d.read, `${what}.read`) as RecordingOptions };
  }
  throw new BadJobError(`${what}: expected { sweeps } (uploaded) or { files } (on shared storage)`);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadJobError(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new BadJobError(`${what}: expected a non-empty string`);
  return value;
}

function strings(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new BadJobError(`${what}: expected an array of strings`);
  return value.map((v, k) => string(v, `${what}[${k}]`));
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadJobError(`${what}: expected a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function positive(value: unknown, what: string): number {
  const n = finite(value, what);
  if (!(n > 0)) throw new BadJobError(`${what}: expected > 0, got ${n}`);
  return n;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
