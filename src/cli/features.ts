import { Command } from 'commander';
import { parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { example } from './help.ts';
import { addRecordingInputOptions, csvOptions, loadRecordingInputs, type CsvFlags } from './recording-input.ts';
import type { RecordedSweep } from '../io/recorded.ts';

interface FeaturesOptions extends CsvFlags {
  stimStart?: string;
  stimEnd?: string;
  features?: string;
  threshold: string;
  json?: boolean;
}

/** `neurofit features`: eFEL-compatible features of a recorded trace. */
export function featuresCommand(): Command {
  const cmd = new Command('features').description('eFEL-compatible electrophysiological features of a recorded voltage trace');
  const inputs = addRecordingInputOptions(cmd, {
    required: true,
    validate: false,
    dataHelp: 'recording: ABF 1/2, NWB 2, Igor wave (.ibw) or CSV/TSV/whitespace with time (ms) and voltage (mV) columns, header optional; several sweeps give one result each',
  });
  return cmd
    .option('--stim-start <ms>', "stimulus onset (default: the sweep's stimulus when the file gives its current, else the start of the trace)")
    .option('--stim-end <ms>', "stimulus offset (default: the sweep's stimulus end, else the end of the trace)")
    .option('--features <a,b,...>', 'features to compute (default: all)')
    .option('--threshold <mV>', 'spike detection threshold', '-20')
    .option('--json', 'print one JSON object: feature name -> value or list (several sweeps: a list of { sweep, features })')
    .addHelpText('after', example('neurofit features --data trace.csv --stim-start 100 --stim-end 900', 'trace.csv from neurofit simulate --help'))
    .action(async (opts: FeaturesOptions) => {
      const { computeFeatures, FEATURE_NAMES } = await import('../features/index.ts');
      if (inputs.files.length > 1) throw new UsageError('features reads one --data file (choose its sweeps with --sweeps)');
      // a voltage trace is enough here: the current column is read only when named
      const csv = { ...csvOptions(opts, 1), ...(opts.iCol === undefined ? { I: null } : {}) };
      const sweeps = (await loadRecordingInputs(inputs, 'data', csv)) as RecordedSweep[];
      const names = opts.features?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names ?? []) {
        if (!FEATURE_NAMES.includes(n)) throw new UsageError(`--features: unknown feature '${n}' (known: ${FEATURE_NAMES.join(', ')})`);
      }
      const results = sweeps.map((sweep) => {
        const t = sweep.t;
        const stim = sweep.stimulus && sweep.stimulus.kind !== 'none' && sweep.currentSource !== 'none' ? sweep.stimulus : undefined;
        const stimStart = opts.stimStart !== undefined ? parseNumber(opts.stimStart, '--stim-start') : (stim?.start ?? t[0]!);
        const stimEnd = opts.stimEnd !== undefined ? parseNumber(opts.stimEnd, '--stim-end') : (stim?.end ?? t[t.length - 1]!);
        try {
          return { sweep: sweep.index ?? 0, stimStart, stimEnd, values: computeFeatures({ t, v: sweep.v, stimStart, stimEnd, threshold: parseNumber(opts.threshold, '--threshold') }, names) };
        } catch (err) {
          throw new UsageError(`${sweep.name}: ${(err as Error).message}`);
        }
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify(results.length === 1 ? results[0]!.values : results.map((r) => ({ sweep: r.sweep, stimStart: r.stimStart, stimEnd: r.stimEnd, features: r.values }))) + '\n');
        return;
      }
      for (const r of results) {
        if (results.length > 1) process.stdout.write(`sweep ${r.sweep} (stimulus ${r.stimStart}–${r.stimEnd} ms):\n`);
        for (const [name, value] of Object.entries(r.values)) {
          const shown = Array.isArray(value) ? `[${value.map((x) => Number(x.toPrecision(6))).join(', ')}]` : value === null ? '-' : Number(value.toPrecision(6));
          process.stdout.write(`${results.length > 1 ? '  ' : ''}${name}: ${shown}\n`);
        }
      }
    });
}
