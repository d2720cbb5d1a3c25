import { resolve } from 'node:path';
import type { NeuronModel } from '../model/neuron.ts';
import { builtinName } from '../model/builtin.ts';
import { loadNeuronModel } from '../models/load.ts';
import type { OptionsSource } from '../parallel/source.ts';
import type { Results } from '../experiment/results.ts';
import { resampleSweep, type Sweep } from '../io/recording.ts';
import { drawSpikes, resetsAtSpike } from '../io/draw-spikes.ts';
import { checkSweeps } from '../io/check.ts';
import { coincidenceFactor, detectSpikes } from '../loss/spikes.ts';
import { sweepSpikes } from './sweep-spikes.ts';
import { mse } from '../loss/trace.ts';
import { subthresholdRmse, sweepLoss, type SweepLossOptions, type SweepTrace } from '../loss/sweeps.ts';
import { isiDistanceKreuz, vanRossumDistance, victorPurpuraDistance } from '../loss/spike-distances.ts';
import { featureLoss, type FeatureTarget } from '../loss/features.ts';
import { coincidenceLoss, type CoincidenceLossOptions } from '../loss/coincidence.ts';
import { computeFeatures } from '../features/compute.ts';
import { ReplaySweeps } from '../experiments/replay-sweeps.ts';
import type { OptNeuronOptions } from './opt-neuron.ts';
import { AUTO_TIME_STEPS } from './time-step.ts';
import { parseMethod } from './method.ts';
import type { VariablesBounds } from './variables.ts';

export interface TraceFitSpec {
  model: NeuronModel;
  /** The module exporting `model` when it is not built in: worker threads load the model from it. */
  modelModule?: string;
  /** One or more sweeps of one cell, fitted jointly (one chunk each); resampled if their interval is not a multiple of dt. */
  sweeps: Sweep[];
  /** Parameters to fit. */
  fit: string[];
  /** Bounds of fitted parameters; default the model's typical ranges. */
  bounds?: Record<string, [number, number]>;
  /** Parameters held at other values than the model's defaults. */
  set?: Record<string, number>;
  /** The loss per sweep, summed over sweeps: see {@link TRACE_LOSSES}. Default 'auto': see {@link chooseTraceLoss}. */
  loss?: TraceLoss | 'auto';
  lossOptions?: SweepLossOptions & CoincidenceLossOptions;
  /** Threshold for spikes in the recorded voltage (mV). Default -20, as eFEL. */
  threshold?: number;
  /** For loss 'features': eFEL features compared (default {@link DEFAULT_FIT_FEATURES}). */
  features?: readonly string[];
  /** For loss 'features': the stimulus window (ms); default the span where the recorded current differs from its first value. */
  stimStart?: number;
  stimEnd?: number;
  /**
   * Integration step (ms), or 'auto' (the default): search at the coarsest step that divides
   * the sampling interval and keeps spike times (see {@link chooseTimeStep}), confirm at the
   * finest, about 0.005 ms (or the sampling interval if smaller). Gradient methods alone
   * default to 0.01 ms (or the sampling interval if smaller).
   */
  timeStep?: number | 'auto';
  method?: string;
  seed?: number;
  batchSize?: number;
  /** Worker threads for the search (default 1); each rebuilds these options from the spec. */
  workers?: number;
  /**
   * Told each doubtful thing found in the sweeps before any simulation (see
   * {@link checkSweeps}): likely seconds or volts, no spike above the threshold, a current
   * unit other than the model's. Default: `console.warn`.
   */
  onWarning?: (message: string) => void;
}

/**
 * Losses `fit-trace` offers, per sweep (summed over sweeps).
 *
 * ```ts
 * Object.keys(TRACE_LOSSES); // ['sweep', 'mse', 'subthreshold', 'gamma', 'van-rossum', 'victor-purpura', 'isi', 'features']
 * ```
 */
export const TRACE_LOSSES = {
  sweep: 'spike counts, spike times, intervals, latency and subthreshold voltage (sweepLoss; the default for steps)',
  coincidence: '1 - Γ with a soft window (δ = 2 ms) + 0.1 × subthreshold voltage term (coincidenceLoss; the default for any other stimulus)',
  mse: 'mean squared error of the voltage (differentiable: for gradient methods)',
  subthreshold: '(RMSE of the voltage away from spikes / 5 mV)^2',
  gamma: '1 - coincidence factor (Δ = 2 ms)',
  'van-rossum': 'van Rossum distance (τ = 10 ms)',
  'victor-purpura': 'Victor–Purpura distance (q = 0.1/ms) per data spike',
  isi: 'ISI distance (Kreuz)',
  features: 'eFEL features of data and model, capped z-scores (SD 5 % of the data value)',
} as const;

