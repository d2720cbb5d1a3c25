import { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Population } from '../sim/population.ts';
import { Monitor } from '../sim/monitor.ts';
import { step, sum, type Input } from '../sim/inputs.ts';
import { METHODS, type Method } from '../model/types.ts';
import { collect, loadModel, parseAssignments, parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { drawSpikes, resetsAtSpike } from '../io/draw-spikes.ts';
import { example } from './help.ts';

interface SimulateOptions {
  model: string;
  set: string[];
  step: string[];
  duration?: string;
  dt: string;
  method?: string;
  record?: string;
  out: string;
  spikes?: string;
  seed: string;
  spikePeak: string;
}

/** `neurofit simulate`: one neuron, optional current steps, a CSV of the recorded variables. */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('simulate one neuron and write its trace as CSV (t,I,<recorded variables>)')
    .requiredOption('--model <name>', 'built-in model name, or a .ts module exporting a model')
    .option('--set <p=value>', 'set a parameter (repeatable, or comma-separated)', collect, [])
    .option('--step <amp:start:stop>', 'current step on I, amplitude and times in ms (repeatable; steps add up)', collect, [])
    .option('--duration <ms>', 'simulated time (default: end of the last step + its start, or 100 ms)')
    .option('--dt <ms>', 'integration step', '0.01')
    .option('--method <m>', `integration method (${METHODS.join(', ')}; default: the model's)`)
    .option('--record <vars>', 'comma-separated variables to record (default: the first state variable)')
    .option('--seed <n>', 'seed for models with noise', '0')
    .requiredOption('--out <file.csv>', 'CSV output')
    .option('--spikes <file>', 'write spike times (ms), one per line')
    .option('--spike-peak <mV|none>', "models that reset at a spike (lif, adex, izhikevich) never show it in the sampled voltage: draw each spike to this value in the CSV, so the trace can be fitted as a recording ('none': leave the trace as simulated)", '30')
    .addHelpText('after', example('neurofit simulate --model izhikevich --step 10:100:900 --duration 1000 --out trace.csv'))
    .action(async (opts: SimulateOptions) => {
      const model = await loadModel(opts.model);
      const dt = parseNumber(opts.dt, '--dt');
      if (dt <= 0) throw new UsageError(`--dt must be > 0 ms, got ${dt}`);
      if (opts.method !== undefined && !(METHODS as string[]).includes(opts.method)) {
        throw new UsageError(`--method: unknown method '${opts.method}' (use ${METHODS.join(', ')})`);
      }
      const params = parseAssignments(opts.set);
      for (const p of Object.keys(params)) {
        if (!model.parameterNames.includes(p)) {
          throw new UsageError(`--set: '${p}' is not a parameter of ${model.name} (parameters: ${model.parameterNames.join(', ')})`);
        }
      }
      const steps = opts.step.map(parseStep);
      if (!model.parameterNames.includes('I') && steps.length > 0) throw new UsageError(`--step: model ${model.name} has no parameter I`);
      const lastStep = steps.reduce((m, s) => Math.max(m, s.stop + s.start), 0);
      const duration = opts.duration !== undefined ? parseNumber(opts.duration, '--duration') : lastStep > 0 ? lastStep : 100;
      if (duration <= 0) throw new UsageError(`--duration must be > 0 ms, got ${duration}`);
      const record = opts.record ? opts.record.split(',').map((s) => s.trim()).filter(Boolean) : [model.stateVariables[0]!];
      for (const v of record) {
        if (!model.hasVariable(v)) {
          throw new UsageError(`--record: '${v}' is not a variable of ${model.name} (variables: ${[...model.stateVariables, ...model.algebraicVariables].join(', ')})`);
        }
      }
      const hasI = model.parameterNames.includes('I');
      const columns = [...(hasI ? ['I'] : []), ...record.filter((v) => v !== 'I')];

      const pop = new Population(model, 1, { dt, method: opts.method as Method | undefined, seed: opts.seed });
      pop.set(params);
      pop.reset();
      if (steps.length > 0) {
        const base = params.I ?? model.parameters.I ?? 0;
        const inputs: Input[] = steps.map((s) => step({ amplitude: s.amplitude, start: s.start, stop: s.stop }));
        pop.input('I', sum(...inputs, step({ amplitude: base, start: 0, stop: Number.MAX_VALUE })));
      }
      const monitor = new Monitor(pop, model.spec.spike ? [...columns, 'spike'] : columns);
      pop.simulate(duration);
      const chunk = monitor.chunks()[0]!;

      const out = createWriteStream(opts.out);
      out.write(['t', ...columns].join(',') + '\n');
      const voltage = model.stateVariables[0]!;
      const peak = opts.spikePeak === 'none' ? undefined : parseNumber(opts.spikePeak, '--spike-peak');
      const drawn = peak !== undefined && resetsAtSpike(model);
      const traces = columns.map((c) => (drawn && c === voltage ? drawSpikes(chunk.values.get(c)!, chunk.spikes[0]!, dt, peak) : chunk.values.get(c)!));
      let block: string[] = [];
      for (let r = 0; r < chunk.rows; r++) {
        block.push([formatTime(chunk.times[r]!), ...traces.map((tr) => String(tr[r]))].join(','));
        if (block.length === 10000) {
          if (!out.write(block.join('\n') + '\n')) await once(out, 'drain');
          block = [];
        }
      }
      if (block.length > 0) out.write(block.join('\n') + '\n');
      out.end();
      await once(out, 'finish');
      const spikes = model.spec.spike ? Array.from(chunk.spikes[0]!) : [];
      if (opts.spikes) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(opts.spikes, spikes.map((t) => String(t)).join('\n') + (spikes.length ? '\n' : ''));
      }
      process.stderr.write(`${model.name}: ${duration} ms at dt ${dt} ms, ${chunk.rows} rows -> ${opts.out}` + (model.spec.spike ? `, ${spikes.length} spikes` : '') + (drawn && record.includes(voltage) ? ` (drawn to ${peak} mV in ${voltage})` : '') + '\n');
    });
}

function parseStep(text: string): { amplitude: number; start: number; stop: number } {
  const parts = text.split(':');
  if (parts.length !== 3) throw new UsageError(`--step: expected AMP:START:STOP (e.g. 10:10:90), got '${text}'`);
  const [amplitude, start, stop] = parts.map((p, k) => parseNumber(p, `--step ${['amplitude', 'start', 'stop'][k]}`)) as [number, number, number];
  if (start < 0 || stop <= start) throw new UsageError(`--step: need 0 <= START < STOP, got '${text}'`);
  return { amplitude, start, stop };
}

/** Times are multiples of dt: print without float noise such as 0.30000000000000004. */
function formatTime(t: number): string {
  return String(Number(t.toPrecision(12)));
}
