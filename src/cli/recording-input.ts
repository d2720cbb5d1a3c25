import type { Command } from 'commander';
import { readRecordingFile, type ReadRecordingOptions } from '../io/recording-file.ts';
import type { RecordingOptions, Sweep } from '../io/recording.ts';
import { currentFactor } from '../io/check.ts';
import { parseNumber } from './args.ts';
import { UsageError } from './errors.ts';

/** One recording file given on the command line, with the choices that follow it. */
export interface RecordingInput {
  path: string;
  role: 'data' | 'validate';
  sweeps?: number[];
  channel?: string;
  protocol?: string;
  current?: string;
}

/** The files of --data and --validate in command-line order, each with the --sweeps/--channel/--protocol/--current after it. */
export interface RecordingInputs {
  files: RecordingInput[];
  /** Choices given before any file: they apply to every file that sets none of its own. */
  defaults: Omit<RecordingInput, 'path' | 'role'>;
}

/** The CSV column and unit flags, as commander gives them. */
export interface CsvFlags {
  tCol: string;
  iCol?: string;
  vCol: string;
  timeUnit: string;
  voltageUnit: string;
  currentScale: string;
}

/**
 * "3,5,8-10" → [3, 5, 8, 9, 10]: sweep indices from 0, a range includes both ends.
 *
 * ```ts
 * parseSweepList('3,5,8-10', '--sweeps'); // [3, 5, 8, 9, 10]
 * ```
 */
export function parseSweepList(text: string, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`${what}: expected sweep numbers from 0 and ranges like 3,5,8-10, got '${part}'`);
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) throw new UsageError(`${what}: range ${part} runs backwards`);
    for (let k = a; k <= b; k++) out.push(k);
  }
  if (out.length === 0) throw new UsageError(`${what}: no sweeps given`);
  return out;
}

/**
 * Declares the recording-input options on a command: --data (repeatable), --validate
 * (repeatable, when `validate`), and --sweeps, --channel, --protocol, --current, each
 * pairing with the --data or --validate just before it, then the CSV column and unit flags.
 * Returns the inputs, filled in command-line order as commander parses them.
 *
 * ```ts
 * const inputs = addRecordingInputOptions(cmd, { required: true, validate: true });
 * // neurofit fit-trace --data cell.abf --sweeps 3,5 --validate cell.abf --sweeps 8-10 ...
 * ```
 */
export function addRecordingInputOptions(cmd: Command, o: { required: boolean; validate: boolean; dataHelp?: string }): RecordingInputs {
  const inputs: RecordingInputs = { files: [], defaults: {} };
  const last = () => inputs.files.at(-1) ?? inputs.defaults;
  const file = (role: RecordingInput['role']) => (path: string, previous: string[] | undefined) => {
    inputs.files.push({ path, role });
    return [...(previous ?? []), path];
  };
  const dataHelp =
    o.dataHelp ??
    'a recording (repeatable: several sweeps of one cell, fitted jointly): ABF 1/2, NWB 2, Igor wave (.ibw) or CSV (t [ms], I, v [mV]); the format is read from the content';
  if (o.required) cmd.requiredOption('--data <file>', dataHelp, file('data'), [] as string[]);
  else cmd.option('--data <file>', dataHelp, file('data'), [] as string[]);
  if (o.validate) cmd.option('--validate <file>', 'a held-out recording, not fitted: Γ, spike-count error and subthreshold RMSE are reported (repeatable; same formats as --data)', file('validate'), [] as string[]);
  return addChoices(cmd, inputs, last);
}

