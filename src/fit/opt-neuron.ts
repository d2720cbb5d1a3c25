import type { NeuronModel } from '../model/neuron.ts';
import { Population } from '../sim/population.ts';
import { Experiment } from '../experiment/experiment.ts';
import type { Results } from '../experiment/results.ts';
import { samplers } from '../search/registry.ts';
import { uniform, validateSpace, type Point, type Space } from '../search/space.ts';
import type { Sampler } from '../search/sampler.ts';
import { Variables, type VariablesBounds } from './variables.ts';
import { ResultsWriter } from './results-writer.ts';
import { readResultsFile, type Evaluation, type RecordingsJson, type ResultsFile } from './results-file.ts';
import { GRADIENT_METHODS, runGradient, startingPoints, type GradientMethod, type ResidualSpec } from '../gradient/driver.ts';
import type { Callback } from '../gradient/callbacks.ts';
import type { Transform } from '../gradient/transforms.ts';
import type { ParameterKind } from '../gradient/parameters.ts';

import { WorkerPool } from '../parallel/pool.ts';
import { siblingModule } from '../parallel/module-url.ts';
import type { OptionsSource } from '../parallel/source.ts';
import { toNumber, type LossValue } from '../loss/value.ts';

/**
 * `getLoss(ist, soll)`: `ist` is one parameter set's `Results`, `soll` is
 * `resultsSoll` or the target model's `Results` of the same experiment.
 */
export type GetLoss<Soll = unknown> = (ist: Results, soll: Soll) => LossValue | Promise<LossValue>;

export interface OptNeuronOptions<Soll = unknown> {
  /** The protocol: an Experiment instance, or a class constructed without arguments. */
  experiment: Experiment | (new () => Experiment);
  getLoss: GetLoss<Soll>;
  /** `[lo, hi]` (either order) to fit, a number to hold, or an expression of other entries (`'x + dxy'`). */
  variablesBounds: VariablesBounds;
  neuronModel: NeuronModel;
  /** Target data handed to getLoss. Exactly one of resultsSoll and targetNeuronModel. */
  resultsSoll?: Soll;
  /** A model whose run of the same experiment is the target (model reduction). */
  targetNeuronModel?: NeuronModel;
  /** Parameters of the target model other than its defaults. */
  targetParameters?: Record<string, number>;
  /** Integration step (ms). Default 0.1. */
  timeStep?: number;
  /** Repetitions per loss with different noise; the loss is their mean, its SD is reported. Default 1. */
  numRepLoss?: number;
  /**
   * 'auto' (the default: TPE exploration, then CMA-ES; see {@link AutoSampler}), 'tpe' (opt_neuron's hyperopt), 'cmaes' or 'random' (black-box search); 'adam', 'sgd', 'rmsprop', 'lbfgs',
   * 'lm' (gradient fitting with exact sensitivities); 'tpe+adam' (or tpe+lbfgs, ...):
   * search for `maxEvals`, then refine the best points by gradient.
   */
  method?: string;
  /** Gradient steps (iterations of L-BFGS / LM). Default 100. */
  iterations?: number;
  /** Step size of Adam/SGD/RMSProp in the transformed (unconstrained) parameters. Default 0.05. */
  learningRate?: number;
  /** Per-parameter learning rates. */
  learningRates?: Record<string, number>;
  /** Starts of gradient fitting, run as one batch (Adam/SGD/RMSProp). Default 1 (3 after a search). */
  starts?: number;
  /** Where gradient fitting starts (default: the middle of the bounds; further starts drawn inside them). */
  initialParams?: Record<string, number>;
  /** Transforms other than sigmoid-for-bounds, by parameter (log, custom, ...). */
  transforms?: Record<string, Transform>;
  /** Parameter kinds for gradient fitting: 'bounded' (default), 'normalized', 'free', 'masked'. */
  kinds?: Record<string, ParameterKind>;
  /** Called after each gradient step; one returning true stops the fit. */
  callbacks?: Callback[];
  /** Trace residuals for method 'lm': weight * (trace - target) per sample. */
  residuals?: (ist: Results, soll: Soll) => ResidualSpec[];
  /** A search space for (some of) the fitted variables instead of uniform bounds. */
  fvSpace?: Space;
  /** Variables every run records, in addition to what the experiment records. */
  record?: string[];
  recordingPeriod?: number;
  /** Seeds the search and the noise. Default 0. */
  seed?: number;
  /** Print a line per round. */
  verbose?: boolean;
  /** Parameter sets simulated together per round. Default: a CMA-ES generation (auto, cmaes), else 8. */
  batchSize?: number;
  /**
   * Threads that evaluate each batch of a search, this one included (default 1: this thread
   * alone). Results are identical to one thread's. Workers build the options again from `source`.
   */
  workers?: number;
  /** The module that builds these options, for worker threads (see {@link OptionsSource}). */
  source?: OptionsSource;
  /** The target as recordings (the shape of `Results.toJSON()`), kept in the results file for reports when `resultsSoll` is data. */
  targetRecordings?: RecordingsJson;
}

