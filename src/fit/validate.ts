import type { NeuronModel } from '../model/neuron.ts';
import { Population } from '../sim/population.ts';
import { resampleSweep, type Sweep } from '../io/recording.ts';
import { coincidenceFactor, detectSpikes } from '../loss/spikes.ts';
import { sweepSpikes } from './sweep-spikes.ts';
import { subthresholdRmse } from '../loss/sweeps.ts';
import { ReplaySweeps } from '../experiments/replay-sweeps.ts';
import type { RecordingsJson } from '../experiment/results.ts';

/** How a fitted model does on one sweep it was not fitted to. */
export interface SweepValidation {
  name: string;
  /** Coincidence factor Γ (Δ = 2 ms) of model and recorded spikes. */
  gamma: number;
  modelSpikes: number;
  dataSpikes: number;
  /** model − data spike count. */
  spikeCountError: number;
  /** RMSE (mV) of the voltage away from spikes (2 ms before to 10 ms after each); null if every sample is near a spike. */
  subthresholdRmse: number | null;
}

export interface Validation {
  sweeps: SweepValidation[];
  /** Means over the sweeps. */
  gamma: number;
  spikeCountError: number;
  /** The held-out sweeps (`data`: recorded voltage, current and spikes) and the fitted model's response (`model`), one chunk each, for plots. */
  recordings?: { data: RecordingsJson; model: RecordingsJson };
}

/**
 * Runs the fitted model on held-out sweeps (their recorded current replayed) and scores
 * it as the field does: Γ with Δ = 2 ms, spike-count error and subthreshold RMSE.
 *
 * ```ts
 * const v = await validateOnSweeps(izhikevich, fit.params, heldOut, { timeStep: 0.05 });
 * v.gamma; // mean Γ over the held-out sweeps (1: every spike matched)
 * ```
 */
export async function validateOnSweeps(
  model: NeuronModel,
  params: Record<string, number>,
  sweeps: Sweep[],
  o: { timeStep: number; threshold?: number },
): Promise<Validation> {
  if (sweeps.length === 0) throw new Error('validation: no sweeps');
  const dt = o.timeStep;
  const grid = dt * Math.max(1, Math.round(sweeps[0]!.sampleDt / dt));
  const onGrid = sweeps.map((s) => (Math.abs(s.sampleDt - grid) > 1e-9 * grid ? resampleSweep(s, grid) : s));
  const pop = new Population(model, 1, { dt });
  const own = Object.fromEntries(Object.entries(params).filter(([p]) => model.parameterNames.includes(p)));
  const initial = Object.fromEntries(Object.entries(params).filter(([p]) => model.stateVariables.includes(p)));
  pop.set(own);
  if (Object.keys(initial).length > 0) pop.setInitial(initial);
  pop.reset();
  const results = (await new ReplaySweeps(onGrid.map((s) => ({ I: s.I, sampleDt: s.sampleDt }))).execute(pop)).forNeuron(0);
  const variable = model.stateVariables[0]!;
  const threshold = o.threshold ?? -20;
  const scored = onGrid.map((s, k): SweepValidation => {
    const times = s.t.map((t) => t - s.t[0]!);
    const data = sweepSpikes(s, threshold);
    const v = results.trace(variable, k);
    const spikes = model.spec.spike ? results.spikes(k) : detectSpikes(times, v, threshold);
    const rmse = subthresholdRmse(times, v, s.v, [spikes, data], [2, 10]);
    return {
      name: sweeps[k]!.name,
      gamma: coincidenceFactor(spikes, data, s.t.length * s.sampleDt),
      modelSpikes: spikes.length,
      dataSpikes: data.length,
      spikeCountError: spikes.length - data.length,
      subthresholdRmse: rmse ?? null,
    };
  });
  const mean = (f: (s: SweepValidation) => number) => scored.reduce((a, s) => a + f(s), 0) / scored.length;
  const chunk = (s: Sweep, v: ArrayLike<number>, spikes: ArrayLike<number>, I?: ArrayLike<number>) => ({
    times: Array.from(s.t, (t) => t - s.t[0]!),
    duration: s.t.length * s.sampleDt,
    spikes: Array.from(spikes),
    traces: { [variable]: Array.from(v), ...(I ? { I: Array.from(I) } : {}) },
  });
  const recordings = {
    data: { chunks: onGrid.map((s) => chunk(s, s.v, sweepSpikes(s, threshold), s.I)) },
    model: { chunks: onGrid.map((s, k) => chunk(s, results.trace(variable, k), model.spec.spike ? results.spikes(k) : detectSpikes(s.t.map((t) => t - s.t[0]!), results.trace(variable, k), threshold))) },
  };
  return { sweeps: scored, gamma: mean((s) => s.gamma), spikeCountError: mean((s) => s.spikeCountError), recordings };
}
