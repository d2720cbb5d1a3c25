import { Experiment, type ExperimentOptions } from '../experiment/experiment.ts';
import type { Results } from '../experiment/results.ts';
import { waveform, type Input } from '../sim/inputs.ts';
import type { Population } from '../sim/population.ts';

export interface ReplayedSweep {
  /** The injected current, one sample per `sampleDt`, from time 0. */
  I: ArrayLike<number>;
  sampleDt: number;
}

/**
 * Replays recorded command currents, one sweep per chunk, each from rest, and records
 * the membrane potential (the model's first state variable) at the data's sample times.
 *
 * ```ts
 * const sweeps = readRecording('cell.csv');
 * const r = await new ReplaySweeps(sweeps).execute(new Population(lif)); // r.trace('v', k) beside sweeps[k].v
 * ```
 */
export class ReplaySweeps extends Experiment {
  constructor(
    readonly sweeps: ReplayedSweep[],
    options: ExperimentOptions & { param?: string; variable?: string } = {},
  ) {
    super(options);
    if (sweeps.length === 0) throw new Error('ReplaySweeps: no sweeps');
    this.inputs = sweeps.map((s) => waveform(s.I, s.sampleDt));
  }

  /** Made once: every run (a fit runs thousands) replays the same currents, which each input keeps. */
  private readonly inputs: Input[];

  run(pop: Population): Results {
    const variable = (this.options as { variable?: string }).variable ?? pop.model.stateVariables[0]!;
    const param = (this.options as { param?: string }).param ?? 'I';
    const period = this.sweeps[0]!.sampleDt;
    if (this.sweeps.some((s) => Math.abs(s.sampleDt - period) > 1e-9 * period)) throw new Error('ReplaySweeps: sweeps must share one sampling interval');
    this.monitors.add(pop.model.spec.spike ? [variable, 'spike'] : [variable], { period });
    // all sweeps, or a gradient fit's mini-batch of them
    this.sweepsToRun(this.sweeps.length).forEach((k, j) => {
      if (j > 0) this.reset();
      const sweep = this.sweeps[k]!;
      pop.input(param, this.inputs[k]!);
      this.simulate(sweep.I.length * sweep.sampleDt);
    });
    return this.results();
  }
}