export interface RunOptions {
  /** Total evaluations of a search (resumed ones included). Not needed by gradient methods alone. */
  maxEvals?: number;
  /** Stop the search after this wall time (s), keeping every evaluation so far; gradient refinement still follows. */
  maxSeconds?: number;
  /** JSON kept current as the fit goes (at most about once a second; at once on errors, SIGINT and SIGTERM), so an interrupted fit keeps what it evaluated. */
  resultsFile?: string;
  /** Continue from `resultsFile`. */
  resume?: boolean;
  onProgress?: (p: { evaluations: number; maxEvals: number; bestLoss: number }) => void;
}

export interface FitResult {
  /** Best values of every variable: fitted, constant and computed. */
  params: Record<string, number>;
  loss: number;
  lossSd: number;
  method: string;
  seed: number;
  evaluations: number;
  /** Gradient steps taken (0 for a search alone). */
  iterations: number;
  history: Evaluation[];
  /** The experiment run with the best parameters. */
  results: Results;
  /** `resultsSoll`, or the target model's results. */
  target: unknown;
}

/**
 * Fits a neuron model's parameters so that an experiment reproduces target data or a
 * target model (CompNeuroPy's opt_neuron). Each round, the sampler's suggestions and
 * their repetitions run as one batched population through the user's unchanged `run()`.
 */
export class OptNeuron<Soll = unknown> {
  readonly variables: Variables;
  readonly method: string;
  readonly seed: number;
  private readonly experiment: Experiment;
  private readonly space: Space;
  private readonly timeStep: number;
  private readonly numRepLoss: number;
  private readonly workers: number;
  private pool: WorkerPool<Point, Evaluation> | undefined;
  private poolStart: Promise<WorkerPool<Point, Evaluation>> | undefined;
  private poolError: Error | undefined;
  private targetCache: Promise<Target<Soll>> | undefined;

