import type { NeuronModel } from '../model/neuron.ts';
import { Population } from '../sim/population.ts';
import { Experiment } from '../experiment/experiment.ts';
import type { Results } from '../experiment/results.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Point } from '../search/space.ts';
import { toNumber, type LossValue } from '../loss/value.ts';
import { Variables, type VariablesBounds } from './variables.ts';
import { FIT_DEFAULTS } from './defaults.ts';

/**
 * `getLoss(ist, soll)`: `ist` is one parameter set's `Results`, `soll` is
 * `resultsSoll` or the target model's `Results` of the same experiment.
 */
export type GetLoss<Soll = unknown> = (ist: Results, soll: Soll) => LossValue | Promise<LossValue>;

/** The part of {@link OptNeuronOptions} that says how one parameter set is simulated and scored. */
export interface EvaluatorOptions<Soll = unknown> {
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
  /** Variables every run records, in addition to what the experiment records. */
  record?: string[];
  recordingPeriod?: number;
  /** Seeds the search and the noise. Default 0. */
  seed?: number;
  /**
   * Method 'sbi': the summary statistics of one run, `x` for simulation-based inference (x_o is
   * the summary of the target). Without it, x is the vector of getLoss's terms and x_o zeros.
   */
  summary?: (results: Results) => number[];
  /** @internal Keep each evaluation's summary statistics `x` (set by method 'sbi'). */
  keepSummaries?: boolean;
}

/** What getLoss compares with: the given data, or the target model's run (one neuron per repetition). */
export type Target<Soll> = { kind: 'data'; soll: Soll } | { kind: 'model'; results: Results };

/** The `soll` getLoss sees for repetition `rep`: repetition r of a target model sees noise realisation r, as the fitted model does. */
export function sollFor<Soll>(target: Target<Soll>, rep: number): Soll {
  return target.kind === 'model' ? (target.results.forNeuron(rep) as Soll) : target.soll;
}

/**
 * Simulates parameter sets and scores them against the target: all a worker thread needs
 * of a fit. A batch of points runs as one population through the experiment's unchanged
 * `run()`, each point `numRepLoss` times; its loss is the mean over the repetitions.
 *
 * ```ts
 * const evaluator = new Evaluator({ experiment, neuronModel: izhikevich, resultsSoll, getLoss, variablesBounds: { a: [0.01, 0.1] } });
 * const [e] = await evaluator.evaluate([{ a: 0.02 }]);
 * console.log(e.params, e.loss, e.lossSd);
 * ```
 */
export class Evaluator<Soll = unknown> {
  readonly variables: Variables;
  readonly experiment: Experiment;
  readonly seed: number;
  readonly timeStep: number;
  readonly numRepLoss: number;
  private targetCache: Promise<Target<Soll>> | undefined;

  constructor(readonly options: EvaluatorOptions<Soll>) {
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
    this.seed = o.seed ?? FIT_DEFAULTS.seed;
    this.timeStep = o.timeStep ?? FIT_DEFAULTS.timeStep;
    if (!(this.timeStep > 0)) throw new Error(`OptNeuron: timeStep must be > 0 ms, got ${this.timeStep}`);
    this.numRepLoss = o.numRepLoss ?? FIT_DEFAULTS.numRepLoss;
    if (!Number.isInteger(this.numRepLoss) || this.numRepLoss < 1) throw new Error(`OptNeuron: numRepLoss must be an integer >= 1, got ${this.numRepLoss}`);
    if (o.targetParameters && o.targetNeuronModel) {
      for (const p of Object.keys(o.targetParameters)) {
        if (!o.targetNeuronModel.parameterNames.includes(p)) throw new Error(`OptNeuron: targetParameters.${p} is not a parameter of '${o.targetNeuronModel.name}'`);
      }
    }
  }

  /** Simulates the experiment for some points of the fitted variables, `reps` repetitions each, as one batch. */
  async simulate(model: NeuronModel, points: Point[], reps: number, sensitivities: string[] = [], sweeps?: readonly number[]): Promise<Results> {
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
    return this.experiment.execute(pop, { record: this.options.record, recordingPeriod: this.options.recordingPeriod, ...(sweeps ? { sweeps } : {}) });
  }

  /** The target, computed once (the target model's run) and kept. */
  target(): Promise<Target<Soll>> {
    this.targetCache ??= this.computeTarget();
    return this.targetCache;
  }

  /**
   * Evaluates points (values of the fitted variables) as one batch in this thread. A point
   * whose expressions cannot be resolved is a failed evaluation (loss NaN). `target` saves
   * a caller that holds it already a wait for {@link target}.
   */
  async evaluate(points: Point[], target?: Target<Soll>): Promise<Evaluation[]> {
    const against = target ?? (await this.target());
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
      let x: number[] | undefined;
      for (let rep = 0; rep < reps; rep++) {
        const ist = results!.forNeuron(next * reps + rep);
        const value = await this.options.getLoss(ist, sollFor(against, rep));
        losses.push(toNumber(value));
        if (rep === 0 && this.options.keepSummaries) x = this.summaryOf(ist, value);
      }
      next++;
      const mean = losses.reduce((a, b) => a + b, 0) / reps;
      const sd = Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / reps);
      out.push(x ? { params, loss: mean, lossSd: sd, x } : { params, loss: mean, lossSd: sd });
    }
    return out;
  }

  /** A run's summary statistics: `summary(results)`, or getLoss's terms (a failed summary is NaNs, dropped by the inference). */
  private summaryOf(ist: Results, value: LossValue): number[] {
    if (this.options.summary) {
      try {
        return Array.from(this.options.summary(ist), Number);
      } catch {
        return [NaN];
      }
    }
    if (typeof value === 'number') return [value];
    if (Array.isArray(value)) return (value as number[]).map(Number);
    return [toNumber(value)];
  }

  /** The fitted variables' values among all of a parameter set's values. */
  fittedPart(params: Record<string, number>): Point {
    return Object.fromEntries(this.variables.fitted.map((f) => [f.name, params[f.name]!]));
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
}

function instantiate(cls: new () => Experiment): Experiment {
  if (typeof cls !== 'function') throw new Error('OptNeuron: experiment must be an Experiment instance or class');
  const e = new cls();
  if (!(e instanceof Experiment)) throw new Error('OptNeuron: experiment must extend Experiment');
  return e;
}
