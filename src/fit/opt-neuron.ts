import type { NeuronModel } from '../model/neuron.ts';
import type { Results } from '../experiment/results.ts';
import type { Evaluation } from '../search/sampler.ts';
import { uniform, validateSpace, type Point, type Space } from '../search/space.ts';
import { defaultMaxEvals, FIT_DEFAULTS } from './defaults.ts';
import { Evaluator } from './evaluator.ts';
import { StartingPool, startEvaluationPool, workerOverrides } from './evaluation-pool.ts';
import { finishRun, fitRun } from './fit-run.ts';
import { parseMethod, type FitMethod } from './method.ts';
import { cmaesOptionsFromCompNeuroPy } from '../search/compneuropy-cma.ts';
import { DEFAULT_RESULTS_FILE, type FitResult, type OptNeuronOptions, type RunOptions } from './options.ts';
import { refine } from './refine.ts';
import { readResultsFile } from './results-file.ts';
import { checkResumable, type ResultsHeader } from './results-contents.ts';
import { ResultsWriter } from './results-writer.ts';
import { runSearch, searchSampler } from './search-loop.ts';
import { fitFingerprint } from './fingerprint.ts';
import { AUTO_TIME_STEPS, chooseTimeStep } from './time-step.ts';
import { confirmAtFineStep } from './confirm.ts';
import { bestEvaluation } from './results-contents.ts';
import type { SamplerState } from '../search/sampler.ts';
import type { Variables } from './variables.ts';
import { runInference, sbiHooks } from './sbi-fit.ts';
import type { FitRun } from './fit-run.ts';
import { dirname, join } from 'node:path';
import { isFiniteBox } from './variables.ts';

export type { FitResult, OptNeuronOptions, RunOptions } from './options.ts';
export type { GetLoss } from './evaluator.ts';

/**
 * Fits a neuron model's parameters so that an experiment reproduces target data or a
 * target model (CompNeuroPy's opt_neuron). Each round, the sampler's suggestions and
 * their repetitions run as one batched population through the user's unchanged `run()`.
 *
 * The parts: an {@link Evaluator} simulates and scores batches (all a worker thread
 * builds), the search loop asks, evaluates and tells within the budget, the refinement
 * step fits by gradient, and the results file follows the run.
 *
 * ```ts
 * const opt = new OptNeuron({ experiment, neuronModel: izhikevich, resultsSoll, getLoss, variablesBounds: { a: [0.01, 0.1], d: [2, 10] } });
 * const fit = await opt.run({ maxEvals: 500, resultsFile: 'results/fit.json' });
 * console.log(fit.params, fit.loss);
 * ```
 */
export class OptNeuron<Soll = unknown> {
  readonly variables: Variables;
  readonly method: string;
  readonly seed: number;
  private readonly evaluator: Evaluator<Soll>;
  private readonly parsed: FitMethod;
  private readonly space: Space;
  private readonly workers: number;
  /** With `timeStep: 'auto'`, the candidate steps (the last is the fine one, {@link evaluator}'s). */
  private readonly autoSteps: readonly number[] | undefined;