  constructor(readonly options: OptNeuronOptions<Soll>) {
    const o = options;
    if (!o.neuronModel || typeof o.neuronModel.kernel !== 'function') throw new Error('OptNeuron: neuronModel must be a model from defineNeuron()');
    const hasSoll = o.resultsSoll !== undefined;
    const hasTarget = o.targetNeuronModel !== undefined;
    if (hasSoll === hasTarget) {
      throw new Error(`OptNeuron: give exactly one of resultsSoll and targetNeuronModel (got ${hasSoll ? 'both' : 'neither'})`);
    }
    if (typeof o.getLoss !== 'function') throw new Error('OptNeuron: getLoss must be a function (ist, soll) => loss');
    this.experiment = o.experiment instanceof Experiment ? o.experiment : instantiate(o.experiment);
    this.variables = new Variables(o.variablesBounds, o.neuronModel);
    this.method = o.method ?? 'auto';
    const [search, refine] = splitMethod(this.method);
    if ((search && !samplers[search]) || (refine && !GRADIENT_METHODS.includes(refine as GradientMethod)) || (!search && !refine)) {
      const known = [...Object.keys(samplers), ...GRADIENT_METHODS, ...GRADIENT_METHODS.map((g) => `tpe+${g}`)];
      throw new Error(`OptNeuron: unknown method '${this.method}' (available: ${known.join(', ')})`);
    }
    if (o.learningRate !== undefined && !(o.learningRate > 0)) throw new Error(`OptNeuron: learningRate must be > 0, got ${o.learningRate}`);
    this.seed = o.seed ?? 0;
    this.timeStep = o.timeStep ?? 0.1;
    if (!(this.timeStep > 0)) throw new Error(`OptNeuron: timeStep must be > 0 ms, got ${this.timeStep}`);
    this.numRepLoss = o.numRepLoss ?? 1;
    if (!Number.isInteger(this.numRepLoss) || this.numRepLoss < 1) throw new Error(`OptNeuron: numRepLoss must be an integer >= 1, got ${this.numRepLoss}`);
    this.workers = o.workers ?? 1;
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new Error(`OptNeuron: workers must be an integer >= 1, got ${o.workers}`);
    if (this.workers > 1 && !o.source) {
      throw new Error('OptNeuron: workers > 1 needs `source`, the module that builds these options (worker threads cannot share the experiment, model or getLoss)');
    }
    if (o.targetParameters && o.targetNeuronModel) {
      for (const p of Object.keys(o.targetParameters)) {
        if (!o.targetNeuronModel.parameterNames.includes(p)) throw new Error(`OptNeuron: targetParameters.${p} is not a parameter of '${o.targetNeuronModel.name}'`);
      }
    }
    const space: Space = {};
    for (const f of this.variables.fitted) space[f.name] = uniform(f.low, f.high);
    for (const [name, dim] of Object.entries(o.fvSpace ?? {})) {
      if (!(name in space)) throw new Error(`OptNeuron: fvSpace.${name} is not a fitted variable (fitted: ${Object.keys(space).join(', ')})`);
      space[name] = dim;
    }
    validateSpace(space);
    this.space = space;
  }

  /** Runs the search for `maxEvals` evaluations and returns the best parameters with their results. */
  async run(r: RunOptions): Promise<FitResult> {
    const [search, refine] = splitMethod(this.method);
    const maxEvals = search ? (r.maxEvals ?? NaN) : 0;
    if (search && (!Number.isInteger(maxEvals) || maxEvals < 1)) throw new Error(`OptNeuron.run: maxEvals must be an integer >= 1, got ${r.maxEvals}`);
    if (r.resume && !r.resultsFile) throw new Error('OptNeuron.run: resume needs a resultsFile');
    if (r.maxSeconds !== undefined && !(r.maxSeconds > 0)) throw new Error(`OptNeuron.run: maxSeconds must be > 0, got ${r.maxSeconds}`);
    const o = this.options;
    const history: Evaluation[] = [];
    let sampler: Sampler;
    if (r.resume) {
      const previous = readResultsFile(r.resultsFile!);
      this.checkResumable(previous);
      history.push(...previous.history);
      sampler = samplers[search ?? 'random']!(this.space, { seed: `${this.seed}/resumed-at-${history.length}` });
      if (history.length > 0) sampler.tell(history.map((h) => this.fittedPart(h.params)), history.map((h) => h.loss));
    } else {
      sampler = samplers[search ?? 'random']!(this.space, { seed: this.seed });
    }

    const started = Date.now();
    // Workers take about 1.5 s to start (each loads the model compiler); meanwhile this thread
    // computes the target and evaluates batches alone, which changes no result.
    this.poolError = undefined;
    this.poolStart = search && this.workers > 1 && history.length < maxEvals ? startEvaluationPool(this.workers - 1, o.source!, primitiveOptions(o)) : undefined;
    this.poolStart?.then(
      (pool) => (this.pool = pool),
      (err: Error) => (this.poolError = err),
    );
    const writer = new ResultsWriter(r.resultsFile);
    try {
      const target = await this.target();
      return await this.fit(writer, r, search, refine, maxEvals, history, sampler, target, started);
    } finally {
      writer.close();
      const pool = await this.poolStart?.catch(() => undefined);
      await pool?.close();
      this.pool = undefined;
      this.poolStart = undefined;
    }
  }

