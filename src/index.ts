/**
 * neurofit: fit the parameters of neuron models to recordings or to more complex models.
 *
 * Data flows one way: a model definition ({@link defineNeuron}) is compiled into a
 * batched kernel, a {@link Population} runs it, an {@link Experiment} drives the
 * population and its {@link Monitor}s into {@link Results}.
 * @packageDocumentation
 */
export { defineNeuron, NeuronModel } from './model/neuron.ts';
export { ModelDefinitionError } from './model/errors.ts';
export type { NeuronDefinition, Method, ModelSpec } from './model/types.ts';
export { METHODS } from './model/types.ts';
export { generateKernelSource, type KernelConfig, type KernelIO, type Kernel } from './model/compile.ts';
export { Population, type PopulationOptions } from './sim/population.ts';
export { Monitor, type Chunk } from './sim/monitor.ts';
export { step, ramp, waveform, noise, sum, type Input, type InputContext } from './sim/inputs.ts';
export { Experiment, Monitors, type ExperimentOptions } from './experiment/experiment.ts';
export { Results } from './experiment/results.ts';
export { OptNeuron, type OptNeuronOptions, type RunOptions, type FitResult } from './fit/opt-neuron.ts';
export { DEFAULT_RESULTS_FILE } from './fit/options.ts';
export type { FitStopReason, SearchStopReason } from './fit/stop-reason.ts';
export { Evaluator, type EvaluatorOptions, type GetLoss, type Target } from './fit/evaluator.ts';
export { startEvaluationPool } from './fit/evaluation-pool.ts';
export { parseMethod, fitMethods, type FitMethod } from './fit/method.ts';
export { FIT_DEFAULTS, defaultMaxEvals, defaultStarts, plannedEvaluations, type FitDefaults } from './fit/defaults.ts';
export { Variables, elementName, type VariablesBounds, type VariableBound, type ArrayBound, type ArrayVariable } from './fit/variables.ts';
export { traceFitOptions, TRACE_LOSSES, type TraceFitSpec, type TraceLoss } from './fit/trace-fit.ts';
export { validateOnSweeps, type Validation, type SweepValidation } from './fit/validate.ts';
export { readResultsFile, type ResultsFile, type Evaluation } from './fit/results-file.ts';
/** What a SIGINT or SIGTERM prints once the open results files are flushed; the fingerprint a results file records. */
export { interruptMessage, onInterrupt, type InterruptHandler, type SavedFit } from './fit/results-writer.ts';
export { hashValue, type Fingerprint } from './fit/fingerprint.ts';
export * from './loss/index.ts';
export * from './search/index.ts';
export { samplers } from './search/registry.ts';
export { symmetricEigen } from './numeric/eigen.ts';
export { WorkerPool } from './parallel/pool.ts';
export { serveBatches } from './parallel/serve.ts';
export { loadOptionsSource, type OptionsSource } from './parallel/source.ts';
export * from './io/index.ts';
export { syntheticSweeps, ouCurrent, type SyntheticSweepOptions } from './io/synthetic.ts';
export { runGradient, startingPoints, GRADIENT_METHODS, NonFiniteLossError, type GradientMethod, type GradientSettings, type GradientStopReason, type ResidualSpec } from './gradient/driver.ts';
export { TensorResults } from './gradient/tensor-results.ts';
export { loadTf } from './optimize/tf.ts';
export * as transforms from './gradient/transforms.ts';
export { ParameterVector, showParameters, type ParameterSpec, type ParameterKind } from './gradient/parameters.ts';
export { lbfgs, type LbfgsOptions, type LbfgsResult } from './optimize/lbfgs.ts';
export { levenbergMarquardt, type LmOptions, type LmResult } from './optimize/lm.ts';
export { minimize, MINIMIZE_METHODS, type MinimizeMethod, type MinimizeOptions, type MinimizeResult, type MinimizeState, type Constraint } from './optimize/minimize.ts';
export type { Bounds, BoundPair } from './optimize/bounds.ts';
export * as testFunctions from './optimize/test-functions.ts';
export { descend, type DescendOptions, type DescendResult } from './optimize/descend.ts';
export { sgd, type SgdOptions } from './optimize/optimizers/sgd.ts';
export { rmsprop, type RmspropOptions } from './optimize/optimizers/rmsprop.ts';
export { adam, adamw, type AdamOptions } from './optimize/optimizers/adam.ts';
export { perGroup } from './optimize/optimizers/per-group.ts';
export { optimizerByName, OPTIMIZER_NAMES, type OptimizerSettings } from './optimize/optimizers/by-name.ts';
export { applyUpdates, type Optimizer } from './optimize/optimizers/optimizer.ts';
export { printEvery, saveLoss, saveParameters, stopAtLoss, stopOnPlateau, combine, type Callback, type FitState } from './gradient/callbacks.ts';
export { sensitivityKey } from './sim/population.ts';
export * from './features/index.ts';
export { historyCsv, writeHistoryCsv } from './fit/history-csv.ts';
// fits as jobs on BullMQ and Redis: bullmq and ioredis are imported only when a queue is used
export { queueFits, type QueuedFit, type RetryOptions } from './distributed/queue-fits.ts';
export { runWorker, type WorkerOptions, type FitWorker } from './distributed/worker.ts';
export { queueStatus, type QueueStatus, type FitJobStatus } from './distributed/queue-status.ts';
export { queueResults, summaryCsv, type FitSummary } from './distributed/queue-results.ts';
export { validateFitJob, BadJobError, DEFAULT_MAX_PAYLOAD_BYTES, type FitJob, type JobData, type JobModel, type SweepData } from './distributed/job.ts';
export { readManifest, jobData, type DataTransfer } from './distributed/manifest.ts';
export type { WorkerPolicy } from './distributed/job-spec.ts';
export type { QueueConnection } from './distributed/connection.ts';
export type { FitProgress } from './distributed/run-fit-job.ts';
export * from './sbi/index.ts';
export { pairPlotSpec, type PairPlotData } from './plot/pair.ts';
export { posteriorPlotSvg, writePosteriorPlot } from './report/posterior-plot.ts';
export type { PosteriorSummary, SbiSettings } from './fit/posterior-summary.ts';
import { sbiHooks } from './fit/posterior-summary.ts';
import { writePosteriorPlot } from './report/posterior-plot.ts';
// fit/ may not import plot/: the package entry gives OptNeuron its posterior plot writer
sbiHooks.writePlot = writePosteriorPlot;