  constructor(readonly options: OptNeuronOptions<Soll>) {
    const o = options;
    if (typeof o.timeStep === 'string' && o.timeStep !== 'auto') throw new Error(`OptNeuron: timeStep must be a number of ms or 'auto', got '${o.timeStep}'`);
    this.autoSteps = o.timeStep === 'auto' ? [...(o.timeSteps ?? AUTO_TIME_STEPS)] : undefined;
    if (this.autoSteps && (this.autoSteps.length === 0 || this.autoSteps.some((dt) => !(dt > 0)))) throw new Error(`OptNeuron: timeSteps must be steps > 0 ms, coarsest first (got ${this.autoSteps.join(', ')})`);
    // with 'auto', this evaluator is the fine step's; the search may run at a coarser one
    this.evaluator = new Evaluator({ ...o, keepSummaries: o.method === 'sbi' || o.keepSummaries, timeStep: this.autoSteps ? this.autoSteps[this.autoSteps.length - 1]! : (o.timeStep as number | undefined) });
    this.variables = this.evaluator.variables;
    this.seed = this.evaluator.seed;
    this.method = o.method ?? FIT_DEFAULTS.method;
    try {
      this.parsed = parseMethod(this.method);
      if (o.cmaParams) cmaesOptionsFromCompNeuroPy(o.cmaParams);
    } catch (err) {
      throw new Error(`OptNeuron: ${(err as Error).message}`);
    }
    if (o.miniBatch !== undefined) {
      if (!Number.isInteger(o.miniBatch) || o.miniBatch < 1) throw new Error(`OptNeuron: miniBatch must be an integer >= 1 (sweeps per step), got ${o.miniBatch}`);
      if (!['adam', 'sgd', 'rmsprop'].includes(this.parsed.refine ?? '')) {
        throw new Error(`OptNeuron: miniBatch applies to the gradient steps of adam, sgd and rmsprop, not method '${this.method}' (a search, L-BFGS's line search and LM's damping compare losses of the same sweeps)`);
      }
    }
    if (o.learningRate !== undefined && !(o.learningRate > 0)) throw new Error(`OptNeuron: learningRate must be > 0, got ${o.learningRate}`);
    this.workers = o.workers ?? FIT_DEFAULTS.workers;
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new Error(`OptNeuron: workers must be an integer >= 1, got ${o.workers}`);
    if (this.workers > 1 && !o.source) {
      throw new Error('OptNeuron: workers > 1 needs `source`, the module that builds these options (worker threads cannot share the experiment, model or getLoss)');
    }
    const space: Space = {};
    for (const f of this.variables.fitted) {
      if (isFiniteBox(f)) space[f.name] = uniform(f.low, f.high);
      else if (this.parsed.search && !o.fvSpace?.[f.name]) {
        throw new Error(
          `OptNeuron: variablesBounds.${f.name} is [${f.low}, ${f.high}], but method '${this.method}' searches a finite box: ` +
            `give ${f.name} finite bounds, or use a gradient method alone (lbfgs, lm, adam, …), which fits one-sided and infinite bounds through transforms`,
        );
      }
    }
    for (const [name, dim] of Object.entries(o.fvSpace ?? {})) {
      if (!(name in space)) throw new Error(`OptNeuron: fvSpace.${name} is not a fitted variable (fitted: ${Object.keys(space).join(', ')})`);
      space[name] = dim;
    }
    // a gradient fit alone searches nothing: its variables may all be unbounded
    if (this.parsed.search || Object.keys(space).length > 0) validateSpace(space);
    this.space = space;
  }

