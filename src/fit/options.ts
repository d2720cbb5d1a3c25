import type { Results } from '../experiment/results.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Space } from '../search/space.ts';
import type { GradientSettings, ResidualSpec } from '../gradient/driver.ts';
import type { FitStopReason } from './stop-reason.ts';

export type { FitStopReason, SearchStopReason } from './stop-reason.ts';
import type { Callback } from '../gradient/callbacks.ts';
import type { Transform } from '../gradient/transforms.ts';
import type { ParameterKind } from '../gradient/parameters.ts';
import type { OptionsSource } from '../parallel/source.ts';
import type { EvaluatorOptions } from './evaluator.ts';
import type { RecordingsJson } from './results-file.ts';
import type { TimeStepsUsed } from './time-step.ts';
import type { PosteriorSummary, SbiSettings } from './posterior-summary.ts';
import type { Prior } from '../sbi/prior.ts';

export interface OptNeuronOptions<Soll = unknown> extends Omit<EvaluatorOptions<Soll>, 'timeStep'> {
  /**
   * Integration step (ms), or 'auto': search at the coarsest of `timeSteps` whose spike times
   * agree with half that step, then confirm (and if need be refine) the best points at the
   * finest ({@link chooseTimeStep}, {@link confirmAtFineStep}). Default 0.1.
   */
  timeStep?: number | 'auto';
  /** The steps 'auto' chooses among, coarsest first; the last is the fine step. Default {@link AUTO_TIME_STEPS}. */
  timeSteps?: readonly number[];
  /**
   * 'auto' (the default: TPE exploration, then CMA-ES; see {@link AutoSampler}), 'tpe' (opt_neuron's hyperopt), 'cmaes' or 'random' (black-box search); 'adam', 'sgd', 'rmsprop', 'lbfgs',
   * 'lm' (gradient fitting with exact sensitivities); 'tpe+adam' (or tpe+lbfgs, ...):
   * search for `maxEvals`, then refine the best points by gradient. See {@link parseMethod}.
   */
  method?: string;
  /** Gradient steps (iterations of L-BFGS / LM). Default 100. */
  iterations?: number;
  /** Step size of Adam/SGD/RMSProp in the transformed (unconstrained) parameters. Default 0.05. */
  learningRate?: number;
  /** Per-parameter learning rates. */
  learningRates?: Record<string, number>;
  /** Settings of adam / sgd / rmsprop (betas, eps, weightDecay, amsgrad, momentum, nesterov, rho, centered, …); see {@link GradientSettings.optimizer}. */
  optimizer?: GradientSettings['optimizer'];
  /** Per parameter, its own optimiser and settings (jaxley's TypeOptimizer). */
  optimizers?: GradientSettings['optimizers'];
  /** Adam/SGD/RMSProp: each step on `miniBatch` sweeps drawn at random (seeded), for an experiment that loops over `this.sweepsToRun(n)`; see {@link GradientSettings.miniBatch}. */
  miniBatch?: number;
  /** Starts of gradient fitting, run as one batch (Adam/SGD/RMSProp). Default 1 (3 after a search). */
  starts?: number;
  /** Where gradient fitting starts (default: the middle of the bounds; further starts drawn inside them). */
  initialParams?: Record<string, number>;
  /** Transforms other than sigmoid-for-bounds, by parameter (log, custom, ...). */
  transforms?: Record<string, Transform>;
  /** Parameter kinds for gradient fitting: 'bounded' (default), 'normalized', 'free', 'masked', 'clipped'. */
  kinds?: Record<string, ParameterKind>;
  /** Called after each gradient step; one returning true stops the fit. */
  callbacks?: Callback[];
  /** Trace residuals for method 'lm': weight * (trace - target) per sample. */
  residuals?: (ist: Results, soll: Soll) => ResidualSpec[];
  /** CompNeuroPy's `cma_params_dict` for CMA-ES ('cmaes' / 'deap'): `lambda_` → popSize, `sigma` → sigma0, `restarts`. */
  cmaParams?: Record<string, unknown>;
  /** A search space for (some of) the fitted variables instead of uniform bounds. */
  fvSpace?: Space;
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
  /**
   * What identifies the data and the loss in the results file's fingerprint where
   * `resultsSoll` and `getLoss`'s source do not: e.g. a replayed stimulus (`data`), a loss
   * chosen by name inside a closure (`loss`). A resume refuses a file whose fingerprint differs.
   */
  fingerprint?: { data?: unknown; loss?: unknown };
  /** The target as recordings (the shape of `Results.toJSON()`), kept in the results file for reports when `resultsSoll` is data. */
  targetRecordings?: RecordingsJson;
  /** Method 'sbi': the prior over the fitted variables, in their order (default: BoxUniform over their bounds). */
  prior?: Prior;
  /** Method 'sbi': density estimator, training and calibration settings. */
  sbi?: Omit<SbiSettings, 'prior'>;
}

