import { readFileSync, writeFileSync } from 'node:fs';

/** A current-clamp sweep: time (ms), injected current and membrane potential, uniformly sampled. */
export interface Sweep {
  name: string;
  t: Float64Array;
  I: Float64Array;
  v: Float64Array;
  /** Sampling interval (ms). */
  sampleDt: number;
  /** True spike times (ms), when known (synthetic data). */
  spikes?: Float64Array;
}

export interface SweepColumns {
  t?: string;
  I?: string;
  v?: string;
}

/**
 * Reads a sweep from a CSV with a header row (columns `t`, `I`, `v` unless mapped).
 * Every problem is reported with file, line and column: a missing column, a value that
 * is not a number (NaN included), times that do not increase or are not evenly spaced.
 */
export function readSweepCsv(path: string, columns: SweepColumns = {}): Sweep {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read data file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 3) throw new Error(`${path}: expected a header and at least two rows`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const want = { t: columns.t ?? 't', I: columns.I ?? 'I', v: columns.v ?? 'v' };
  const index = Object.fromEntries(
    Object.entries(want).map(([key, name]) => {
      const k = header.indexOf(name);
      if (k < 0) throw new Error(`${path}: no column '${name}' for ${key} (columns: ${header.join(', ')})`);
      return [key, k];
    }),
  ) as Record<'t' | 'I' | 'v', number>;
  const n = lines.length - 1;
  const out = { t: new Float64Array(n), I: new Float64Array(n), v: new Float64Array(n) };
  for (let r = 0; r < n; r++) {
    const cells = lines[r + 1]!.split(',');
    for (const key of ['t', 'I', 'v'] as const) {
      const cell = cells[index[key]];
      const value = cell === undefined || cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) {
        throw new Error(`${path} line ${r + 2}, column '${want[key]}': '${cell ?? ''}' is not a finite number`);
      }
      out[key][r] = value;
    }
  }
  const sampleDt = out.t[1]! - out.t[0]!;
  if (!(sampleDt > 0)) throw new Error(`${path}: times must increase (line 3 has t = ${out.t[1]} after ${out.t[0]})`);
  for (let r = 1; r < n; r++) {
    const step = out.t[r]! - out.t[r - 1]!;
    if (Math.abs(step - sampleDt) > 1e-6 * sampleDt + 1e-9) {
      throw new Error(`${path} line ${r + 2}: samples must be evenly spaced (interval ${step} ms here, ${sampleDt} ms at the start)`);
    }
  }
  return { name: path, ...out, sampleDt };
}

/** Writes a sweep as CSV with columns t, I, v. */
export function writeSweepCsv(path: string, sweep: Sweep, digits = 4): void {
  const rows = ['t,I,v'];
  for (let r = 0; r < sweep.t.length; r++) {
    rows.push(`${Number(sweep.t[r]!.toPrecision(12))},${Number(sweep.I[r]!.toPrecision(12))},${sweep.v[r]!.toFixed(digits)}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}
