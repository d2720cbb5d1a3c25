import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isModelModule } from '../models/load.ts';
import { readRecording, type RecordingOptions } from '../io/recording.ts';
import type { FitJob, JobData, JobModel } from './job.ts';
import type { NeuronDefinition } from '../model/types.ts';
import { sweepToData } from './job-spec.ts';

/** How a job's data goes to the workers: read here and uploaded with the job, or named by path on shared storage. */
export type DataTransfer = 'upload' | 'shared';

/**
 * A job's data: with `upload`, the files are read here (each problem names the file) and
 * travel in the job; with `shared`, only the paths do, resolved by each worker under its
 * `--data-root`.
 *
 * ```ts
 * const data = jobData(['cell1.csv'], { voltageUnit: 'V' }, 'upload'); // { sweeps: [...] }
 * ```
 */
export function jobData(files: string[], read: RecordingOptions, transfer: DataTransfer): JobData {
  if (transfer === 'shared') return Object.keys(read).length > 0 ? { files, read } : { files };
  return { sweeps: files.flatMap((f) => readRecording(f, read)).map(sweepToData) };
}

/**
 * A model argument as a job names it: a `.json` file holds a model's definition (its
 * equation strings: they travel with the job and run on any worker), a `.ts`/`.js` path is
 * a module (run only by workers that allow it), anything else a built-in name.
 */
export function jobModelOf(model: string): JobModel {
  if (model.endsWith('.json')) {
    let definition: unknown;
    try {
      definition = JSON.parse(readFileSync(model, 'utf8'));
    } catch (err) {
      throw new Error(`model ${model}: ${(err as Error).message.split('\n')[0]}`);
    }
    return { definition: definition as NeuronDefinition };
  }
  return isModelModule(model) ? { module: model } : { name: model };
}

/**
 * The fits of a manifest CSV, one row per fit, with a header naming its columns: `name`,
 * `data` (files, `;`-separated: sweeps of one cell), `model`, `fit` (parameters, `;` or
 * space separated), and optionally `sweeps` (voltage columns, `;`-separated), `validate`,
 * `bounds` (`a=0.01:0.1;d=2:10`), `set` (`I=0`), `method`, `seed`, `max_evals`, `loss`,
 * `dt`, `threshold`. Relative paths are relative to the manifest's folder when uploading,
 * and to each worker's `--data-root` when shared.
 *
 * ```ts
 * const jobs = readManifest('fits.csv', 'upload');
 * ```
 */
export function readManifest(path: string, transfer: DataTransfer, read: RecordingOptions = {}): FitJob[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new Error(`${path}: expected a header row and at least one fit`);
  const header = csvRow(lines[0]!).map((h) => h.trim().toLowerCase());
  for (const required of ['data', 'model', 'fit']) if (!header.includes(required)) throw new Error(`${path}: no '${required}' column (columns: ${header.join(', ')})`);
  const known = ['name', 'data', 'model', 'fit', 'sweeps', 'validate', 'bounds', 'set', 'method', 'seed', 'max_evals', 'loss', 'dt', 'threshold'];
  const unknown = header.filter((h) => !known.includes(h));
  if (unknown.length > 0) throw new Error(`${path}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const base = dirname(resolve(path));
  const place = (f: string) => (transfer === 'upload' && !isAbsolute(f) ? resolve(base, f) : f);
  return lines.slice(1).map((line, k) => {
    const cells = csvRow(line);
    const row: Record<string, string> = Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').trim()]));
    const where = `${path} row ${k + 2}`;
    const list = (text: string | undefined) => (text ?? '').split(/[;,\s]+/).filter(Boolean);
    const number = (key: string) => {
      if (!row[key]) return undefined;
      const n = Number(row[key]);
      if (!Number.isFinite(n)) throw new Error(`${where}: ${key} '${row[key]}' is not a number`);
      return n;
    };
    try {
      const files = list(row.data).map(place);
      if (files.length === 0) throw new Error('no data file');
      const sweeps = list(row.sweeps);
      const readRow: RecordingOptions = sweeps.length > 0 ? { ...read, v: sweeps.map((c) => (/^\d+$/.test(c) ? Number(c) : c)) } : read;
      const model = row.model!;
      if (!model) throw new Error('no model');
      const seed = number('seed');
      const job: FitJob = {
        name: row.name || `${files[0]!.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '')}-${model.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '')}-s${seed ?? 'default'}`,
        model: jobModelOf(model),
        data: jobData(files, readRow, transfer),
        fit: list(row.fit),
      };
      if (row.validate) job.validate = jobData(list(row.validate).map(place), readRow, transfer);
      if (row.bounds) job.bounds = assignments(row.bounds, 'bounds', (v) => {
        const m = /^([^:]+):(.+)$/.exec(v);
        const range = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
        if (!range.every(Number.isFinite)) throw new Error(`bounds: expected p=LO:HI, got '${v}'`);
        return range as [number, number];
      });
      if (row.set) job.set = assignments(row.set, 'set', (v) => {
        if (!Number.isFinite(Number(v))) throw new Error(`set: '${v}' is not a number`);
        return Number(v);
      });
      if (row.method) job.method = row.method;
      if (row.loss) job.loss = row.loss as FitJob['loss'];
      if (seed !== undefined) job.seed = seed;
      const maxEvals = number('max_evals');
      if (maxEvals !== undefined) job.maxEvals = maxEvals;
      const dt = number('dt');
      if (dt !== undefined) job.timeStep = dt;
      const threshold = number('threshold');
      if (threshold !== undefined) job.threshold = threshold;
      return job;
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
  });
}

/** `a=x;b=y` into an object, each value parsed by `parse`. */
function assignments<T>(text: string, what: string, parse: (value: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of text.split(/[;\s]+/).filter(Boolean)) {
    const m = /^([A-Za-z_]\w*)=(.+)$/.exec(item);
    if (!m) throw new Error(`${what}: expected name=value, got '${item}'`);
    out[m[1]!] = parse(m[2]!);
  }
  return out;
}

/** One CSV row: comma-separated, fields in double quotes may hold commas ("" is a quote). */
function csvRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k]!;
    if (quoted) {
      if (c === '"' && line[k + 1] === '"') {
        cell += '"';
        k++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