export interface RunOptions {
  /**
   * Total evaluations of a search (resumed ones included). Not needed by gradient methods
   * alone, nor by `auto`: it stops when converged, at the latest after 2,000 per fitted
   * parameter ({@link defaultMaxEvals}); a given maxEvals replaces that ceiling.
   */
  maxEvals?: number;
  /** Stop the search after this wall time (s), keeping every evaluation so far; gradient refinement still follows. */
  maxSeconds?: number;
  /**
   * JSON kept current as the fit goes (at most about once a second; at once on errors, SIGINT and
   * SIGTERM), so an interrupted fit keeps what it evaluated. Default {@link DEFAULT_RESULTS_FILE}
   * (CompNeuroPy's `./dataRaw/parameter_fit/best.npy`, as JSON), overwritten by the next run
   * there; `false` writes none.
   */
  resultsFile?: string | false;
  /**
   * Continue from `resultsFile`, exactly where it stopped: the search's sampler is restored
   * from the file; an interrupted gradient refinement (or a gradient fit alone) is redone from
   * the finished search, as it is deterministic. Refused if the file is of another fit.
   */
  resume?: boolean;
  /** With `resume`: accept a file whose fingerprint differs (the differences go to stderr). */
  force?: boolean;
  /** Kept in the results file as `settings`: where each setting came from (the CLI records `{ seed: { value: 3, from: 'module' }, ... }`). */
  settings?: Record<string, { value: unknown; from: string }>;
  /**
   * Called after each search round and gradient step: `evaluations` counts the search's
   * evaluations and then each gradient step of each start once (an L-BFGS step with its
   * line-search trials is one), out of `maxEvals`, the whole fit's planned count.
   */
  onProgress?: (p: { evaluations: number; maxEvals: number; bestLoss: number }) => void;
  /** Method 'sbi': where the posterior's pair plot (SVG) goes; default `posterior.svg` beside `resultsFile`. */
  sbiPlotFile?: string;
}

/** Where `run()` writes its results without a `resultsFile`: CompNeuroPy's folder and name, relative to the working directory. */
export const DEFAULT_RESULTS_FILE = 'dataRaw/parameter_fit/best.json';

export interface FitResult {
  /** Best values of every variable: fitted, constant and computed. */
  params: Record<string, number>;
  /**
   * Array-valued variables' best values, elements in order (`{ w: [1.2, 0.8] }`); their
   * elements' scalars (`w_0`, `w_1`) are in `params`, which stays flat so that it can be
   * handed to `pop.set()`, where an array would mean one value per neuron.
   */
  arrays: Record<string, number[]>;
  loss: number;
  lossSd: number;
  method: string;
  seed: number;
  /** Evaluations of the search (resumed ones included): never more than `maxEvals`. 0 for gradient fitting alone. */
  evaluations: number;
  /** Evaluations made by gradient steps (line-search trials included), counted apart from the search's. */
  gradientEvaluations: number;
  /** Gradient steps taken, summed over the starts of L-BFGS and LM (0 for a search alone). */
  iterations: number;
  /** Why the search and the gradient fitting stopped. */
  stopReason: FitStopReason;
  /** Wall time (s), over every resume. */
  elapsedSeconds: number;
  history: Evaluation[];
  /** With `timeStep: 'auto'`: the steps chosen, why, and how the confirmation at the fine step went. */
  timeSteps?: TimeStepsUsed;
  /** The experiment run with the best parameters. */
  results: Results;
  /** `resultsSoll`, or the target model's results. */
  target: unknown;
  /** Method 'sbi': the posterior (1,000 draws, mean, SD, quantiles, correlations, acceptance rate, calibration). */
  posterior?: PosteriorSummary;
}
