import { Command } from 'commander';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { OptNeuron, type FitResult, type OptNeuronOptions } from '../fit/opt-neuron.ts';
import { readResultsFile, writeResultsFile } from '../fit/results-file.ts';
import { validateOnSweeps, type Validation } from '../fit/validate.ts';
import { chooseTraceLoss, TRACE_LOSSES, traceFitOptions, type TraceLoss } from '../fit/trace-fit.ts';
import { currentFactor } from '../io/check.ts';
import { samplers } from '../search/registry.ts';
import { GRADIENT_METHODS } from '../gradient/driver.ts';
import { parseMethod, type FitMethod } from '../fit/method.ts';
import { sbiHooks, type PosteriorSummary } from '../fit/posterior-summary.ts';
import { writePosteriorPlot } from '../report/posterior-plot.ts';
import { SBI_TRACE_FEATURES } from '../fit/trace-fit.ts';
import { DENSITY_ESTIMATORS, type DensityEstimatorName } from '../sbi/npe.ts';

// fit/ may not import plot/: an sbi fit's pair plot is drawn by report/, installed here
sbiHooks.writePlot = writePosteriorPlot;
import { defaultMaxEvals, defaultStarts, FIT_DEFAULTS, plannedEvaluations } from '../fit/defaults.ts';
import { collect, loadModel, parseAssignments, parseNumber } from './args.ts';
import { isModelModule } from '../models/load.ts';
import { importModule } from '../parallel/import-module.ts';
import { UsageError } from './errors.ts';
import { writeHistoryCsv } from '../fit/history-csv.ts';
import { example } from './help.ts';
import { addRecordingInputOptions, csvOptions, loadRecordingInputs, type CsvFlags } from './recording-input.ts';
import { progressBar, terminalRestore } from './progress.ts';
import { interruptMessage, onInterrupt } from '../fit/results-writer.ts';
import { countFitted } from '../fit/variables.ts';

interface CommonOptions {
  method?: string;
  maxEvals?: string;
  maxSeconds?: string;
  workers?: string;
  seed: string;
  out?: string;
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  batchSize?: string;
  iters?: string;
  lr?: string;
  miniBatch?: string;
  starts?: string;
  report?: boolean;
  historyCsv?: string;
  estimator?: string;
  rounds?: string;
}

/** '3000 for cmaes, 2000 per fitted parameter (at least 3000) for auto': the methods with evaluation defaults of their own. */
function methodEvals(): string {
  return Object.entries(FIT_DEFAULTS.maxEvals)
    .map(([m, n]) => {
      const per = FIT_DEFAULTS.maxEvalsPerParameter[m];
      return per === undefined ? `${n} for ${m}` : `${per} per fitted parameter (at least ${n}; it stops earlier when converged) for ${m}`;
    })
    .join(', ');
}