  private async fit(
    writer: ResultsWriter,
    r: RunOptions,
    search: string | undefined,
    refine: string | undefined,
    maxEvals: number,
    history: Evaluation[],
    sampler: Sampler,
    target: Target<Soll>,
    started: number,
  ): Promise<FitResult> {
    const o = this.options;
    const save = (status: ResultsFile['status'], extra: Partial<ResultsFile> = {}) =>
      writer.update(() => this.fileContents(status, history, { elapsedSeconds: (Date.now() - started) / 1000, ...extra }), status === 'done');
    save('running');
    // the budget counts from the start of run(), worker start-up included
    const deadline = r.maxSeconds !== undefined ? started + r.maxSeconds * 1000 : Infinity;
    while (search && history.length < maxEvals && Date.now() < deadline) {
      const n = Math.min(o.batchSize ?? sampler.preferredBatch ?? 8, maxEvals - history.length);
      const points = sampler.ask(n);
      const evaluations = await this.evaluate(points, target);
      sampler.tell(points, evaluations.map((e) => e.loss));
      history.push(...evaluations);
      save('running');
      const best = bestOf(history);
      r.onProgress?.({ evaluations: history.length, maxEvals, bestLoss: best?.loss ?? NaN });
      if (o.verbose) process.stderr.write(`opt_neuron: ${history.length}/${maxEvals} evaluations, best loss ${best ? best.loss.toPrecision(5) : 'none yet'}\n`);
    }

    // a search that ended before the workers were up still reports workers that cannot start
    await this.poolStart?.catch(() => undefined);
    if (this.poolError) throw this.poolError;

    let iterations = 0;
    if (refine) {
      // gradient refinement from the best distinct points of the search, or from the given start
      const searched = [...history].filter((h) => Number.isFinite(h.loss)).sort((a, b) => a.loss - b.loss);
      const starts = o.starts ?? (search ? 3 : 1);
      const given = searched.length > 0 ? searched.slice(0, starts).map((h) => this.fittedPart(h.params)) : o.initialParams ? [o.initialParams] : [];
      const total = o.iterations ?? 100;
      const outcome = await runGradient<Soll>(
        {
          variables: this.variables,
          simulate: (points, reps, theta) => this.simulate(o.neuronModel, points, reps, theta),
          reps: this.numRepLoss,
          soll: (rep) => (target.kind === 'model' ? (target.results.forNeuron(rep) as Soll) : target.soll),
          getLoss: o.getLoss as (ist: Results, soll: Soll) => unknown,
          residuals: o.residuals,
          record: (evaluations, iteration) => {
            history.push(...evaluations);
            iterations = Math.max(iterations, iteration + 1);
            save('running', { iterations });
            const best = bestOf(history);
            r.onProgress?.({ evaluations: history.length, maxEvals: maxEvals + total * starts, bestLoss: best?.loss ?? NaN });
          },
        },
        {
          method: refine as GradientMethod,
          iterations: total,
          learningRate: o.learningRate ?? 0.05,
          learningRates: o.learningRates,
          transforms: o.transforms,
          kinds: o.kinds,
          starts: startingPoints(this.variables, starts, given, this.seed),
          callbacks: o.callbacks ?? [],
        },
      );
      iterations = outcome.iterations;
    }

    const best = bestOf(history);
    if (!best) {
      save('done');
      throw new Error(
        `OptNeuron: getLoss returned NaN or Infinity for all ${history.length} evaluations (first: ${JSON.stringify(history[0]?.params)}); check the loss and the bounds` +
          (r.resultsFile ? `; evaluations are in ${r.resultsFile}` : ''),
      );
    }
    const bestResults = (await this.simulate(o.neuronModel, [this.fittedPart(best.params)], 1)).forNeuron(0);
    const targetResults = target.kind === 'model' ? target.results.forNeuron(0) : o.resultsSoll;
    save('done', {
      iterations,
      bestRecordings: bestResults.toJSON(),
      targetRecordings: target.kind === 'model' ? target.results.forNeuron(0).toJSON() : o.targetRecordings,
    });
    return {
      params: best.params,
      loss: best.loss,
      lossSd: best.lossSd,
      method: this.method,
      seed: this.seed,
      evaluations: history.length,
      iterations,
      history,
      results: bestResults,
      target: targetResults,
    };
  }