function addChoices(cmd: Command, inputs: RecordingInputs, last: () => RecordingInput | RecordingInputs['defaults']): RecordingInputs {
  return (
    cmd
      .option('--sweeps <list>', 'sweeps of the --data/--validate file just before (0-based, in recording order), e.g. 3,5,8-10; default all', (v: string) => {
        last().sweeps = parseSweepList(v, '--sweeps');
        return v;
      })
      .option('--channel <name>', 'voltage channel of the ABF file just before (name or 0-based index; default the first in mV)', (v: string) => {
        last().channel = v;
        return v;
      })
      .option('--protocol <name>', 'only sweeps of this protocol in the file just before (NWB stimulus description)', (v: string) => {
        last().protocol = v;
        return v;
      })
      .option('--current <file>', 'the current of the --data/--validate file just before, in a separate file (Igor: the Ch0 wave beside the voltage wave)', (v: string) => {
        last().current = v;
        return v;
      })
      .option('--t-col <name>', 'CSV: time column (name, or 0-based index for files without a header)', 't')
      .option('--i-col <name>', "CSV: current column(s), comma-separated, or 'none' for zero current (default: 'I'; a file without it is an error)")
      .option('--v-col <name>', 'CSV: voltage column(s), comma-separated: several make several sweeps', 'v')
      .option('--time-unit <ms|s>', 'CSV: unit of the time column', 'ms')
      .option('--voltage-unit <mV|V>', 'CSV: unit of the voltage column', 'mV')
      .option('--current-scale <k>', "CSV: factor from the file's current unit to the model's", '1'),
    inputs
  );
}

/** The CSV reading options the flags say (unchanged defaults left out). */
export function csvOptions(f: CsvFlags, currentScale?: number): RecordingOptions {
  if (f.timeUnit !== 'ms' && f.timeUnit !== 's') throw new UsageError(`--time-unit must be ms or s, got '${f.timeUnit}'`);
  if (f.voltageUnit !== 'mV' && f.voltageUnit !== 'V') throw new UsageError(`--voltage-unit must be mV or V, got '${f.voltageUnit}'`);
  const column = (c: string) => (/^\d+$/.test(c) ? Number(c) : c);
  // the defaults 't' and 'v' are left to readRecording: column 0 and 1 in a file without a header
  return {
    ...(f.tCol !== 't' ? { t: column(f.tCol) } : {}),
    ...(f.vCol !== 'v' ? { v: f.vCol.split(',').map(column) } : {}),
    I: f.iCol === undefined ? undefined : f.iCol === 'none' ? null : f.iCol.split(',').map(column),
    timeUnit: f.timeUnit,
    voltageUnit: f.voltageUnit,
    currentScale: currentScale ?? parseNumber(f.currentScale, '--current-scale'),
  };
}

/**
 * Reads the inputs of one role. Sweeps from ABF, NWB and Igor files carry their current in
 * pA: when the model declares another plain current unit (nA for lif), the current is
 * converted and stderr says so; CSV sweeps keep the CSV flags' scaling.
 */
export async function loadRecordingInputs(inputs: RecordingInputs, role: RecordingInput['role'], csv: RecordingOptions, modelCurrentUnit?: string): Promise<Sweep[]> {
  const out: Sweep[] = [];
  for (const input of inputs.files.filter((f) => f.role === role)) {
    const d = inputs.defaults;
    const options: ReadRecordingOptions = { ...csv };
    const sweeps = input.sweeps ?? d.sweeps;
    const channel = input.channel ?? d.channel;
    const protocol = input.protocol ?? d.protocol;
    const current = input.current ?? d.current;
    if (sweeps) options.sweeps = sweeps;
    if (channel !== undefined) options.channel = channel;
    if (protocol !== undefined) options.protocol = protocol;
    if (current !== undefined) options.current = current;
    let rec;
    try {
      rec = await readRecordingFile(input.path, options);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    for (const w of (rec.metadata['warnings'] as string[] | undefined) ?? []) process.stderr.write(`neurofit: warning: ${w}\n`);
    if (rec.format === 'csv') {
      out.push(...rec.sweeps);
      continue;
    }
    const factor = modelCurrentUnit ? currentFactor('pA', modelCurrentUnit) : 1;
    if (factor !== undefined && factor !== 1) {
      process.stderr.write(`neurofit: ${input.path}: the current is converted from pA to the model's ${modelCurrentUnit} (×${factor})\n`);
      for (const s of rec.sweeps) {
        s.I = s.I.map((x) => x * factor);
        s.currentUnit = modelCurrentUnit;
      }
    }
    out.push(...rec.sweeps);
  }
  return out;
}