/** The method string taken apart, or a UsageError listing the valid ones. */
function fitMethod(method: string): FitMethod {
  try {
    return parseMethod(method);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function addCommon(cmd: Command, defaultEvals: number): Command {
  return cmd
    .option('--method <m>', `auto (the default: TPE exploration, then CMA-ES), ${Object.keys(samplers).filter((m) => m !== 'auto').join(', ')} (search); ${GRADIENT_METHODS.join(', ')} (gradient); tpe+adam, cmaes+lbfgs, ... (search, then gradient refinement); sbi (simulation-based inference: a posterior, its MAP as the fit; --max-evals simulations, default ${FIT_DEFAULTS.sbiSimulations})`)
    .option('--estimator <e>', `with --method sbi: the density estimator, ${DENSITY_ESTIMATORS.join(', ')} (default maf; nsf for posteriors with several modes)`)
    .option('--rounds <r>', 'with --method sbi: truncated sequential NPE in r rounds of --max-evals/r simulations (default 1)')
    .option('--iters <n>', `gradient steps (default ${FIT_DEFAULTS.iterations})`)
    .option('--lr <rate>', `learning rate of adam, sgd, rmsprop (default ${FIT_DEFAULTS.learningRate})`)
    .option('--mini-batch <k>', 'adam, sgd, rmsprop: each gradient step simulates k of the sweeps, drawn at random (seeded); the first step and the end point use all')
    .option('--starts <n>', `gradient starts, run as one batch (default ${FIT_DEFAULTS.starts}, or ${FIT_DEFAULTS.startsAfterSearch} after a search)`)
    .option('--max-evals <n>', `evaluations in all, resumed ones included (default ${methodEvals()}, else ${defaultEvals})`)
    .option('--max-seconds <s>', 'stop the search after this wall time (the evaluations so far are kept)')
    .option('--workers <n>', `threads evaluating each batch (default: one per core, here ${availableParallelism()}); results do not depend on it`)
    .option('--seed <n>', "seed of the search and the noise (a fit module's seed wins over the default)", String(FIT_DEFAULTS.seed))
    .option('--batch-size <n>', 'parameter sets simulated together per round')
    .option('--resume', 'continue from the results file given by --out, exactly where it stopped (refused if the data, model, bounds, loss or method differ)')
    .option('--force', 'with --resume: accept a results file of a different fit (the differences are printed)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--report', 'also write an HTML report beside the results file (results.html)')
    .option('--history-csv <file.csv>', 'also write every evaluation as CSV (evaluation, loss, lossSd, parameters)');
}

/** An integer option >= 1, or undefined when not given. */
function positiveInteger(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = parseNumber(text, what);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be an integer >= 1, got ${text}`);
  return n;
}

/** Work after the fit whose results join the results file (held-out validation). */
type AfterFit = (result: FitResult) => Promise<Record<string, unknown>>;

/** Where a setting of a fit came from: a flag given on the command line, the fit module, or a default. */
type SettingSource = 'cli' | 'module' | 'default';

/**
 * The settings of one fit with where each came from, as `--json` and the results file record
 * them. A module's value wins over a default; a flag given on the command line wins over the
 * module, and says so on stderr.
 */
class Settings {
  readonly recorded: Record<string, { value: unknown; from: SettingSource }> = {};

  /** `command`: to tell a flag the user gave from commander's default; `module`: the fit module's file name (`fit`), none for `fit-trace`. */
  constructor(private readonly command: Command, readonly module?: string) {}

  /** Whether the user gave the option (commander's key, e.g. 'maxEvals') rather than its default. */
  given(key: string): boolean {
    const source = this.command.getOptionValueSource(key);
    return source !== undefined && source !== 'default';
  }

  /** The value of one setting: the flag's if given, else the module's, else `fallback` (not recorded when undefined). */
  take<T>(name: string, key: string, flag: T | undefined, fromModule: T | undefined, fallback: T): T {
    if (flag !== undefined && this.given(key)) {
      if (this.module !== undefined && fromModule !== undefined && fromModule !== flag) {
        process.stderr.write(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${flag} overrides the module's ${name} ${fromModule}\n`);
      }
      return this.record(name, flag, 'cli');
    }
    if (fromModule !== undefined) return this.record(name, fromModule, 'module');
    return fallback === undefined ? fallback : this.record(name, fallback, 'default');
  }

  private record<T>(name: string, value: T, from: SettingSource): T {
    this.recorded[name] = { value, from };
    return value;
  }
}