  /** Simulates the experiment for some points of the fitted variables, `reps` repetitions each, as one batch. */
  async simulate(model: NeuronModel, points: Point[], reps: number, sensitivities: string[] = []): Promise<Results> {
    // a simulation never waits on I/O: without this, signals and timers would wait for the whole fit
    await new Promise((resolve) => setImmediate(resolve));
    const v = this.variables;
    const N = points.length * reps;
    const pop = new Population(model, N, { dt: this.timeStep });
    const full = points.map((p) => v.resolve(p));
    const column = (name: string) => Float64Array.from({ length: N }, (_, j) => full[Math.floor(j / reps)]![name]!);
    if (v.parameters.length > 0) pop.set(Object.fromEntries(v.parameters.map((p) => [p, column(p)])));
    if (v.initialValues.length > 0) pop.setInitial(Object.fromEntries(v.initialValues.map((s) => [s, column(s)])));
    // repetition r of every point sees noise realisation r: comparisons between points are not blurred by noise
    pop.reseed(this.seed, Int32Array.from({ length: N }, (_, j) => j % reps));
    if (sensitivities.length > 0) pop.trackSensitivities(sensitivities);
    pop.reset();
    return this.experiment.execute(pop, { record: this.options.record, recordingPeriod: this.options.recordingPeriod });
  }

  /** @internal Evaluates points as one batch in this thread (what a worker does with its part). */
  async evaluateBatch(points: Point[]): Promise<Evaluation[]> {
    return this.evaluateHere(points, await this.target());
  }

  private async evaluate(points: Point[], target: Target<Soll>): Promise<Evaluation[]> {
    if (this.poolError) throw this.poolError;
    if (this.pool) return this.pool.evaluate(points, (part) => this.evaluateHere(part, target));
    return this.evaluateHere(points, target);
  }

