import { readFileSync, writeFileSync } from 'node:fs';

/** A current-clamp sweep: time (ms), injected current and membrane potential (mV), uniformly sampled. */
export interface Sweep {
  name: string;
  t: Float64Array;
  I: Float64Array;
  v: Float64Array;
  /** Sampling interval (ms). */
  sampleDt: number;
  /** True spike times (ms), when known (synthetic data). */
  spikes?: Float64Array;
  /** Unit of `I`, when the file says it (checked against the model's before a fit). */
  currentUnit?: string;
}

/** A column by header name or by 0-based index. */
export type ColumnRef = string | number;

export interface RecordingOptions {
  /** Time column; default 't' with a header, else column 0. */
  t?: ColumnRef;
  /** Voltage column(s); several make several sweeps sharing the time column. Default 'v', else column 1. */
  v?: ColumnRef | ColumnRef[];
  /** Current column(s), one per voltage column (or one for all); default 'I', an error if there is none; `null` for zero current. */
  I?: ColumnRef | ColumnRef[] | null;
  /** Unit of the time column. Default 'ms'. */
  timeUnit?: 'ms' | 's';
  /** Unit of the voltage column. Default 'mV'. */
  voltageUnit?: 'mV' | 'V';
  /** Factor from the file's current unit to the model's (e.g. 1000 for nA data and a pA model). Default 1. */
  currentScale?: number;
}

/**
 * Reads a recording from text: comma-, tab- or whitespace-separated columns, with or
 * without a header row (`#` starts a comment). Every problem names the file and what is
 * wrong: an empty file, a missing column, a value that is not a finite number (with its
 * line), time that does not increase or is not evenly spaced.
 *
 * ```ts
 * const [first] = readRecording('cell.csv', { voltageUnit: 'V' }); // columns t, I, v; v read in volts, kept in mV
 * ```
 */
export function readRecording(path: string, o: RecordingOptions = {}): Sweep[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read data file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines: { number: number; cells: string[] }[] = [];
  const split = splitter(text);
  text.split(/\r?\n/).forEach((line, k) => {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) lines.push({ number: k + 1, cells: split(trimmed) });
  });
  if (lines.length === 0) throw new Error(`${path}: the file is empty`);
  const hasHeader = lines[0]!.cells.some((c) => c.trim() !== '' && !Number.isFinite(Number(c)));
  const header = hasHeader ? lines.shift()!.cells.map((c) => c.trim()) : [];
  if (lines.length < 2) throw new Error(`${path}: expected at least two rows of data`);
  const width = Math.max(...lines.map((l) => l.cells.length));
  const describe = () => (hasHeader ? `columns: ${header.join(', ')}` : `${width} unnamed columns`);
  const resolve = (ref: ColumnRef, role: string): number => {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= width) throw new Error(`${path}: no column ${ref} for ${role} (${describe()})`);
      return ref;
    }
    const k = header.indexOf(ref);
    if (k < 0) throw new Error(`${path}: no column '${ref}' for ${role} (${describe()})`);
    return k;
  };
  const tCol = resolve(o.t ?? (hasHeader ? 't' : 0), 'time');
  const vRefs = Array.isArray(o.v) ? o.v : [o.v ?? (hasHeader ? 'v' : 1)];
  const vCols = vRefs.map((r) => resolve(r, 'voltage'));
  let iCols: (number | null | undefined)[];
  if (o.I === null) iCols = vCols.map(() => null);
  else if (o.I === undefined) iCols = vCols.map(() => (hasHeader && header.includes('I') ? header.indexOf('I') : undefined));
  else {
    const refs = Array.isArray(o.I) ? o.I : [o.I];
    if (refs.length !== 1 && refs.length !== vCols.length) throw new Error(`${path}: give one current column, or one per voltage column (${vCols.length})`);
    iCols = vCols.map((_, k) => resolve(refs[refs.length === 1 ? 0 : k]!, 'current'));
  }
  const column = (c: number, name: string, scale: number): Float64Array => {
    const out = new Float64Array(lines.length);
    lines.forEach((line, r) => {
      const cell = line.cells[c];
      const value = cell === undefined || cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) throw new Error(`${path} line ${line.number}, column '${name}': '${cell ?? ''}' is not a finite number`);
      out[r] = value * scale;
    });
    return out;
  };
  const label = (c: number) => (hasHeader ? header[c]! : String(c));
  const t = column(tCol, label(tCol), o.timeUnit === 's' ? 1000 : 1);
  const sampleDt = checkTimes(path, t, lines.map((l) => l.number));
  const currentScale = o.currentScale ?? 1;
  const vs = vCols.map((vc) => column(vc, label(vc), o.voltageUnit === 'V' ? 1000 : 1));
  // a fit against a current that silently defaults to zero is a fit to the wrong experiment
  if (iCols.includes(undefined)) {
    throw new Error(`${path}: no current column 'I' (${describe()}): name the current column (--i-col NAME), or say the current is zero on purpose (--i-col none; I: null in the API)`);
  }
  return vCols.map((vc, k) => {
    const ic = iCols[k];
    return {
      name: vCols.length > 1 ? `${path}#${label(vc)}` : path,
      t,
      v: vs[k]!,
      I: ic === null || ic === undefined ? new Float64Array(t.length) : column(ic, label(ic), currentScale),
      sampleDt,
    };
  });
}