/** Features of every sweep that are the summary statistics of `--method sbi` unless told otherwise. */
export const SBI_TRACE_FEATURES = ['Spikecount', 'mean_frequency', 'time_to_first_spike', 'ISI_CV', 'adaptation_index', 'AP_amplitude', 'AHP_depth', 'voltage_base', 'steady_state_voltage'] as const;

/** A feature as one number: per-spike values averaged, a feature that does not exist (no spikes) 0, so that silence is a value, not a failure. */
function featureNumber(v: unknown): number {
  if (Array.isArray(v)) return v.length > 0 ? v.reduce((a: number, b: number) => a + b, 0) / v.length : 0;
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Features a `features` loss compares unless told otherwise. */
export const DEFAULT_FIT_FEATURES = ['Spikecount', 'mean_frequency', 'time_to_first_spike', 'voltage_base', 'ISI_CV', 'steady_state_voltage'] as const;
export type TraceLoss = keyof typeof TRACE_LOSSES;

/**
 * Builds the OptNeuron options that fit a model to recorded current-clamp sweeps.
 *
 * ```ts
 * const opt = new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'd'], loss: 'gamma' }));
 * const fit = await opt.run({ maxEvals: 500 });
 * ```
 */
export function traceFitOptions(spec: TraceFitSpec): OptNeuronOptions<SweepTrace[]> {
  const { model } = spec;
  if (spec.sweeps.length === 0) throw new Error('fit-trace: no data sweeps');
  if (spec.fit.length === 0) throw new Error('fit-trace: name the parameters to fit');
  const sampleDt = spec.sweeps[0]!.sampleDt;
  // gradient fitting alone has no search to run coarse: it keeps the step its sensitivities were checked at
  const searches = spec.method === undefined || parseMethod(spec.method).search !== undefined;
  const timeStep = spec.timeStep ?? (searches ? 'auto' : Math.min(0.01, sampleDt));
  if (timeStep !== 'auto' && !(timeStep > 0)) throw new Error(`fit-trace: timeStep must be > 0 ms or 'auto', got ${timeStep}`);
  // 'auto' chooses among steps that divide the sampling interval, so the data's grid stays the same
  const timeSteps = timeStep === 'auto' ? stepsDividing(sampleDt) : undefined;
  const dt = timeStep === 'auto' ? timeSteps![timeSteps!.length - 1]! : timeStep;
  // the model is recorded every k steps: data on another grid is resampled to the nearest multiple of dt
  const grid = dt * Math.max(1, Math.round(sampleDt / dt));
  const sweeps = spec.sweeps.map((s) => (Math.abs(s.sampleDt - grid) > 1e-9 * grid ? resampleSweep(s, grid) : s));
  const variablesBounds: VariablesBounds = {};
  for (const [p, value] of Object.entries(spec.set ?? {})) variablesBounds[p] = value;
  for (const p of spec.fit) {
    if (!model.parameterNames.includes(p) && !model.stateVariables.includes(p)) {
      throw new Error(`fit-trace: '${p}' is not a parameter of ${model.name} (parameters: ${model.parameterNames.join(', ')})`);
    }
    if (p in variablesBounds) throw new Error(`fit-trace: '${p}' is both fitted and set`);
    variablesBounds[p] = spec.bounds?.[p] ?? model.boundsOf(p);
  }
  for (const p of Object.keys(spec.bounds ?? {})) {
    if (!spec.fit.includes(p)) throw new Error(`fit-trace: bounds given for '${p}', which is not fitted (fitted: ${spec.fit.join(', ')})`);
  }
  const threshold = spec.threshold ?? -20;
  const warn = spec.onWarning ?? ((message: string) => console.warn(`warning: ${message}`));
  for (const w of checkSweeps(spec.sweeps, { threshold, modelCurrentUnit: model.spec.units['I'], dataCurrentUnit: spec.sweeps[0]!.currentUnit })) warn(w.message);
  const targets: SweepTrace[] = sweeps.map((s) => {
    const times = s.t.map((t) => t - s.t[0]!);
    return { times, v: s.v, spikes: sweepSpikes(s, threshold) };
  });
  const variable = model.stateVariables[0]!;
  const requested = spec.loss ?? 'auto';
  if (requested !== 'auto' && !(requested in TRACE_LOSSES)) throw new Error(`fit-trace: unknown loss '${requested}' (choose from auto, ${Object.keys(TRACE_LOSSES).join(', ')})`);
  const loss = requested === 'auto' ? chooseTraceLoss(sweeps).loss : requested;
  const featureNames = [...(spec.features ?? DEFAULT_FIT_FEATURES)];
  const windows = sweeps.map((s) => stimulusWindow(s, spec.stimStart, spec.stimEnd));
  const featureTargets: Record<string, FeatureTarget>[] =
    loss === 'features'
      ? targets.map((target, k) => {
          const values = computeFeatures({ t: target.times, v: target.v, stimStart: windows[k]![0], stimEnd: windows[k]![1], threshold }, featureNames);
          return Object.fromEntries(
            Object.entries(values)
              .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
              .map(([name, v]) => [name, { mean: v as number, sd: name.toLowerCase().includes('count') ? 0.5 : Math.max(0.05 * Math.abs(v as number), 0.1) }]),
          );
        })
      : [];
  const hasSpikes = model.spec.spike !== undefined;
  // method 'sbi': the summary statistics are eFEL features of every sweep
  const sbiNames = [...(spec.features ?? SBI_TRACE_FEATURES)];
  const sweepFeatures = (times: ArrayLike<number>, v: ArrayLike<number>, k: number): number[] => {
    const values = computeFeatures({ t: times, v, stimStart: windows[k]![0], stimEnd: windows[k]![1], threshold }, sbiNames);
    return sbiNames.map((n) => featureNumber(values[n]));
  };
  const sbi =
    spec.method === 'sbi'
      ? {
          summary: (ist: Results) =>
            targets.flatMap((target, k) => {
              const v = ist.trace(variable, k);
              const painted = resetsAtSpike(model) ? drawSpikes(v, ist.spikes(k), target.times[1]! - target.times[0]!, 0) : v;
              return sweepFeatures(target.times, painted, k);
            }),
          sbi: { observation: targets.flatMap((t, k) => sweepFeatures(t.times, t.v, k)) },
        }
      : {};
  return {
    ...sbi,
    experiment: new ReplaySweeps(sweeps.map((s) => ({ I: s.I, sampleDt: s.sampleDt }))),
    neuronModel: model,
    resultsSoll: targets,
    variablesBounds,
    targetRecordings: {
      chunks: targets.map((t, k) => ({
        times: Array.from(t.times),
        duration: sweeps[k]!.t.length * sweeps[k]!.sampleDt,
        spikes: Array.from(t.spikes),
        traces: { [variable]: Array.from(t.v), I: Array.from(sweeps[k]!.I) },
      })),
    },
    timeStep,
    ...(timeSteps ? { timeSteps } : {}),
    // the replayed stimulus is data too, and getLoss's source does not say which loss it computes
    fingerprint: {
      data: sweeps.map((s) => ({ I: s.I, sampleDt: s.sampleDt })),
      loss: { loss, threshold, lossOptions: spec.lossOptions ?? null, ...(loss === 'features' ? { features: featureNames, windows } : {}) },
    },
    workers: spec.workers,
    source: workerSource(spec),
    method: spec.method,
    seed: spec.seed,
    batchSize: spec.batchSize,
    // method 'lm' fits the voltage samples themselves
    residuals: (_ist: Results, soll: SweepTrace[]) => soll.map((target, k) => ({ trace: variable, chunk: k, target: target.v })),
    // chunk j is sweep k: every sweep, or a gradient fit's mini-batch (miniBatch)
    getLoss: (ist: Results, soll: SweepTrace[]) =>
      ist.sweeps.map((k, j) => {
        const target = soll[k]!;
        const v = ist.trace(variable, j);
        if (loss === 'mse') return mse(v, target.v);
        const spikes = hasSpikes ? ist.spikes(j) : detectSpikes(target.times, v, threshold);
        const duration = sweeps[k]!.t.length * sweeps[k]!.sampleDt;
        switch (loss) {
          case 'subthreshold': {
            const rmse = subthresholdRmse(target.times, v, target.v, [spikes, target.spikes], [2, 10]);
            return rmse === undefined ? 0 : (rmse / 5) ** 2;
          }
          case 'gamma':
            return 1 - coincidenceFactor(spikes, target.spikes, duration);
          case 'coincidence':
            return coincidenceLoss({ times: target.times, v, spikes }, target, duration, spec.lossOptions);
          case 'van-rossum':
            return vanRossumDistance(spikes, target.spikes, 10);
          case 'victor-purpura':
            return victorPurpuraDistance(spikes, target.spikes, 0.1) / Math.max(1, target.spikes.length);
          case 'isi':
            return isiDistanceKreuz(spikes, target.spikes, 0, duration);
          case 'features': {
            // a reset model never shows its spike in the sampled voltage: draw each one as a peak
            const painted = resetsAtSpike(model) ? drawSpikes(v, spikes, target.times[1]! - target.times[0]!, 0) : v;
            const values = computeFeatures({ t: target.times, v: painted, stimStart: windows[k]![0], stimEnd: windows[k]![1], threshold }, Object.keys(featureTargets[k]!));
            return featureLoss(values, featureTargets[k]!);
          }
        }
        return sweepLoss({ times: target.times, v, spikes }, target, spec.lossOptions);
      }),
  };
}

/**
 * The loss `fit-trace` uses when none is named: {@link sweepLoss} ('sweep') when every sweep's
 * current is a few steps (it holds its value for at least 99 % of the samples), else
 * {@link coincidenceLoss} ('coincidence'). Why two: the sweep loss's wide basins (count,
 * intervals, latency) recover bursting cells from steps, but it pairs spikes in order, which
 * one missed spike breaks under fluctuating input; there Γ is the judge (README, Fits that
 * generalise, gives the measurements).
 *
 * ```ts
 * chooseTraceLoss(stepSweeps);  // { loss: 'sweep', why: 'the current is piecewise constant (steps)' }
 * chooseTraceLoss([ouSweep]);   // { loss: 'coincidence', why: 'the current changes in 100 % of samples (fluctuating input)' }
 * ```
 */
export function chooseTraceLoss(sweeps: readonly Pick<Sweep, 'I'>[]): { loss: TraceLoss; why: string } {
  let changes = 0;
  let samples = 0;
  for (const { I } of sweeps) {
    for (let k = 1; k < I.length; k++) if (I[k] !== I[k - 1]) changes++;
    samples += Math.max(0, I.length - 1);
  }
  const fraction = samples > 0 ? changes / samples : 0;
  return fraction <= 0.01
    ? { loss: 'sweep', why: 'the current is piecewise constant (steps)' }
    : { loss: 'coincidence', why: `the current changes in ${(100 * fraction).toFixed(0)} % of samples (fluctuating input)` };
}

/**
 * Builds trace-fit options in a worker thread from a spec whose model is a name or a
 * module path (see {@link workerSource}).
 */
export async function traceFitWorkerOptions(spec: Omit<TraceFitSpec, 'model'> & { model: string }): Promise<OptNeuronOptions<SweepTrace[]>> {
  // the main thread has warned about the data already
  return traceFitOptions({ ...spec, model: await loadNeuronModel(spec.model), onWarning: () => {} });
}

/** Where workers rebuild the options: a built-in model by name, a user's model by its module. */
function workerSource(spec: TraceFitSpec): OptionsSource | undefined {
  const model = builtinName(spec.model) ?? (spec.modelModule ? resolve(spec.modelModule) : undefined);
  if (model === undefined) return undefined;
  // the sweeps as given: the worker repeats the resampling
  const { model: _model, onWarning: _onWarning, ...rest } = spec;
  return { module: import.meta.url, export: 'traceFitWorkerOptions', args: [{ ...rest, model }] };
}

/**
 * The steps near {@link AUTO_TIME_STEPS} that divide the sampling interval, coarsest first:
 * 0.1 ms sampling gives 0.1, 0.05, 0.02, 0.01; 0.25 ms gives 0.0833, 0.05, 0.0192, 0.01.
 */
function stepsDividing(sampleDt: number): number[] {
  // rounded: 0.1 / 20 is 0.004999999999999999 in floating point
  const steps = AUTO_TIME_STEPS.map((target) => +(sampleDt / Math.max(1, Math.round(sampleDt / target))).toPrecision(12));
  return [...new Set(steps)].sort((a, b) => b - a);
}

/** The stimulus window of a sweep: given, or where the recorded current departs from its first value. */
function stimulusWindow(sweep: Sweep, start?: number, end?: number): [number, number] {
  const t0 = sweep.t[0]!;
  const rest = sweep.I[0]!;
  let first = -1;
  let last = -1;
  for (let k = 0; k < sweep.I.length; k++) {
    if (sweep.I[k] !== rest) {
      if (first < 0) first = k;
      last = k;
    }
  }
  const duration = sweep.t.length * sweep.sampleDt;
  const detected: [number, number] = first < 0 ? [0, duration] : [sweep.t[first]! - t0, sweep.t[last]! - t0 + sweep.sampleDt];
  return [start ?? detected[0], end ?? detected[1]];
}
