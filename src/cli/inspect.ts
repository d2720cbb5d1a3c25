import { Command } from 'commander';
import { readRecordingFile, type ReadRecordingOptions } from '../io/recording-file.ts';
import { countSpikes, restingPotential } from '../io/stimulus.ts';
import { writeSweepCsv } from '../io/recording.ts';
import type { Recording, RecordedSweep } from '../io/recorded.ts';
import { parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { example } from './help.ts';
import { parseSweepList } from './recording-input.ts';

interface InspectOptions {
  current?: string;
  channel?: string;
  protocol?: string;
  sweeps?: string;
  json?: boolean;
  sweep?: string;
  out?: string;
  threshold: string;
}

/** One row of the sweeps table (and of `--json`). */
export interface SweepSummary {
  index: number;
  protocol?: string;
  samplingRateHz: number;
  durationMs: number;
  stimulus?: RecordedSweep['stimulus'];
  epochs?: RecordedSweep['epochs'];
  currentSource: RecordedSweep['currentSource'];
  spikeCount: number;
  vRest: number;
}

/** What `neurofit inspect --json` prints. */
export function summarise(rec: Recording, threshold = -20): Record<string, unknown> {
  const sweeps: SweepSummary[] = rec.sweeps.map((s) => ({
    index: s.index,
    ...(s.protocol !== undefined && s.protocol !== rec.protocol ? { protocol: s.protocol } : {}),
    samplingRateHz: Number((1000 / s.sampleDt).toPrecision(10)),
    durationMs: Number((s.t.length * s.sampleDt).toPrecision(10)),
    stimulus: s.stimulus,
    ...(s.epochs ? { epochs: s.epochs } : {}),
    currentSource: s.currentSource,
    spikeCount: countSpikes(s.v, threshold),
    vRest: Number(restingPotential(s.v, s.sampleDt, s.stimulus && s.stimulus.kind !== 'none' ? s.stimulus.start : undefined).toFixed(3)),
  }));
  const { warnings, ...metadata } = rec.metadata as { warnings?: string[] };
  return { format: rec.format, file: rec.path, protocol: rec.protocol, channels: rec.channels, metadata, tags: rec.tags, warnings: warnings ?? [], sweeps };
}

/** `neurofit inspect`: what a recording holds, before fitting it. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('show what a recording holds (ABF, NWB, Igor wave or CSV): format, protocol, channels, and per sweep its stimulus, spikes and resting potential')
    .argument('<file>', 'recording: .abf (1 or 2), .nwb (2), .ibw (v2, v5) or CSV; the format is read from the content')
    .option('--current <file>', 'the current of the same sweep in a separate file (an Igor voltage wave needs its current wave)')
    .option('--channel <name>', 'voltage channel of an ABF file (name or 0-based index; default the first in mV)')
    .option('--protocol <name>', 'only sweeps of this protocol (NWB stimulus description)')
    .option('--sweeps <list>', 'only these sweeps (0-based), e.g. 3,5,8-10')
    .option('--threshold <mV>', 'spike count: upward crossings of this voltage (eFEL Spikecount)', '-20')
    .option('--json', 'print one JSON object: format, channels, sweeps [{ index, samplingRateHz, durationMs, stimulus, epochs, spikeCount, vRest }]')
    .option('--sweep <k>', 'with --out: export sweep k (0-based)')
    .option('--out <sweep.csv>', 'with --sweep: write that sweep as CSV t,I,v (ms, pA, mV) at the file\'s sampling rate')
    .addHelpText('after', example('neurofit inspect trace.csv', 'trace.csv from neurofit simulate --help'))
    .action(async (file: string, o: InspectOptions) => {
      if ((o.sweep === undefined) !== (o.out === undefined)) throw new UsageError('--sweep K and --out FILE go together (export sweep K as CSV)');
      const options: ReadRecordingOptions = {
        ...(o.current !== undefined ? { current: o.current } : {}),
        ...(o.channel !== undefined ? { channel: o.channel } : {}),
        ...(o.protocol !== undefined ? { protocol: o.protocol } : {}),
        ...(o.sweeps !== undefined ? { sweeps: parseSweepList(o.sweeps, '--sweeps') } : {}),
        // a CSV without a current column is still worth a look
        I: undefined,
      };
      const threshold = parseNumber(o.threshold, '--threshold');
      let rec: Recording;
      try {
        rec = await readRecordingFile(file, options).catch(async (err: Error) => {
          if (/no current column 'I'/.test(err.message)) return readRecordingFile(file, { ...options, I: null });
          throw err;
        });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const summary = summarise(rec, threshold);
      for (const w of summary['warnings'] as string[]) process.stderr.write(`neurofit: warning: ${w}\n`);
      if (o.sweep !== undefined) {
        const k = parseNumber(o.sweep, '--sweep');
        const s = rec.sweeps.find((x) => x.index === k);
        if (!s) throw new UsageError(`${file}: no sweep ${o.sweep} (sweeps: ${rec.sweeps.map((x) => x.index).join(', ')})`);
        writeSweepCsv(o.out!, s);
        process.stderr.write(`sweep ${k} of ${file}: ${s.t.length} rows (t ms, I pA from ${s.currentSource === 'recorded' ? 'the recorded current' : s.currentSource === 'command' ? 'the rebuilt command' : s.currentSource === 'stimulus-series' ? 'the stimulus series' : 'nothing: zero'}, v mV) -> ${o.out}\n`);
        if (!o.json) return;
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(summary) + '\n');
        return;
      }
      process.stdout.write(text(summary));
    });
}

function text(summary: Record<string, unknown>): string {
  const s = summary as { format: string; file: string; protocol?: string; channels: Recording['channels']; tags: Recording['tags']; sweeps: SweepSummary[] };
  const n = (x: number) => String(Number(x.toPrecision(6)));
  const lines = [`${s.file}: ${s.format}${s.protocol ? `, protocol '${s.protocol}'` : ''}, ${s.sweeps.length} sweep${s.sweeps.length === 1 ? '' : 's'}`];
  if (s.channels.length > 0) lines.push(`channels: ${s.channels.map((c) => `${c.index} '${c.name}' (${c.unit})`).join(', ')}`);
  for (const t of s.tags) lines.push(`tag at ${n(t.time)} ms: ${t.comment}`);
  lines.push('sweep  duration(ms)  rate(Hz)  stimulus                                  spikes  vRest(mV)');
  for (const w of s.sweeps) {
    const st = w.stimulus;
    const stim = !st || st.kind === 'none' ? '-' : `${st.kind} ${n(st.amplitude)} pA ${n(st.start)}–${n(st.end)} ms${w.epochs ? ` (${w.epochs.length} epochs)` : ''}`;
    lines.push(`${String(w.index).padStart(5)}  ${n(w.durationMs).padStart(12)}  ${n(w.samplingRateHz).padStart(8)}  ${stim.padEnd(40)}  ${String(w.spikeCount).padStart(6)}  ${n(w.vRest).padStart(9)}`);
  }
  return lines.join('\n') + '\n';
}
