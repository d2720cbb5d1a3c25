import { Experiment, type ExperimentOptions } from '../experiment/experiment.ts';
import type { Results } from '../experiment/results.ts';
import { step } from '../sim/inputs.ts';
import type { Population } from '../sim/population.ts';
import { recordDefaults } from './defaults.ts';

export interface StepProtocol {
  /** Step amplitude, in the model's current units. */
  amplitude: number;
  /** Step onset and offset (ms). */
  start: number;
  stop: number;
  /** Total simulated time (ms); default `stop + start`. */
  duration?: number;
  /** Current outside the step; default 0. */
  baseline?: number;
  /** The parameter the current drives; default `I`. */
  param?: string;
}

/**
 * One current step, one chunk. Records the membrane potential and spikes unless told otherwise.
 *
 * ```ts
 * const r = await new CurrentStep({ amplitude: 10, start: 50, stop: 550 }).execute(new Population(izhikevich));
 * r.trace('v'); r.spikes(); // voltage and spike times (ms)
 * ```
 */
export class CurrentStep extends Experiment {
  constructor(
    readonly protocol: StepProtocol,
    options: ExperimentOptions = {},
  ) {
    super(options);
  }

  run(pop: Population): Results {
    const p = this.protocol;
    recordDefaults(this, pop);
    pop.input(p.param ?? 'I', step({ amplitude: p.amplitude, start: p.start, stop: p.stop, baseline: p.baseline }));
    this.simulate(p.duration ?? p.stop + p.start);
    this.data.protocol = { ...p };
    return this.results();
  }
}
