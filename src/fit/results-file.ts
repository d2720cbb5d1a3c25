import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TimeStepsUsed } from './time-step.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { RecordingsJson } from '../experiment/results.ts';
import type { Validation } from './validate.ts';
import type { FitStopReason } from './stop-reason.ts';
import type { Fingerprint } from './fingerprint.ts';

export type { Evaluation, RecordingsJson };

/** The JSON a fit writes: best values at the top, every evaluation in `history`. */
export interface ResultsFile {
  format: 'neurofit-fit/1';
  status: 'running' | 'done';
  model: string;
  /** The target model's name, or 'resultsSoll' for data. */
  target?: string;
  method: string;
  seed: number;
  /** Integration step (ms). */
  timeStep?: number;
  /** With `timeStep: 'auto'`: the search's and the fine step, why, and the confirmation (see {@link FitResult.timeSteps}). */
  timeSteps?: TimeStepsUsed;
  numRepLoss?: number;
  fitted: { name: string; low: number; high: number }[];
  evaluations: number;
  params: Record<string, number> | null;
  /** Array-valued variables' best values, elements in order (their scalars `w_0`, `w_1`, … are in `params`). */
  arrays?: Record<string, number[]>;
  /** Array-valued variables: the scalars their elements are. */
  arrayVariables?: { name: string; elements: string[] }[];
  loss: number | null;
  lossSd: number | null;
  history: Evaluation[];
  /** What the fit is (hashes of the data, model and loss; bounds; method, seed, ...): a resume refuses a file of another fit. */
  fingerprint?: Fingerprint;
  /**
   * The search's sampler after its last completed round (see `Sampler.state`), without its
   * trials: they are the first `evaluations` entries of `history`. A resume continues from it.
   */
  samplerState?: { evaluations: number; state: Record<string, unknown> };
  /** Wall time so far (s), over every resume. */
  elapsedSeconds?: number;
  /** The fitted model on held-out sweeps (`fit-trace --validate`). */
  validation?: Validation;
  /** Gradient steps taken. */
  iterations?: number;
  /** Where each setting came from, when the CLI ran the fit: `{ seed: { value: 3, from: 'module' }, method: { value: 'auto', from: 'default' } }`. */
  settings?: Record<string, { value: unknown; from: string }>;
  /** Evaluations made by gradient steps, after the search's `evaluations` in `history`. */
  gradientEvaluations?: number;
  /** Why the search and the gradient fitting stopped (see {@link FitStopReason}). */
  stopReason?: FitStopReason;
  /**
   * Recordings of the best fit and of the target, written when the fit ends, in the shape
   * of `Results.toJSON()`: `{ chunks: [{ times, duration, spikes, traces: { v: [...] } }], data }`.
   */
  bestRecordings?: RecordingsJson;
  targetRecordings?: RecordingsJson;
  /** The held-out sweeps (`data`) and the fitted model's response to them (`model`), beside `validation`. */
  validationRecordings?: { data: RecordingsJson; model: RecordingsJson };
  [extra: string]: unknown;
}

/** Writes the whole file to a temporary name and renames it, so a crash never leaves half a file. */
export function writeResultsFile(path: string, data: ResultsFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  // NaN is not JSON: failed evaluations are written with loss null
  writeFileSync(tmp, JSON.stringify(data, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  renameSync(tmp, path);
}

/**
 * Reads a results file a fit wrote, with failed losses (null in JSON) as NaN. `purpose` names
 * what the file is read for in one-line errors (missing file, a directory, not JSON, not a
 * results file): `'resume'` gives "cannot resume: …", `'report'` "cannot report: …".
 *
 * ```ts
 * const file = readResultsFile('results/fit.json');
 * console.log(file.status, file.evaluations, file.params);
 * ```
 */
export function readResultsFile(path: string, purpose = 'read'): ResultsFile {
  const fail = (why: string) => new Error(`cannot ${purpose}: ${why}`);
  if (!existsSync(path)) throw fail(`no such results file: ${path}`);
  if (statSync(path).isDirectory()) throw fail(`${path} is a directory, not a results file`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw fail(`${path} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const d = data as Partial<ResultsFile> | null;
  if (!d || typeof d !== 'object' || d.format !== 'neurofit-fit/1' || !Array.isArray(d.history) || !Array.isArray(d.fitted)) {
    throw fail(`${path} is not a neurofit results file (expected "format": "neurofit-fit/1" with fitted and history)`);
  }
  for (const h of d.history as (Evaluation | null)[]) {
    if (!h || typeof h !== 'object') continue;
    if (h.loss === null) h.loss = NaN;
    if (h.lossSd === null) h.lossSd = NaN;
  }
  return d as ResultsFile;
}
