import type { NeuronModel } from '../model/neuron.ts';
import type { Results } from '../experiment/results.ts';
import type { Sweep } from '../io/recording.ts';
import { detectSpikes } from '../loss/spikes.ts';
import { mse } from '../loss/trace.ts';
import { sweepLoss, type SweepLossOptions, type SweepTrace } from '../loss/sweeps.ts';
import { ReplaySweeps } from '../../experiments/replay-sweeps.ts';
import type { OptNeuronOptions } from './opt-neuron.ts';
import type { VariablesBounds } from './variables.ts';

export interface TraceFitSpec {
  model: NeuronModel;
  /** One or more sweeps of one cell, fitted jointly (one chunk each). */
  sweeps: Sweep[];
  /** Parameters to fit. */
  fit: string[];
  /** Bounds of fitted parameters; default the model's typical ranges. */
  bounds?: Record<string, [number, number]>;
  /** Parameters held at other values than the model's defaults. */
  set?: Record<string, number>;
  /** 'sweep' (default: spike counts, spike times and subthreshold voltage) or 'mse' on the voltage. */
  loss?: 'sweep' | 'mse';
  lossOptions?: SweepLossOptions;
  /** Threshold for spikes in the recorded voltage (mV). Default -20, as eFEL. */
  threshold?: number;
  timeStep?: number;
  method?: string;
  seed?: number;
  batchSize?: number;
}

/** Builds the OptNeuron options that fit a model to recorded current-clamp sweeps. */
export function traceFitOptions(spec: TraceFitSpec): OptNeuronOptions<SweepTrace[]> {
  const { model, sweeps } = spec;
  if (sweeps.length === 0) throw new Error('fit-trace: no data sweeps');
  if (spec.fit.length === 0) throw new Error('fit-trace: name the parameters to fit');
  const dt = spec.timeStep ?? Math.min(0.01, sweeps[0]!.sampleDt);
  for (const s of sweeps) {
    const ratio = s.sampleDt / dt;
    if (Math.abs(ratio - Math.round(ratio)) > 1e-6) throw new Error(`fit-trace: dt (${dt} ms) must divide the sampling interval of ${s.name} (${s.sampleDt} ms)`);
    if (Math.abs(s.sampleDt - sweeps[0]!.sampleDt) > 1e-9) throw new Error('fit-trace: all sweeps must share one sampling interval');
  }
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
  const targets: SweepTrace[] = sweeps.map((s) => {
    const times = s.t.map((t) => t - s.t[0]!);
    return { times, v: s.v, spikes: detectSpikes(times, s.v, threshold) };
  });
  const variable = model.stateVariables[0]!;
  const useMse = spec.loss === 'mse';
  const hasSpikes = model.spec.spike !== undefined;
  return {
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
    timeStep: dt,
    method: spec.method,
    seed: spec.seed,
    batchSize: spec.batchSize,
    // method 'lm' fits the voltage samples themselves
    residuals: (_ist: Results, soll: SweepTrace[]) => soll.map((target, k) => ({ trace: variable, chunk: k, target: target.v })),
    getLoss: (ist: Results, soll: SweepTrace[]) =>
      soll.map((target, k) => {
        const v = ist.trace(variable, k);
        if (useMse) return mse(v, target.v);
        const spikes = hasSpikes ? ist.spikes(k) : detectSpikes(target.times, v, threshold);
        return sweepLoss({ times: target.times, v, spikes }, target, spec.lossOptions);
      }),
  };
}