  /** Runs the search for `maxEvals` evaluations and returns the best parameters with their results. */
  async run(given: RunOptions): Promise<FitResult> {
    const r = { ...given, resultsFile: given.resultsFile === false ? undefined : (given.resultsFile ?? DEFAULT_RESULTS_FILE) };
    if (this.parsed.sbi) return this.runSbi(r);
    const { search, refine: gradient } = this.parsed;
    // a search with a ceiling of its own (auto: it stops when converged) needs no budget
    const ceiling = search && FIT_DEFAULTS.maxEvalsPerParameter[search] !== undefined ? defaultMaxEvals(this.parsed, NaN, this.variables.fitted.length) : NaN;
    const maxEvals = search ? (r.maxEvals ?? ceiling) : 0;
    if (search && (!Number.isInteger(maxEvals) || maxEvals < 1)) throw new Error(`OptNeuron.run: maxEvals must be an integer >= 1, got ${r.maxEvals}`);
    if (r.resume && !given.resultsFile) throw new Error('OptNeuron.run: resume needs a resultsFile');
    if (r.maxSeconds !== undefined && !(r.maxSeconds > 0)) throw new Error(`OptNeuron.run: maxSeconds must be > 0, got ${r.maxSeconds}`);
    // 'auto': the search's step is chosen first (deterministic for a seed: a resume chooses the same)
    const fine = this.evaluator.timeStep;
    const choice = !this.autoSteps
      ? undefined
      : search
        ? await chooseTimeStep((dt) => this.evaluatorAt(dt), this.variables.fitted, { seed: this.seed, candidates: this.autoSteps, targetSpikes: await this.targetSpikes() })
        : { search: fine, fine, agreement: [], why: 'gradient fitting runs at the fine step' };
    const evaluator = choice ? this.evaluatorAt(choice.search) : this.evaluator;
    const header = this.header(r.resultsFile !== undefined, evaluator.timeStep);
    const history: Evaluation[] = [];
    let resumed: { state?: SamplerState; points: Point[]; losses: number[] } | undefined;
    let previousSeconds = 0;
    if (r.resume) {
      const file = r.resultsFile!;
      const previous = readResultsFile(file, 'resume');
      const accepted = checkResumable(previous, header, file, r.force);
      if (accepted.length > 0) notice(`resuming ${file} despite (force): ${accepted.join('; ')}`);
      previousSeconds = previous.elapsedSeconds ?? 0;
      // a forced resume with another method cannot use the other sampler's state
      const saved = search && previous.samplerState?.state.kind === search ? previous.samplerState : undefined;
      // the search's evaluations; a refinement after them is redone from the finished search (it is deterministic)
      const kept = saved ? Math.min(saved.evaluations, previous.history.length) : search ? previous.history.length : 0;
      history.push(...previous.history.slice(0, kept));
      if (previous.history.length > kept) notice(`the ${previous.history.length - kept} gradient-step evaluations in ${file} are redone from ${kept > 0 ? 'the finished search' : 'the start'}`);
      const why = previous.samplerState ? `${file} holds the state of a '${String(previous.samplerState.state.kind)}' sampler, not '${search}'` : `${file} holds no sampler state (an older neurofit wrote it)`;
      if (search && !saved && kept > 0) notice(`${why}: the search is told its ${kept} evaluations and goes on from a new random stream, not exactly as it would have`);
      const points = history.map((h) => evaluator.fittedPart(h.params));
      const losses = history.map((h) => h.loss);
      resumed = {
        points,
        losses,
        state: saved ? ({ ...saved.state, trials: points.map((params, k) => ({ params, loss: Number.isFinite(losses[k]) ? losses[k]! : null })) } as SamplerState) : undefined,
      };
    }
    const sampler = search ? searchSampler(search, this.space, this.seed, resumed, this.searchOptions(search)) : undefined;

    const started = Date.now();
    const pool = new StartingPool(
      search && this.workers > 1 && history.length < maxEvals ? startEvaluationPool(this.workers - 1, this.options.source!, { ...workerOverrides(this.options), timeStep: evaluator.timeStep }) : undefined,
    );
    const writer = new ResultsWriter(r.resultsFile);
    if (given.resultsFile === undefined) process.stderr.write(`note: results go to ${r.resultsFile} (the default, as CompNeuroPy's best.npy; resultsFile: false writes none)\n`);
    try {
      const target = await evaluator.target();
      const fit = fitRun({ options: this.options, run: r, header, method: this.parsed, maxEvals, evaluator, target, pool, history, writer, started, previousSeconds });
      fit.save('running');
      const searched = sampler ? await runSearch(fit, sampler) : undefined;
      const searchEvaluations = history.length;
      const outcome = gradient ? await refine(fit, gradient, searched) : undefined;
      const stopReason = { ...(searched ? { search: searched } : {}), ...(outcome ? { gradient: outcome.stoppedBy } : {}) };
      const end = { searchEvaluations, iterations: outcome?.iterations ?? 0, stopReason };
      if (!choice) return await finishRun(fit, end, r.resultsFile);
      if (choice.search === choice.fine || !bestEvaluation(history)) return await finishRun(fit, end, r.resultsFile, { timeSteps: choice });
      // a refinement gets workers of the fine step's own (the search's run at its step), started only if it happens
      let finePool: StartingPool | undefined;
      const evaluate = (points: Point[]) => {
        finePool ??= new StartingPool(this.workers > 1 ? startEvaluationPool(this.workers - 1, this.options.source!, { ...workerOverrides(this.options), timeStep: this.evaluator.timeStep }) : undefined);
        return finePool.evaluate(points, (part) => this.evaluator.evaluate(part));
      };
      let confirmed;
      try {
        confirmed = await confirmAtFineStep(history, this.evaluator, this.space, { seed: this.seed, evaluate });
      } finally {
        await finePool?.close();
      }
      const timeSteps = { ...choice, searchLoss: confirmed.searchLoss, fineLoss: confirmed.best.loss, confirmEvaluations: confirmed.evaluations, refined: confirmed.refined };
      return await finishRun(fit, end, r.resultsFile, { timeSteps, best: confirmed.best, evaluator: this.evaluator });
    } finally {
      writer.close();
      await pool.close();
    }
  }

