import type { NeuronModel } from '../model/neuron.ts';
import { Population } from '../sim/population.ts';
import { Monitor } from '../sim/monitor.ts';
import { step, waveform } from '../sim/inputs.ts';
import { gaussian, neuronStreams } from '../numeric/random.ts';
import type { Sweep } from './recording.ts';
import { drawSpikes } from './draw-spikes.ts';

export interface SyntheticSweepOptions {
  /** Parameter values other than the model's defaults. */
  params?: Record<string, number>;
  /** Step amplitudes, one sweep each (or `currents`). */
  amplitudes?: number[];
  start?: number;
  stop?: number;
  duration?: number;
  /** Injected currents sampled every `sampleDt` from time 0, one sweep each: replayed instead of steps (e.g. {@link ouCurrent}). */
  currents?: ArrayLike<number>[];
  /** Integration step (ms). */
  dt: number;
  /** Sampling interval of the "recording" (ms), a multiple of dt. */
  sampleDt: number;
  /**
   * Integrate-and-fire models reset within the step that crosses threshold, so the
   * sampled voltage never shows the spike; with `peak`, the first sample after each spike
   * shows it at this value, as a recording would. Default: none.
   */
  peak?: number;
  /** Gaussian recording noise (mV SD). Default 0. */
  noise?: number;
  seed?: number;
}

/**
 * Current-clamp sweeps simulated from a model with known parameters: data for recovery tests.
 *
 * ```ts
 * const sweeps = syntheticSweeps(lif, { amplitudes: [2, 3], start: 50, stop: 550, duration: 600, dt: 0.05, sampleDt: 0.1, params: { tau_m: 15 }, peak: 30 });
 * sweeps[0]!.spikes; // the true spike times (ms)
 * ```
 */
export function syntheticSweeps(model: NeuronModel, o: SyntheticSweepOptions): Sweep[] {
  const variable = model.stateVariables[0]!;
  const rng = neuronStreams(`synthetic:${o.seed ?? 0}`, 1)[0]!;
  const stimuli = o.currents
    ? o.currents.map((I, k) => ({ name: `${model.name} current ${k}`, input: waveform(I, o.sampleDt), duration: I.length * o.sampleDt }))
    : (o.amplitudes ?? []).map((amplitude) => {
        if (o.start === undefined || o.stop === undefined || o.duration === undefined) throw new Error('syntheticSweeps: steps need start, stop and duration (or give currents)');
        return { name: `${model.name} I=${amplitude}`, input: step({ amplitude, start: o.start, stop: o.stop }), duration: o.duration };
      });
  if (stimuli.length === 0) throw new Error('syntheticSweeps: give step amplitudes or currents');
  return stimuli.map(({ name, input, duration }) => {
    const pop = new Population(model, 1, { dt: o.dt });
    if (o.params) pop.set(o.params).reset();
    pop.input('I', input);
    const mon = new Monitor(pop, model.spec.spike ? [variable, 'I', 'spike'] : [variable, 'I'], { period: o.sampleDt });
    pop.simulate(duration);
    const chunk = mon.chunks()[0]!;
    const recorded = chunk.values.get(variable)!;
    const v = o.peak !== undefined ? drawSpikes(recorded, chunk.spikes[0]!, o.sampleDt, o.peak) : recorded.slice();
    if (o.noise) for (let r = 0; r < v.length; r++) v[r]! += o.noise * gaussian(rng);
    return { name, t: chunk.times.slice(), I: chunk.values.get('I')!.slice(), v, sampleDt: o.sampleDt, spikes: chunk.spikes[0]!.slice() };
  });
}

/**
 * A sampled Ornstein–Uhlenbeck current (mean, SD, correlation time τ in ms), updated exactly
 * (x ← μ + (x − μ) e^(−Δ/τ) + σ √(1 − e^(−2Δ/τ)) ξ), starting from its stationary distribution:
 * the fluctuating input with which reduced models are judged (Brette & Gerstner 2005;
 * Jolivet et al. 2008). Reproducible with `seed`.
 *
 * ```ts
 * const I = ouCurrent({ mean: 142, sd: 237, tau: 5, duration: 4000, sampleDt: 0.1, seed: 1 }); // pA
 * const [sweep] = syntheticSweeps(adex, { currents: [I], dt: 0.05, sampleDt: 0.1, peak: 0 });
 * ```
 */
export function ouCurrent(o: { mean: number; sd: number; tau: number; duration: number; sampleDt: number; seed?: number | string }): Float64Array {
  if (!(o.tau > 0) || !(o.sd >= 0) || !(o.sampleDt > 0) || !(o.duration > 0)) {
    throw new Error(`ouCurrent: tau, duration and sampleDt must be > 0 and sd >= 0 (got tau ${o.tau}, sd ${o.sd}, duration ${o.duration}, sampleDt ${o.sampleDt})`);
  }
  const rng = neuronStreams(`ou:${o.seed ?? 0}`, 1)[0]!;
  const n = Math.round(o.duration / o.sampleDt);
  const decay = Math.exp(-o.sampleDt / o.tau);
  const kick = o.sd * Math.sqrt(1 - decay * decay);
  const out = new Float64Array(n);
  let x = o.mean + o.sd * gaussian(rng);
  for (let k = 0; k < n; k++) {
    out[k] = x;
    x = o.mean + (x - o.mean) * decay + kick * gaussian(rng);
  }
  return out;
}