async function runFit(options: OptNeuronOptions, common: CommonOptions, settings: Settings, out: string, label: string, defaultEvals: number, afterFit?: AfterFit): Promise<void> {
  // fit-trace builds its options from flags and defaults: they are not a module's
  const mod = <T,>(value: T): T | undefined => (settings.module !== undefined ? value : undefined);
  const method = settings.take('method', 'method', common.method, mod(options.method), FIT_DEFAULTS.method);
  const parsed = fitMethod(method);
  const fittedCount = countFitted(options.variablesBounds);
  const maxEvals = parsed.search
    ? settings.take('maxEvals', 'maxEvals', positiveInteger(common.maxEvals, '--max-evals'), undefined, defaultMaxEvals(parsed, defaultEvals, fittedCount))
    : (positiveInteger(common.maxEvals, '--max-evals') ?? defaultMaxEvals(parsed, defaultEvals, fittedCount));
  let maxSeconds: number | undefined;
  if (common.maxSeconds !== undefined) {
    maxSeconds = parseNumber(common.maxSeconds, '--max-seconds');
    if (!(maxSeconds > 0)) throw new UsageError(`--max-seconds must be > 0, got ${common.maxSeconds}`);
    settings.take('maxSeconds', 'maxSeconds', maxSeconds, undefined, undefined);
  }
  const seed = settings.take('seed', 'seed', parseNumber(common.seed, '--seed'), mod(options.seed), FIT_DEFAULTS.seed);
  let iterations: number | undefined;
  let starts: number | undefined;
  let learningRate: number | undefined;
  if (common.lr !== undefined) {
    learningRate = parseNumber(common.lr, '--lr');
    if (!(learningRate > 0)) throw new UsageError(`--lr must be > 0, got ${common.lr}`);
  }
  if (parsed.refine) {
    iterations = settings.take('iterations', 'iters', positiveInteger(common.iters, '--iters'), mod(options.iterations), FIT_DEFAULTS.iterations);
    starts = settings.take('starts', 'starts', positiveInteger(common.starts, '--starts'), mod(options.starts), defaultStarts(parsed));
    if (!['lbfgs', 'lm'].includes(parsed.refine)) learningRate = settings.take('learningRate', 'lr', learningRate, mod(options.learningRate), FIT_DEFAULTS.learningRate);
  } else {
    // a search alone takes no gradient steps; values given anyway still reach OptNeuron's checks
    iterations = positiveInteger(common.iters, '--iters') ?? options.iterations;
    starts = positiveInteger(common.starts, '--starts') ?? options.starts;
    learningRate ??= options.learningRate;
  }
  const miniBatch = parsed.refine
    ? settings.take('miniBatch', 'miniBatch', positiveInteger(common.miniBatch, '--mini-batch'), mod(options.miniBatch), undefined)
    : (positiveInteger(common.miniBatch, '--mini-batch') ?? options.miniBatch);
  const batchSize = settings.take('batchSize', 'batchSize', positiveInteger(common.batchSize, '--batch-size'), mod(options.batchSize), undefined);
  const workers = settings.take('workers', 'workers', positiveInteger(common.workers, '--workers'), mod(options.workers), availableParallelism());
  let sbi = options.sbi;
  if (common.estimator !== undefined || common.rounds !== undefined) {
    if (!parsed.sbi) throw new UsageError('--estimator and --rounds go with --method sbi');
    if (common.estimator !== undefined && !(DENSITY_ESTIMATORS as readonly string[]).includes(common.estimator)) {
      throw new UsageError(`--estimator must be one of ${DENSITY_ESTIMATORS.join(', ')}, got ${common.estimator}`);
    }
    const densityEstimator = settings.take('densityEstimator', 'estimator', common.estimator as DensityEstimatorName | undefined, mod(options.sbi?.densityEstimator), undefined);
    const rounds = settings.take('rounds', 'rounds', positiveInteger(common.rounds, '--rounds'), mod(options.sbi?.rounds), undefined);
    sbi = { ...options.sbi, ...(densityEstimator ? { densityEstimator } : {}), ...(rounds ? { rounds } : {}) };
  }
  settings.take('timeStep', 'dt', options.timeStep, mod(options.timeStep), options.timeStep ?? FIT_DEFAULTS.timeStep);
  let opt: OptNeuron;
  try {
    opt = new OptNeuron({ ...options, method, iterations, starts, learningRate, seed, batchSize, workers, ...(miniBatch !== undefined ? { miniBatch } : {}), ...(sbi ? { sbi } : {}) });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^OptNeuron: /, ''));
  }
  const total = plannedEvaluations(parsed, { maxEvals, iterations, starts });
  if (common.force && !common.resume) throw new UsageError('--force goes with --resume (it accepts a results file of a different fit)');
  const unit = parsed.sbi ? 'simulations' : parsed.refine ? (parsed.search ? 'evaluations + gradient steps' : 'gradient steps') : 'evaluations';
  const bar = progressBar(total, label, unit);
  // a signal: the bar stops and the terminal gets its cursor and line wrap back before the message
  onInterrupt((_signal, saved) => {
    bar.stop();
    process.stderr.write(terminalRestore(process.stderr.isTTY) + '\n' + interruptMessage(saved, '--resume'));
  });
  let result: FitResult;
  const started = performance.now();
  try {
    result = await opt.run({ maxEvals, maxSeconds, resultsFile: out, resume: common.resume, force: common.force, settings: settings.recorded, onProgress: (p) => bar.update(p.evaluations, p.bestLoss) });
  } finally {
    bar.stop();
    onInterrupt(undefined);
  }
  const seconds = (performance.now() - started) / 1000;
  const extra = afterFit ? await afterFit(result) : {};
  if (Object.keys(extra).length > 0) writeResultsFile(out, { ...readResultsFile(out), ...extra });
  if (common.historyCsv) writeHistoryCsv(common.historyCsv, result.history, opt.variables.fitted.map((f) => f.name));
  let reportPath: string | undefined;
  if (common.report) {
    const { writeReport } = await import('../report/report.ts');
    const { defaultReportPath } = await import('./report.ts');
    reportPath = defaultReportPath(out);
    await writeReport(out, reportPath);
  }
  if (common.json) {
    const { params, loss, lossSd, method, evaluations, gradientEvaluations, iterations, stopReason, timeSteps, history } = result;
    const { validationRecordings: _traces, ...summary } = extra;
    const posterior = result.posterior ? (({ samples: _s, ...p }) => p)(result.posterior) : undefined;
    process.stdout.write(JSON.stringify({ params, loss, lossSd, method, evaluations, gradientEvaluations, iterations, stopReason, timeSteps, settings: settings.recorded, ...summary, ...(posterior ? { posterior } : {}), history, resultsFile: out, report: reportPath }) + '\n');
    return;
  }
  const fitted = new Set(opt.variables.fitted.map((f) => f.name));
  process.stdout.write(`${label}: ${workDone(result)} (${result.method}) in ${result.elapsedSeconds.toFixed(1)} s${common.resume ? ` (${seconds.toFixed(1)} s since resumed)` : ''}, best loss ${result.loss.toPrecision(6)}` + (result.lossSd > 0 ? ` ± ${result.lossSd.toPrecision(3)}` : '') + '\n');
  process.stdout.write(`  settings: ${Object.entries(settings.recorded).map(([name, s]) => `${name} ${s.value} (${s.from})`).join(', ')}\n`);
  process.stdout.write(`  stopped: ${Object.entries(result.stopReason).map(([part, why]) => `${why} (${part})`).join(', ')}\n`);
  const steps = result.timeSteps;
  if (steps) {
    const confirmed = steps.fineLoss !== undefined ? `; confirmed at ${steps.fine} ms: loss ${steps.searchLoss!.toPrecision(4)} -> ${steps.fineLoss.toPrecision(4)}${steps.refined ? ` (refined, ${steps.confirmEvaluations} evaluations)` : ''}` : '';
    process.stdout.write(`  time step: searched at ${steps.search} ms (${steps.why})${confirmed}\n`);
  }
  for (const [k, v] of Object.entries(result.params)) process.stdout.write(`  ${k} = ${Number(v.toPrecision(6))}${fitted.has(k) ? '' : '  (held)'}\n`);
  if (result.posterior) printPosterior(result.posterior, out);
  const validation = extra.validation as Validation | undefined;
  if (validation) {
    for (const s of validation.sweeps) {
      process.stdout.write(`  held out ${s.name}: Γ ${s.gamma.toFixed(3)}, spikes ${s.modelSpikes} vs ${s.dataSpikes}, subthreshold RMSE ${s.subthresholdRmse === null ? '-' : s.subthresholdRmse.toFixed(2) + ' mV'}\n`);
    }
  }
  process.stdout.write(`results: ${out}\n`);
  if (common.historyCsv) process.stdout.write(`history: ${common.historyCsv}\n`);
  if (reportPath) process.stdout.write(`report: ${reportPath}\n`);
}