function splitter(text: string): (line: string) => string[] {
  const sample = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  if (sample.includes(',')) return (l) => l.split(',');
  if (sample.includes('\t')) return (l) => l.split('\t');
  return (l) => l.split(/\s+/);
}

/** The sampling interval; time stored as float32 (as many acquisition systems do) jitters by ~1e-6 relative. */
function checkTimes(path: string, t: Float64Array, lineNumbers: number[]): number {
  for (let r = 1; r < t.length; r++) {
    if (!(t[r]! > t[r - 1]!)) throw new Error(`${path} line ${lineNumbers[r]}: time does not increase (t = ${t[r]} after ${t[r - 1]})`);
  }
  const dt = (t[t.length - 1]! - t[0]!) / (t.length - 1);
  for (let r = 1; r < t.length; r++) {
    const step = t[r]! - t[r - 1]!;
    if (Math.abs(step - dt) > 1e-3 * dt) {
      throw new Error(`${path} line ${lineNumbers[r]}: samples must be evenly spaced (interval ${step} ms here, ${dt} ms at the start)`);
    }
  }
  return dt;
}

/**
 * The sweep on another sampling grid from its first time point: voltage interpolated
 * linearly, current sample-and-hold (a command step stays a step).
 *
 * ```ts
 * const coarse = resampleSweep(sweep, 0.1); // sampled every 0.1 ms
 * ```
 */
export function resampleSweep(sweep: Sweep, sampleDt: number): Sweep {
  if (!(sampleDt > 0)) throw new Error(`resample: interval must be > 0 ms, got ${sampleDt}`);
  const t0 = sweep.t[0]!;
  const span = sweep.t[sweep.t.length - 1]! - t0;
  const n = Math.floor(span / sampleDt + 1e-9) + 1;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const I = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = (k * sampleDt) / sweep.sampleDt;
    const j = Math.min(Math.floor(x + 1e-9), sweep.t.length - 1);
    const frac = Math.max(0, x - j);
    t[k] = t0 + k * sampleDt;
    v[k] = j + 1 < sweep.t.length ? sweep.v[j]! + frac * (sweep.v[j + 1]! - sweep.v[j]!) : sweep.v[j]!;
    I[k] = sweep.I[j]!;
  }
  return { ...sweep, t, v, I, sampleDt };
}

/**
 * Writes a sweep as CSV with columns t, I, v.
 *
 * ```ts
 * writeSweepCsv('sweep0.csv', sweep); // t,I,v rows, v to 4 decimals
 * ```
 */
export function writeSweepCsv(path: string, sweep: Sweep, digits = 4): void {
  const rows = ['t,I,v'];
  for (let r = 0; r < sweep.t.length; r++) {
    rows.push(`${Number(sweep.t[r]!.toPrecision(12))},${Number(sweep.I[r]!.toPrecision(12))},${sweep.v[r]!.toFixed(digits)}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}