  /**
   * Method 'sbi': `maxEvals` simulations of θ from the prior through the same batched
   * evaluation (and worker threads) as a search, NPE on their summary statistics, and the
   * posterior's MAP re-simulated as the fit's params; `fit.posterior` describes the posterior.
   */
  private async runSbi(r: Omit<RunOptions, 'resultsFile'> & { resultsFile?: string }): Promise<FitResult> {
    const maxEvals = r.maxEvals ?? FIT_DEFAULTS.sbiSimulations;
    if (!Number.isInteger(maxEvals) || maxEvals < 10) throw new Error(`OptNeuron.run: maxEvals (the number of simulations for method 'sbi') must be an integer >= 10, got ${r.maxEvals}`);
    if (r.resume) throw new Error("OptNeuron.run: method 'sbi' cannot resume yet; run it again (its simulations are seeded: the same seed gives the same posterior)");
    const evaluator = this.evaluator;
    const header = this.header(r.resultsFile !== undefined, evaluator.timeStep);
    const history: Evaluation[] = [];
    const started = Date.now();
    const pool = new StartingPool(
      this.workers > 1 ? startEvaluationPool(this.workers - 1, this.options.source!, { ...workerOverrides(this.options), keepSummaries: true, timeStep: evaluator.timeStep }) : undefined,
    );
    const writer = new ResultsWriter(r.resultsFile);
    try {
      const target = await evaluator.target();
      const fit = fitRun({ options: this.options, run: r, header, method: this.parsed, maxEvals, evaluator, target, pool, history, writer, started, previousSeconds: 0 });
      fit.save('running');
      const o = this.options;
      const inference = await runInference(fit as FitRun<unknown>, { ...o.sbi, prior: o.prior, summary: o.summary, seed: this.seed, batchSize: o.batchSize, verbose: o.verbose });
      const [best] = await evaluator.evaluate([inference.map], target);
      const end = { searchEvaluations: history.length, iterations: 0, stopReason: { search: 'max evaluations' as const } };
      const fitResult = await finishRun(fit, end, r.resultsFile, undefined, { best: best!, posterior: inference.summary });
      const plotFile = r.sbiPlotFile ?? (r.resultsFile ? join(dirname(r.resultsFile), 'posterior.svg') : undefined);
      if (plotFile) {
        // a target model's parameters are the true values: the plot marks them
        const tp = o.targetNeuronModel ? o.targetParameters : undefined;
        const truth = tp && inference.summary.names.every((n) => n in tp) ? Object.fromEntries(inference.summary.names.map((n) => [n, tp[n]!])) : undefined;
        if (sbiHooks.writePlot) await sbiHooks.writePlot(inference.summary, plotFile, truth);
        else process.stderr.write(`warning: no posterior plot written to ${plotFile}: import neurofit from its package entry (src/index.ts), which installs the plot writer\n`);
      }
      return { ...fitResult, posterior: inference.summary };
    } finally {
      writer.close();
      await pool.close();
    }
  }

  /** Simulates the experiment for some points of the fitted variables, `reps` repetitions each, as one batch. */
  simulate(model: NeuronModel, points: Point[], reps: number, sensitivities: string[] = []): Promise<Results> {
    return this.evaluator.simulate(model, points, reps, sensitivities);
  }

  /** @internal Evaluates points as one batch in this thread (what a worker does with its part). */
  evaluateBatch(points: Point[]): Promise<Evaluation[]> {
    return this.evaluator.evaluate(points);
  }

  /** The target's spike count over all chunks, where it is known: the target model's run, or the target recordings. */
  private async targetSpikes(): Promise<number | undefined> {
    if (this.options.targetNeuronModel) {
      const target = await this.evaluator.target();
      if (target.kind !== 'model') return undefined;
      const r = target.results.forNeuron(0);
      return Array.from({ length: r.numChunks }, (_, k) => r.spikes(k).length).reduce((a, b) => a + b, 0);
    }
    return this.options.targetRecordings?.chunks.reduce((n, c) => n + (c.spikes?.length ?? 0), 0);
  }

  /** An evaluator like this fit's at another step (the fine step's is {@link evaluator}). */
  private evaluatorAt(dt: number): Evaluator<Soll> {
    return dt === this.evaluator.timeStep ? this.evaluator : new Evaluator({ ...this.options, timeStep: dt });
  }

  /** Options of the search's sampler: CompNeuroPy's `cma_params_dict` (`cmaParams`) for CMA-ES. */
  private searchOptions(search: string): Record<string, unknown> {
    if (!this.options.cmaParams) return {};
    if (search !== 'cmaes') {
      process.stderr.write(`warning: cmaParams apply to CMA-ES ('cmaes' / 'deap'), not '${search}'; they are not used\n`);
      return {};
    }
    return { ...cmaesOptionsFromCompNeuroPy(this.options.cmaParams) };
  }

  private header(withFingerprint: boolean, timeStep: number): ResultsHeader {
    const o = this.options;
    const settings = { method: this.method, seed: this.seed, timeStep, numRepLoss: this.evaluator.numRepLoss };
    return {
      model: o.neuronModel.name,
      target: o.targetNeuronModel ? o.targetNeuronModel.name : 'resultsSoll',
      method: this.method,
      seed: this.seed,
      timeStep,
      numRepLoss: this.evaluator.numRepLoss,
      fitted: this.variables.fitted,
      ...(this.variables.arrays.length > 0 ? { arrayVariables: this.variables.arrays } : {}),
      // hashing the data costs time in proportion to it: only for a file
      ...(withFingerprint ? { fingerprint: fitFingerprint(o, settings) } : {}),
    };
  }
}

/** What a resume does besides the obvious, on stderr: nothing it changes is silent. */
function notice(message: string): void {
  process.stderr.write(`resume: ${message}\n`);
}