/** The posterior of an sbi fit: a table, the acceptance rate, training and calibration. */
function printPosterior(p: PosteriorSummary, out: string): void {
  const w = Math.max(9, ...p.names.map((n) => n.length));
  const f = (x: number) => Number(x.toPrecision(4)).toString().padStart(10);
  const how = `${p.estimator}${p.rounds > 1 ? `, ${p.rounds} rounds` : ''}`;
  process.stdout.write(`  posterior (${how}; ${p.samples.length} draws at x_o; fit = its MAP):\n`);
  process.stdout.write(`    ${'parameter'.padEnd(w)} ${'mean'.padStart(10)} ${'sd'.padStart(10)} ${'5 %'.padStart(10)} ${'50 %'.padStart(10)} ${'95 %'.padStart(10)}\n`);
  p.names.forEach((n, i) => process.stdout.write(`    ${n.padEnd(w)} ${f(p.mean[i]!)} ${f(p.sd[i]!)} ${f(p.q05[i]!)} ${f(p.q50[i]!)} ${f(p.q95[i]!)}\n`));
  process.stdout.write(`  acceptance ${(100 * p.acceptanceRate).toFixed(1)} % (draws inside the prior); ${p.simulations} simulations (${p.invalidSimulations} invalid dropped), ${p.epochs} epochs${p.rounds > 1 ? ' (last round)' : ''} in ${p.trainSeconds.toFixed(1)} s (${p.stopReason})\n`);
  if (p.coverage) process.stdout.write(`  coverage: ${p.coverage.message}\n`);
  process.stdout.write(`  pair plot: ${join(dirname(out), 'posterior.svg')}\n`);
}

