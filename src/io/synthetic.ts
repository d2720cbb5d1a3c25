import type { NeuronModel } from '../model/neuron.ts';
import { Population } from '../sim/population.ts';
import { Monitor } from '../sim/monitor.ts';
import { step } from '../sim/inputs.ts';
import { gaussian, neuronStreams } from '../numeric/random.ts';
import type { Sweep } from './recording.ts';
import { drawSpikes } from './draw-spikes.ts';

export interface SyntheticSweepOptions {
  /** Parameter values other than the model's defaults. */
  params?: Record<string, number>;
  /** Step amplitudes, one sweep each. */
  amplitudes: number[];
  start: number;
  stop: number;
  duration: number;
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
  return o.amplitudes.map((amplitude, k) => {
    const pop = new Population(model, 1, { dt: o.dt });
    if (o.params) pop.set(o.params).reset();
    pop.input('I', step({ amplitude, start: o.start, stop: o.stop }));
    const mon = new Monitor(pop, model.spec.spike ? [variable, 'I', 'spike'] : [variable, 'I'], { period: o.sampleDt });
    pop.simulate(o.duration);
    const chunk = mon.chunks()[0]!;
    const recorded = chunk.values.get(variable)!;
    const v = o.peak !== undefined ? drawSpikes(recorded, chunk.spikes[0]!, o.sampleDt, o.peak) : recorded.slice();
    if (o.noise) for (let r = 0; r < v.length; r++) v[r]! += o.noise * gaussian(rng);
    return { name: `${model.name} I=${amplitude}`, t: chunk.times.slice(), I: chunk.values.get('I')!.slice(), v, sampleDt: o.sampleDt, spikes: chunk.spikes[0]!.slice() };
  });
}
