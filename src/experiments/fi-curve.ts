import { Experiment, type ExperimentOptions } from '../experiment/experiment.ts';
import type { Results } from '../experiment/results.ts';
import { step } from '../sim/inputs.ts';
import type { Population } from '../sim/population.ts';
import { recordDefaults } from './defaults.ts';

export interface FICurveProtocol {
  /** Step amplitudes, one chunk each. */
  amplitudes: number[];
  start: number;
  stop: number;
  /** Simulated time per amplitude (ms); default `stop + start`. */
  duration?: number;
  param?: string;
}

/**
 * The f–I curve: one current step per amplitude, each from rest (a reset between them starts a new chunk).
 *
 * ```ts
 * const r = await new FICurve({ amplitudes: [0, 5, 10, 20], start: 50, stop: 550 }).execute(new Population(izhikevich));
 * r.spikes(3).length; // spike count at the largest amplitude
 * ```
 */
export class FICurve extends Experiment {
  constructor(
    readonly protocol: FICurveProtocol,
    options: ExperimentOptions = {},
  ) {
    super(options);
    if (protocol.amplitudes.length === 0) throw new Error('f-I curve: no amplitudes');
  }

  run(pop: Population): Results {
    const p = this.protocol;
    recordDefaults(this, pop);
    p.amplitudes.forEach((amplitude, k) => {
      if (k > 0) this.reset();
      pop.input(p.param ?? 'I', step({ amplitude, start: p.start, stop: p.stop }));
      this.simulate(p.duration ?? p.stop + p.start);
    });
    this.data.protocol = { ...p };
    return this.results();
  }

  /** Firing rate (Hz) during the step, one per amplitude. */
  static rates(results: Results, protocol: FICurveProtocol): number[] {
    return protocol.amplitudes.map((_, k) => {
      const n = results.spikes(k).filter((t) => t >= protocol.start && t < protocol.stop).length;
      return (1000 * n) / (protocol.stop - protocol.start);
    });
  }
}
