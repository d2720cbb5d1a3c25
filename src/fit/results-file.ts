import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Evaluation } from '../search/sampler.ts';
import type { Validation } from './validate.ts';

export type { Evaluation };

/** `Results.toJSON()`: one neuron's recordings per chunk. */
export interface RecordingsJson {
  chunks: { times: number[]; duration: number; spikes: number[]; traces: Record<string, number[]> }[];
  data?: Record<string, unknown>;
}

/** The JSON a fit writes: best values at the top, every evaluation in `history`. */
export interface ResultsFile {
  format: 'neurofit-fit/1';
  status: 'running' | 'done';
  model: string;
  method: string;
  seed: number;
  fitted: { name: string; low: number; high: number }[];
  evaluations: number;
  params: Record<string, number> | null;
  loss: number | null;
  lossSd: number | null;
  history: Evaluation[];
  /** Wall time so far (s). */
  elapsedSeconds?: number;
  /** The fitted model on held-out sweeps (`fit-trace --validate`). */
  validation?: Validation;
  /** Gradient steps taken. */
  iterations?: number;
  /**
   * Recordings of the best fit and of the target, written when the fit ends, in the shape
   * of `Results.toJSON()`: `{ chunks: [{ times, duration, spikes, traces: { v: [...] } }], data }`.
   */
  bestRecordings?: RecordingsJson;
  targetRecordings?: RecordingsJson;
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

export function readResultsFile(path: string): ResultsFile {
  if (!existsSync(path)) throw new Error(`cannot resume: results file '${path}' does not exist`);
  let data: ResultsFile;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  } catch (err) {
    throw new Error(`cannot resume: '${path}' is not valid JSON (${(err as Error).message})`);
  }
  if (data.format !== 'neurofit-fit/1' || !Array.isArray(data.history)) throw new Error(`cannot resume: '${path}' is not a neurofit results file`);
  for (const h of data.history) {
    if (h.loss === null) h.loss = NaN;
    if (h.lossSd === null) h.lossSd = NaN;
  }
  return data;
}
