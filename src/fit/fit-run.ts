import type { Evaluation } from '../search/sampler.ts';
import type { Evaluator, Target } from './evaluator.ts';
import type { StartingPool } from './evaluation-pool.ts';
import type { FitMethod } from './method.ts';
import type { FitResult, FitStopReason, OptNeuronOptions, RunOptions } from './options.ts';
import type { ResultsFile } from './results-file.ts';
import type { ResultsWriter } from './results-writer.ts';
import type { TimeStepsUsed } from './time-step.ts';
import type { PosteriorSummary } from './posterior-summary.ts';
import { bestEvaluation, resultsContents, type ResultsHeader } from './results-contents.ts';

/** @internal One `OptNeuron.run()`: what its search, its refinement and its end share. */
export interface FitRun<Soll> {
  readonly options: OptNeuronOptions<Soll>;
  /** The fit as its results file names it (model, method string, seed, ...). */
  readonly header: ResultsHeader;
  readonly method: FitMethod;
  /** Search evaluations in all, resumed ones included (0 without a search). */
  readonly maxEvals: number;
  /** When the search stops for time (ms since the epoch; Infinity without maxSeconds). */
  readonly deadline: number;
  readonly evaluator: Evaluator<Soll>;
  readonly target: Target<Soll>;
  readonly pool: StartingPool;
  /** Every evaluation so far, in order: resumed, searched, then gradient steps. */
  readonly history: Evaluation[];
  /** Records the results file as it is now: written at most about once a second while running, at once when done. */
  save(status: ResultsFile['status'], extra?: Partial<ResultsFile>): void;
  /** The search's sampler state saved with the history (set after each round). */
  samplerState: ResultsFile['samplerState'];
  /** Wall time so far (s), previous runs of a resumed fit included. */
  elapsed(): number;
  /** Tells `onProgress` the work done (default: the evaluations so far), out of `planned`, and the best loss. */
  progress(planned: number, done?: number): void;
}

/** @internal What a run starts from, besides what {@link fitRun} builds. */
export interface FitRunStart<Soll> extends Omit<FitRun<Soll>, 'save' | 'progress' | 'deadline' | 'samplerState' | 'elapsed'> {
  run: RunOptions;
  writer: ResultsWriter;
  /** When run() began (ms since the epoch): the wall time and the time budget count from it, worker start-up included. */
  started: number;
  /** Wall time (s) of the runs before a resume. */
  previousSeconds: number;
}

/** @internal The state of one run, with its results file and progress reports. */
export function fitRun<Soll>(s: FitRunStart<Soll>): FitRun<Soll> {
  const { run: r, header, writer, started, history } = s;
  const elapsed = () => s.previousSeconds + (Date.now() - started) / 1000;
  const fit: FitRun<Soll> = {
    options: s.options,
    header,
    method: s.method,
    maxEvals: s.maxEvals,
    deadline: r.maxSeconds !== undefined ? started + r.maxSeconds * 1000 : Infinity,
    evaluator: s.evaluator,
    target: s.target,
    pool: s.pool,
    history,
    samplerState: undefined,
    elapsed,
    save: (status, extra = {}) => {
      // the state of this moment: the history read when the file is written holds no more than it
      const samplerState = fit.samplerState;
      writer.update(
        () => resultsContents(header, status, history, { elapsedSeconds: elapsed(), ...(r.settings ? { settings: r.settings } : {}), ...(samplerState ? { samplerState } : {}), ...extra }),
        status === 'done',
      );
    },
    progress: (planned, done = history.length) => r.onProgress?.({ evaluations: done, maxEvals: planned, bestLoss: bestEvaluation(history)?.loss ?? NaN }),
  };
  return fit;
}

/** @internal How a run's parts ended: the search's evaluations (the first of the history), gradient steps, and why each part stopped. */
export interface RunEnd {
  searchEvaluations: number;
  iterations: number;
  stopReason: FitStopReason;
}

/**
 * @internal The counts and stop reasons as the results file gives them: `evaluations` are
 * the search's, gradient steps' evaluations are counted apart.
 */
export function endFields(history: Evaluation[], end: RunEnd): Partial<ResultsFile> {
  return { evaluations: end.searchEvaluations, gradientEvaluations: history.length - end.searchEvaluations, iterations: end.iterations, stopReason: end.stopReason };
}

/**
 * @internal The end of a run: the experiment with the best parameters, the final results
 * file (with the recordings of best fit and target) and the {@link FitResult}.
 */
export async function finishRun<Soll>(
  fit: FitRun<Soll>,
  end: RunEnd,
  resultsFile: string | undefined,
  fine?: { timeSteps: TimeStepsUsed; best?: Evaluation; evaluator?: Evaluator<Soll> },
  sbi?: { best: Evaluation; posterior: PosteriorSummary },
): Promise<FitResult> {
  const { options: o, history } = fit;
  // with timeStep 'auto', the fine step's best and simulations are what the fit returns
  const evaluator = fine?.evaluator ?? fit.evaluator;
  const target = fine?.evaluator ? await fine.evaluator.target() : fit.target;
  // method 'sbi': the posterior's MAP is the fit, whatever the simulations' losses
  const best = sbi?.best ?? fine?.best ?? bestEvaluation(history);
  if (!best) {
    fit.save('done', endFields(history, end));
    throw new Error(
      `OptNeuron: getLoss returned NaN or Infinity for all ${history.length} evaluations (first: ${JSON.stringify(history[0]?.params)}); check the loss and the bounds` +
        (resultsFile ? `; evaluations are in ${resultsFile}` : ''),
    );
  }
  const bestResults = (await evaluator.simulate(o.neuronModel, [evaluator.fittedPart(best.params)], 1)).forNeuron(0);
  const targetResults = target.kind === 'model' ? target.results.forNeuron(0) : o.resultsSoll;
  fit.save('done', {
    ...endFields(history, end),
    ...(fine ? { timeSteps: fine.timeSteps, params: best.params, loss: best.loss, lossSd: best.lossSd } : {}),
    ...(sbi ? { params: best.params, loss: best.loss, lossSd: best.lossSd, posterior: sbi.posterior } : {}),
    bestRecordings: bestResults.toJSON(),
    targetRecordings: target.kind === 'model' ? target.results.forNeuron(0).toJSON() : o.targetRecordings,
  });
  return {
    params: best.params,
    arrays: evaluator.variables.shape(best.params),
    loss: best.loss,
    lossSd: best.lossSd,
    method: fit.header.method,
    seed: fit.header.seed,
    evaluations: end.searchEvaluations,
    gradientEvaluations: history.length - end.searchEvaluations,
    iterations: end.iterations,
    stopReason: end.stopReason,
    elapsedSeconds: fit.elapsed(),
    ...(fine ? { timeSteps: fine.timeSteps } : {}),
    history,
    results: bestResults,
    target: targetResults,
  };
}
