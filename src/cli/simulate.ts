import { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Population } from '../sim/population.ts';
import { Monitor } from '../sim/monitor.ts';
import { step, sum, type Input } from '../sim/inputs.ts';
import { METHODS, type Method } from '../model/types.ts';
import { collect, loadModel, parseAssignments, parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { readResultsFile, type ResultsFile } from '../fit/results-file.ts';
import { drawSpikes, resetsAtSpike } from '../io/draw-spikes.ts';
import { example } from './help.ts';

interface SimulateOptions {
  model?: string;
  params?: string;
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
    .option('--model <name>', "built-in model name, or a .ts module exporting a model (default with --params: the fit's model)")
    .option('--params <results.json>', "the best parameters of a fit (its results file), e.g. to re-simulate it on a new stimulus; --set overrides single values")
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
      const fitted = opts.params ? fittedParameters(opts.params) : undefined;
      const modelName = opts.model ?? fitted?.model;
      if (!modelName) throw new UsageError('--model: name the model (a built-in name or a .ts module), or give --params with a fit of a built-in model');
      const model = await loadModel(modelName);
      const dt = parseNumber(opts.dt, '--dt');
      if (dt <= 0) throw new UsageError(`--dt must be > 0 ms, got ${dt}`);
      if (opts.method !== undefined && !(METHODS as string[]).includes(opts.method)) {
        throw new UsageError(`--method: unknown method '${opts.method}' (use ${METHODS.join(', ')})`);
      }
      const given = parseAssignments(opts.set);
      const params = { ...fittedParameterValues(fitted, model.parameterNames), ...given };
      if (fitted) {
        const overridden = Object.keys(given).filter((p) => p in fitted.params);
        process.stderr.write(`parameters from ${opts.params} (best of the ${fitted.model} fit, loss ${fitted.loss})` + (overridden.length ? `; --set overrides ${overridden.join(', ')}` : '') + '\n');
      }
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
      // a fit may have fitted initial values (a state variable in variablesBounds)
      const initial = fitted ? Object.fromEntries(Object.entries(fitted.params).filter(([p]) => model.stateVariables.includes(p))) : {};
      if (Object.keys(initial).length > 0) pop.setInitial(initial);
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

/** The best parameters of a results file, with the fit's model name. */
function fittedParameters(path: string): { model: string; params: Record<string, number>; loss: string } {
  let file: ResultsFile;
  try {
    file = readResultsFile(path, 'read --params');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!file.params) throw new UsageError(`--params: ${path} holds no successful evaluation yet (status ${file.status})`);
  return { model: file.model, params: file.params, loss: file.loss === null ? 'none' : String(Number(file.loss.toPrecision(4))) };
}

/** The fitted values that are parameters of `model` (a fit's file also holds helper entries and initial values). */
function fittedParameterValues(fitted: { params: Record<string, number> } | undefined, names: readonly string[]): Record<string, number> {
  if (!fitted) return {};
  return Object.fromEntries(Object.entries(fitted.params).filter(([p]) => names.includes(p)));
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