/** "30 evaluations + 5 gradient steps (12 evaluations, counted apart)": the search's count stays within --max-evals. */
function workDone(r: FitResult): string {
  const steps = `${r.iterations} gradient step${r.iterations === 1 ? '' : 's'} (${r.gradientEvaluations} evaluation${r.gradientEvaluations === 1 ? '' : 's'}`;
  if (!r.stopReason.gradient) return `${r.evaluations} evaluations`;
  if (!r.stopReason.search) return `${steps})`;
  return `${r.evaluations} evaluations + ${steps}, counted apart)`;
}

/** `neurofit fit <module>`: the module default-exports OptNeuron options. */
export function fitCommand(): Command {
  return addCommon(
    new Command('fit')
      .description('run the fit whose OptNeuron options a .ts/.js module default-exports')
      .argument('<module>', 'experiment module (TypeScript runs directly)')
      .option('--out <file.json>', 'results file (default: results/<module>.json)')
      .addHelpText('after', example('neurofit fit examples/hh-to-izhikevich.fit.ts --max-evals 300', 'in a clone of the neurofit repository')),
    FIT_DEFAULTS.commandMaxEvals.fit,
  ).action(async (modulePath: string, opts: CommonOptions, command: Command) => {
    const file = resolve(modulePath);
    if (!existsSync(file)) throw new UsageError(`no such file: ${modulePath}`);
    const mod = await importModule(file);
    let options = mod.default;
    if (typeof options === 'function') options = await (options as () => unknown)();
    if (!options || typeof options !== 'object' || !('neuronModel' in options)) {
      throw new UsageError(`${modulePath} must default-export the OptNeuron options ({ experiment, getLoss, variablesBounds, neuronModel, ... })`);
    }
    const out = opts.out ?? `results/${basename(modulePath).replace(/\.[^.]+$/, '')}.json`;
    // worker threads import the same module and build the same options
    await runFit({ source: { module: file }, ...(options as OptNeuronOptions) }, opts, new Settings(command, basename(modulePath)), out, basename(modulePath), FIT_DEFAULTS.commandMaxEvals.fit);
  });
}