  private async evaluateHere(points: Point[], target: Target<Soll>): Promise<Evaluation[]> {
    const reps = this.numRepLoss;
    const valid: Point[] = [];
    const out: Evaluation[] = [];
    const resolved = points.map((p) => {
      try {
        return this.variables.resolve(p);
      } catch {
        return undefined; // an expression that fails for this point: a failed evaluation
      }
    });
    points.forEach((p, k) => {
      if (resolved[k]) valid.push(p);
    });
    const results = valid.length > 0 ? await this.simulate(this.options.neuronModel, valid, reps) : undefined;
    let next = 0;
    for (let k = 0; k < points.length; k++) {
      const params = resolved[k];
      if (!params) {
        out.push({ params: { ...points[k]! }, loss: NaN, lossSd: NaN });
        continue;
      }
      const losses: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const ist = results!.forNeuron(next * reps + rep);
        const soll = target.kind === 'model' ? (target.results.forNeuron(rep) as Soll) : target.soll;
        losses.push(toNumber(await this.options.getLoss(ist, soll)));
      }
      next++;
      const mean = losses.reduce((a, b) => a + b, 0) / reps;
      const sd = Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / reps);
      out.push({ params, loss: mean, lossSd: sd });
    }
    return out;
  }

  private target(): Promise<Target<Soll>> {
    this.targetCache ??= this.computeTarget();
    return this.targetCache;
  }

  private async computeTarget(): Promise<Target<Soll>> {
    const o = this.options;
    if (!o.targetNeuronModel) return { kind: 'data', soll: o.resultsSoll as Soll };
    const reps = this.numRepLoss;
    const pop = new Population(o.targetNeuronModel, reps, { dt: this.timeStep });
    if (o.targetParameters) pop.set(o.targetParameters);
    pop.reseed(this.seed, Int32Array.from({ length: reps }, (_, j) => j));
    pop.reset();
    const results = await this.experiment.execute(pop, { record: o.record, recordingPeriod: o.recordingPeriod });
    return { kind: 'model', results };
  }

  private fittedPart(params: Record<string, number>): Point {
    return Object.fromEntries(this.variables.fitted.map((f) => [f.name, params[f.name]!]));
  }

  private checkResumable(previous: ResultsFile): void {
    const names = this.variables.fitted.map((f) => f.name).join(',');
    const before = previous.fitted.map((f) => f.name).join(',');
    if (names !== before) throw new Error(`cannot resume: the file fitted ${before}, this fit fits ${names}`);
    if (previous.method !== this.method) throw new Error(`cannot resume: the file used method '${previous.method}', this fit '${this.method}'`);
    if (previous.model !== this.options.neuronModel.name) throw new Error(`cannot resume: the file fitted model '${previous.model}', not '${this.options.neuronModel.name}'`);
  }

  private fileContents(status: ResultsFile['status'], history: Evaluation[], extra: Partial<ResultsFile>): ResultsFile {
    const best = bestOf(history);
    return {
      format: 'neurofit-fit/1',
      status,
      model: this.options.neuronModel.name,
      target: this.options.targetNeuronModel ? this.options.targetNeuronModel.name : 'resultsSoll',
      method: this.method,
      seed: this.seed,
      timeStep: this.timeStep,
      numRepLoss: this.numRepLoss,
      fitted: this.variables.fitted,
      evaluations: history.length,
      params: best?.params ?? null,
      loss: best?.loss ?? null,
      lossSd: best?.lossSd ?? null,
      history,
      ...extra,
    };
  }
}

/** 'tpe+adam' -> ['tpe', 'adam']; 'adam' -> [undefined, 'adam']; 'tpe' -> ['tpe', undefined]. */
function splitMethod(method: string): [string | undefined, string | undefined] {
  const [a, b] = method.split('+');
  if (b !== undefined) return [a, b];
  return GRADIENT_METHODS.includes(a as GradientMethod) ? [undefined, a] : [a, undefined];
}

type Target<Soll> = { kind: 'data'; soll: Soll } | { kind: 'model'; results: Results };

function instantiate(cls: new () => Experiment): Experiment {
  if (typeof cls !== 'function') throw new Error('OptNeuron: experiment must be an Experiment instance or class');
  const e = new cls();
  if (!(e instanceof Experiment)) throw new Error('OptNeuron: experiment must extend Experiment');
  return e;
}

/** The options a worker needs besides its source: numbers, strings and booleans (seed, timeStep, method, ...). */
function primitiveOptions(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v)));
}

function bestOf(history: Evaluation[]): Evaluation | undefined {
  let best: Evaluation | undefined;
  for (const h of history) if (Number.isFinite(h.loss) && (!best || h.loss < best.loss)) best = h;
  return best;
}

/**
 * Worker threads that each build these options from `source` (with `overrides`) and
 * evaluate parts of batches; see {@link WorkerPool} for why results do not change.
 */
export function startEvaluationPool(size: number, source: OptionsSource, overrides: Record<string, unknown>): Promise<WorkerPool<Point, Evaluation>> {
  return WorkerPool.start<Point, Evaluation>(size, siblingModule(import.meta.url, 'evaluation-worker'), { source, overrides });
}
