import { Experiment, type ExperimentOptions } from '../experiment/experiment.ts';
import type { Results } from '../experiment/results.ts';
import { ramp } from '../sim/inputs.ts';
import type { Population } from '../sim/population.ts';
import { recordDefaults } from './defaults.ts';

export interface RampProtocol {
  from: number;
  to: number;
  start: number;
  stop: number;
  /** Total simulated time (ms); default `stop + start`. */
  duration?: number;
  param?: string;
}

/**
 * A linear current ramp: where the first spike falls tells the rheobase.
 *
 * ```ts
 * const r = await new CurrentRamp({ from: 0, to: 20, start: 0, stop: 1000 }).execute(new Population(izhikevich));
 * r.spikes()[0]; // first spike time (ms): the rheobase is the ramp's value then
 * ```
 */
export class CurrentRamp extends Experiment {
  constructor(
    readonly protocol: RampProtocol,
    options: ExperimentOptions = {},
  ) {
    super(options);
  }

  run(pop: Population): Results {
    const p = this.protocol;
    recordDefaults(this, pop);
    pop.input(p.param ?? 'I', ramp({ from: p.from, to: p.to, start: p.start, stop: p.stop }));
    this.simulate(p.duration ?? p.stop + p.start);
    this.data.protocol = { ...p };
    return this.results();
  }
}
