import { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { OptNeuron, type FitResult, type OptNeuronOptions } from '../fit/opt-neuron.ts';
import { traceFitOptions } from '../fit/trace-fit.ts';
import { readSweepCsv } from '../data/csv.ts';
import { samplers } from '../search/registry.ts';
import { collect, loadModel, parseAssignments, parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { progressBar } from './progress.ts';

interface CommonOptions {
  method?: string;
  maxEvals: string;
  seed: string;
  out?: string;
  resume?: boolean;
  json?: boolean;
  batchSize?: string;
}

function addCommon(cmd: Command, defaultEvals: string): Command {
  return cmd
    .option('--method <m>', `search method (${Object.keys(samplers).join(', ')})`)
    .option('--max-evals <n>', 'evaluations in all (resumed ones included)', defaultEvals)
    .option('--seed <n>', 'seed of the search and the noise', '0')
    .option('--batch-size <n>', 'parameter sets simulated together per round')
    .option('--resume', 'continue from the results file given by --out')
    .option('--json', 'print the result as JSON on stdout');
}

async function runFit(options: OptNeuronOptions, common: CommonOptions, out: string, label: string): Promise<void> {
  const maxEvals = parseNumber(common.maxEvals, '--max-evals');
  if (!Number.isInteger(maxEvals) || maxEvals < 1) throw new UsageError(`--max-evals must be an integer >= 1, got ${common.maxEvals}`);
  if (common.method !== undefined && !samplers[common.method]) throw new UsageError(`--method: unknown method '${common.method}' (use ${Object.keys(samplers).join(', ')})`);
  const opt = new OptNeuron({
    ...options,
    method: common.method ?? options.method,
    seed: parseNumber(common.seed, '--seed'),
    batchSize: common.batchSize !== undefined ? parseNumber(common.batchSize, '--batch-size') : options.batchSize,
  });
  const bar = progressBar(maxEvals, label);
  let result: FitResult;
  const started = performance.now();
  try {
    result = await opt.run({ maxEvals, resultsFile: out, resume: common.resume, onProgress: (p) => bar.update(p.evaluations, p.bestLoss) });
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (common.json) {
    const { params, loss, lossSd, method, evaluations, history } = result;
    process.stdout.write(JSON.stringify({ params, loss, lossSd, method, evaluations, history, resultsFile: out }) + '\n');
    return;
  }
  const fitted = new Set(opt.variables.fitted.map((f) => f.name));
  process.stdout.write(`${label}: ${result.evaluations} evaluations (${result.method}) in ${seconds.toFixed(1)} s, best loss ${result.loss.toPrecision(6)}` + (result.lossSd > 0 ? ` ± ${result.lossSd.toPrecision(3)}` : '') + '\n');
  for (const [k, v] of Object.entries(result.params)) process.stdout.write(`  ${k} = ${Number(v.toPrecision(6))}${fitted.has(k) ? '' : '  (held)'}\n`);
  process.stdout.write(`results: ${out}\n`);
}

/** `neurofit fit <module>`: the module default-exports OptNeuron options. */
export function fitCommand(): Command {
  return addCommon(
    new Command('fit')
      .description('run the fit whose OptNeuron options a .ts/.js module default-exports')
      .argument('<module>', 'experiment module (TypeScript runs directly)')
      .option('--out <file.json>', 'results file (default: results/<module>.json)'),
    '100',
  ).action(async (modulePath: string, opts: CommonOptions) => {
    const file = resolve(modulePath);
    if (!existsSync(file)) throw new UsageError(`no such file: ${modulePath}`);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    let options = mod.default;
    if (typeof options === 'function') options = await (options as () => unknown)();
    if (!options || typeof options !== 'object' || !('neuronModel' in options)) {
      throw new UsageError(`${modulePath} must default-export the OptNeuron options ({ experiment, getLoss, variablesBounds, neuronModel, ... })`);
    }
    const out = opts.out ?? `results/${basename(modulePath).replace(/\.[^.]+$/, '')}.json`;
    await runFit(options as OptNeuronOptions, opts, out, basename(modulePath));
  });
}

interface FitTraceOptions extends CommonOptions {
  model: string;
  data: string[];
  fit: string;
  bounds: string[];
  set: string[];
  dt?: string;
  loss: string;
  threshold: string;
  tCol: string;
  iCol: string;
  vCol: string;
}

/** `neurofit fit-trace`: fit a model to recorded current-clamp sweeps (CSV: t, I, v). */
export function fitTraceCommand(): Command {
  return addCommon(
    new Command('fit-trace')
      .description('fit a model to recorded current-clamp sweeps (CSV with columns t [ms], I, v [mV]), jointly')
      .requiredOption('--model <name>', 'built-in model name, or a .ts module exporting a model')
      .requiredOption('--data <file.csv>', 'a sweep (repeatable: several sweeps of one cell, fitted jointly)', collect, [])
      .requiredOption('--fit <a,b,...>', 'parameters to fit')
      .option('--bounds <p=lo:hi>', 'search bounds (repeatable or comma-separated; default: the model\'s typical ranges)', collect, [])
      .option('--set <p=value>', 'hold a parameter at a value (repeatable or comma-separated)', collect, [])
      .option('--dt <ms>', 'integration step (default: 0.01 ms, or the sampling interval if smaller)')
      .option('--loss <kind>', "'sweep' (spike counts, spike times and subthreshold voltage) or 'mse'", 'sweep')
      .option('--threshold <mV>', 'spike detection threshold on the recorded voltage', '-20')
      .option('--t-col <name>', 'time column', 't')
      .option('--i-col <name>', 'current column', 'I')
      .option('--v-col <name>', 'voltage column', 'v')
      .requiredOption('--out <file.json>', 'results file'),
    '200',
  ).action(async (opts: FitTraceOptions) => {
    const model = await loadModel(opts.model);
    if (opts.loss !== 'sweep' && opts.loss !== 'mse') throw new UsageError(`--loss must be 'sweep' or 'mse', got '${opts.loss}'`);
    const sweeps = opts.data.map((f) => {
      try {
        return readSweepCsv(f, { t: opts.tCol, I: opts.iCol, v: opts.vCol });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    });
    const bounds: Record<string, [number, number]> = {};
    for (const item of opts.bounds.flatMap((b) => b.split(',')).filter(Boolean)) {
      const m = /^\s*([A-Za-z_]\w*)\s*=\s*([^:]+):(.+)$/.exec(item);
      if (!m) throw new UsageError(`--bounds: expected p=LO:HI, got '${item}'`);
      bounds[m[1]!] = [parseNumber(m[2]!, `--bounds ${m[1]} low`), parseNumber(m[3]!, `--bounds ${m[1]} high`)];
    }
    let dt: number | undefined;
    if (opts.dt !== undefined) {
      dt = parseNumber(opts.dt, '--dt');
      if (dt <= 0) throw new UsageError(`--dt must be > 0 ms, got ${dt}`);
    }
    let options: OptNeuronOptions;
    try {
      options = traceFitOptions({
        model,
        sweeps,
        fit: opts.fit.split(',').map((s) => s.trim()).filter(Boolean),
        bounds,
        set: parseAssignments(opts.set),
        loss: opts.loss as 'sweep' | 'mse',
        threshold: parseNumber(opts.threshold, '--threshold'),
        timeStep: dt,
      }) as OptNeuronOptions;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    await runFit(options, opts, opts.out!, `fit-trace ${model.name}`);
  });
}