interface FitTraceOptions extends CommonOptions, CsvFlags {
  model: string;
  data: string[];
  validate: string[];
  fit: string;
  bounds: string[];
  set: string[];
  dt?: string;
  loss: string;
  threshold: string;
  features?: string;
  stimStart?: string;
  stimEnd?: string;
  currentUnit?: string;
}

/** `neurofit fit-trace`: fit a model to recorded current-clamp sweeps (ABF, NWB, Igor or CSV). */
export function fitTraceCommand(): Command {
  const cmd = new Command('fit-trace')
    .description('fit a model to recorded current-clamp sweeps (ABF, NWB, Igor waves or CSV with columns t [ms], I, v [mV]), jointly')
    .requiredOption('--model <name>', 'built-in model name, or a .ts module exporting a model');
  const inputs = addRecordingInputOptions(cmd, { required: true, validate: true });
  return addCommon(
    cmd
      .requiredOption('--fit <a,b,...>', 'parameters to fit')
      .option('--bounds <p=lo:hi>', 'search bounds (repeatable or comma-separated; default: the model\'s typical ranges)', collect, [])
      .option('--set <p=value>', 'hold a parameter at a value (repeatable or comma-separated)', collect, [])
      .option('--dt <ms>', "integration step, or 'auto' (the default for searches: search at the coarsest step that keeps spike times, confirm the best points at about 0.005 ms; gradient methods alone: 0.01 ms)")
      .option('--loss <kind>', `loss per sweep: auto (the default: sweep for steps, coincidence for any other current); ${Object.entries(TRACE_LOSSES).map(([k, v]) => `${k} (${v})`).join('; ')}`, 'auto')
      .option('--threshold <mV>', 'spike detection threshold on the recorded voltage', '-20')
      .option('--features <a,b,...>', `eFEL features for --loss features; with --method sbi, the summary statistics of every sweep (default ${SBI_TRACE_FEATURES.join(',')})`)
      .option('--stim-start <ms>', 'stimulus onset for --loss features (default: where the current changes)')
      .option('--stim-end <ms>', 'stimulus offset for --loss features')
      .option('--current-unit <unit>', "CSV: unit of the file's current (fA, pA, nA, uA): converted to the model's current unit (ABF, NWB and Igor files state theirs)")
      .requiredOption('--out <file.json>', 'results file')
      .addHelpText('after', example('neurofit fit-trace --model izhikevich --data trace.csv --fit a,b,d --max-evals 200 --out fit.json', 'trace.csv from neurofit simulate --help')),
    FIT_DEFAULTS.commandMaxEvals['fit-trace'],
  ).action(async (opts: FitTraceOptions, command: Command) => {
    const model = await loadModel(opts.model);
    if (opts.loss !== 'auto' && !(opts.loss in TRACE_LOSSES)) throw new UsageError(`--loss: unknown loss '${opts.loss}' (choose from auto, ${Object.keys(TRACE_LOSSES).join(', ')})`);
    let currentScale = parseNumber(opts.currentScale, '--current-scale');
    if (opts.currentUnit !== undefined) {
      const modelUnit = model.spec.units['I'];
      if (!modelUnit) throw new UsageError(`--current-unit: model ${model.name} declares no unit for I; scale the current with --current-scale`);
      const factor = currentFactor(opts.currentUnit, modelUnit);
      if (factor === undefined) throw new UsageError(`--current-unit: cannot convert ${opts.currentUnit} to ${model.name}'s ${modelUnit} (plain current units: fA, pA, nA, uA, mA, A); scale it with --current-scale`);
      if (opts.currentScale !== '1') throw new UsageError('give --current-unit or --current-scale, not both');
      currentScale = factor;
      if (factor !== 1) process.stderr.write(`neurofit: the current is converted from ${opts.currentUnit} to ${modelUnit} (×${factor})\n`);
    }
    const csv = csvOptions(opts, currentScale);
    const load = (role: 'data' | 'validate') => loadRecordingInputs(inputs, role, csv, model.spec.units['I']);
    const sweeps = await load('data');
    const bounds: Record<string, [number, number]> = {};
    for (const item of opts.bounds.flatMap((b) => b.split(',')).filter(Boolean)) {
      const m = /^\s*([A-Za-z_]\w*)\s*=\s*([^:]+):(.+)$/.exec(item);
      if (!m) throw new UsageError(`--bounds: expected p=LO:HI, got '${item}'`);
      bounds[m[1]!] = [parseNumber(m[2]!, `--bounds ${m[1]} low`), parseNumber(m[3]!, `--bounds ${m[1]} high`)];
    }
    // undefined: traceFitOptions decides ('auto' for a search, the fine step for gradient fitting alone)
    let dt: number | 'auto' | undefined = opts.dt === 'auto' ? 'auto' : undefined;
    if (opts.dt !== undefined && opts.dt !== 'auto') {
      dt = parseNumber(opts.dt, '--dt');
      if (dt <= 0) throw new UsageError(`--dt must be > 0 ms or 'auto', got ${dt}`);
    }
    const method = opts.method ?? FIT_DEFAULTS.method;
    if (fitMethod(method).refine && !['auto', 'sweep', 'coincidence', 'mse'].includes(opts.loss) && method !== 'lm') {
      throw new UsageError(`--method ${method} needs a differentiable loss: --loss auto, sweep, coincidence or mse`);
    }
    let options: OptNeuronOptions;
    try {
      options = traceFitOptions({
        model,
        sweeps,
        fit: opts.fit.split(',').map((s) => s.trim()).filter(Boolean),
        bounds,
        set: parseAssignments(opts.set),
        loss: opts.loss as TraceLoss | 'auto',
        threshold: parseNumber(opts.threshold, '--threshold'),
        features: opts.features?.split(',').map((s) => s.trim()).filter(Boolean),
        stimStart: opts.stimStart !== undefined ? parseNumber(opts.stimStart, '--stim-start') : undefined,
        stimEnd: opts.stimEnd !== undefined ? parseNumber(opts.stimEnd, '--stim-end') : undefined,
        timeStep: dt,
        method,
        modelModule: isModelModule(opts.model) ? resolve(opts.model) : undefined,
        onWarning: (message) => process.stderr.write(`neurofit: warning: ${message}\n`),
      }) as OptNeuronOptions;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const held = await load('validate');
    const validate: AfterFit | undefined =
      held.length > 0
        ? async (result) => {
            const { recordings, ...validation } = await validateOnSweeps(model, result.params, held, { timeStep: result.timeSteps?.fine ?? (options.timeStep as number), threshold: parseNumber(opts.threshold, '--threshold') });
            // the traces go to the results file and the report, not into --json's summary
            return { validation, validationRecordings: recordings };
          }
        : undefined;
    const settings = new Settings(command);
    // the loss 'auto' picked is said, beside the other settings, in the summary and the results file
    settings.take('loss', 'loss', opts.loss === 'auto' ? undefined : opts.loss, undefined, chooseTraceLoss(sweeps).loss);
    await runFit(options, opts, settings, opts.out!, `fit-trace ${model.name}`, FIT_DEFAULTS.commandMaxEvals['fit-trace'], validate);
  });
}
