import { Command } from 'commander';
import { readRecording } from '../io/recording.ts';
import { parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { example } from './help.ts';

interface FeaturesOptions {
  data: string;
  stimStart?: string;
  stimEnd?: string;
  features?: string;
  threshold: string;
  tCol?: string;
  vCol?: string;
  timeUnit: string;
  voltageUnit: string;
  json?: boolean;
}

/** `neurofit features`: eFEL-compatible features of a recorded trace. */
export function featuresCommand(): Command {
  return new Command('features')
    .description('eFEL-compatible electrophysiological features of a recorded voltage trace')
    .requiredOption('--data <file>', 'recording: time (ms) and voltage (mV) columns; CSV, TSV or whitespace, header optional')
    .option('--stim-start <ms>', 'stimulus onset (default: start of the trace)')
    .option('--stim-end <ms>', 'stimulus offset (default: end of the trace)')
    .option('--features <a,b,...>', 'features to compute (default: all)')
    .option('--threshold <mV>', 'spike detection threshold', '-20')
    .option('--t-col <name>', 'time column (name, or 0-based index)')
    .option('--v-col <name>', 'voltage column (name, or 0-based index)')
    .option('--time-unit <ms|s>', 'unit of the time column', 'ms')
    .option('--voltage-unit <mV|V>', 'unit of the voltage column', 'mV')
    .option('--json', 'print one JSON object: feature name -> value or list')
    .addHelpText('after', example('neurofit features --data trace.csv --stim-start 100 --stim-end 900', 'trace.csv from neurofit simulate --help'))
    .action(async (opts: FeaturesOptions) => {
      const { computeFeatures, FEATURE_NAMES } = await import('../features/index.ts');
      const column = (c: string | undefined) => (c === undefined ? undefined : /^\d+$/.test(c) ? Number(c) : c);
      let sweep;
      try {
        if (opts.timeUnit !== 'ms' && opts.timeUnit !== 's') throw new Error(`--time-unit must be ms or s, got '${opts.timeUnit}'`);
        if (opts.voltageUnit !== 'mV' && opts.voltageUnit !== 'V') throw new Error(`--voltage-unit must be mV or V, got '${opts.voltageUnit}'`);
        [sweep] = readRecording(opts.data, { t: column(opts.tCol), v: column(opts.vCol), I: null, timeUnit: opts.timeUnit, voltageUnit: opts.voltageUnit });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const t = sweep!.t;
      const stimStart = opts.stimStart !== undefined ? parseNumber(opts.stimStart, '--stim-start') : t[0]!;
      const stimEnd = opts.stimEnd !== undefined ? parseNumber(opts.stimEnd, '--stim-end') : t[t.length - 1]!;
      const names = opts.features?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names ?? []) {
        if (!FEATURE_NAMES.includes(n)) throw new UsageError(`--features: unknown feature '${n}' (known: ${FEATURE_NAMES.join(', ')})`);
      }
      let values;
      try {
        values = computeFeatures({ t, v: sweep!.v, stimStart, stimEnd, threshold: parseNumber(opts.threshold, '--threshold') }, names);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(values) + '\n');
        return;
      }
      for (const [name, value] of Object.entries(values)) {
        const shown = Array.isArray(value) ? `[${value.map((x) => Number(x.toPrecision(6))).join(', ')}]` : value === null ? '-' : Number(value.toPrecision(6));
        process.stdout.write(`${name}: ${shown}\n`);
      }
    });
}
