import { Monitor } from '../sim/monitor.ts';
import type { Population } from '../sim/population.ts';
import { mergeChunks, Results, type BatchRecording } from './results.ts';

/**
 * The monitors of an experiment's population.
 *
 * ```ts
 * // inside an Experiment's run(pop):
 * const gate = this.monitors.add(['n'], { period: 1 }); // also record n, every ms
 * ```
 */
export class Monitors {
  readonly list: Monitor[] = [];

  constructor(readonly population: Population) {}

  /** Records `variables` (state, algebraic, parameter/input names, or `spike`), every `period` ms. */
  add(variables: string[], options: { period?: number; start?: boolean } = {}): Monitor {
    const m = new Monitor(this.population, variables, options);
    this.list.push(m);
    return m;
  }
  start(): void {
    this.list.forEach((m) => m.start());
  }
  pause(): void {
    this.list.forEach((m) => m.pause());
  }
  resume(): void {
    this.list.forEach((m) => m.resume());
  }
  /** Per chunk, variable -> N * rows values (neuron-major), merged over monitors. */
  getRecordings(): Record<string, Float64Array>[] {
    return this.batch().chunks.map((c) => Object.fromEntries(c.values));
  }
  getRecordingTimes(): Float64Array[] {
    return this.batch().chunks.map((c) => c.times);
  }
  /** Takes in monitors made elsewhere on this population (CompNeuroPy's `self.mon = Monitors(...)`). */
  adopt(monitors: Monitor | Monitor[] | Monitors): void {
    const list = monitors instanceof Monitors ? monitors.list : Array.isArray(monitors) ? monitors : [monitors];
    for (const m of list) {
      if (!(m instanceof Monitor)) throw new Error('experiment: this.monitors takes a Monitors, a Monitor or an array of Monitors');
      if (m.population !== this.population) throw new Error("experiment: a monitor of another population cannot record this experiment's population");
      if (!this.list.includes(m)) this.list.push(m);
    }
  }
  /** @internal Every Monitor on the population is included, one made with `new Monitor(pop, …)` inside `run()` too. */
  batch(): BatchRecording {
    for (const r of this.population.attached()) if (r instanceof Monitor && !this.list.includes(r)) this.list.push(r);
    return {
      ...mergeChunks(
        this.population.size,
        this.list.map((m) => m.chunks()),
      ),
      population: this.population.name,
    };
  }
  /** @internal */
  dispose(): void {
    for (const m of this.list) this.population.detach(m);
    this.list.length = 0;
  }
}

export interface ExperimentOptions {
  /** Variables every run records from the start (e.g. `['v', 'spike']`); `run()` may add more. */
  record?: string[];
  /** Recording period for `record` (ms; default every step). */
  recordingPeriod?: number;
}

/** What a driver may ask of one `execute()` besides recording. */
export interface ExecuteOptions extends ExperimentOptions {
  /** Only these sweeps, for an experiment that loops over {@link Experiment.sweepsToRun} (a gradient fit's mini-batch). */
  sweeps?: readonly number[];
}

/**
 * A protocol, as in CompNeuroPy: subclass it and implement `run(pop)`, which sets
 * inputs and parameters, calls `this.simulate(ms)` and `this.reset()`, records with
 * `this.monitors` and returns `this.results()`. The same `run()` serves a single
 * neuron or a whole batch of parameter sets.
 *
 * ```ts
 * class Pulse extends Experiment {
 *   run(pop: Population) { pop.input('I', step({ amplitude: 10, start: 10, stop: 110 })); this.simulate(150); return this.results(); }
 * }
 * const results = await new Pulse({ record: ['v', 'spike'] }).execute(new Population(izhikevich));
 * ```
 */
export abstract class Experiment {
  /** Anything the protocol wants to hand to the loss (stimulus amplitudes, windows, ...). */
  data: Record<string, unknown> = {};
  private population?: Population;
  private monitorSet?: Monitors;
  /** The sweeps a driver asked this run for (a mini-batch), and what {@link sweepsToRun} handed out. */
  private askedSweeps?: readonly number[];
  private ranSweeps?: { indices: number[]; count: number };

  constructor(readonly options: ExperimentOptions = {}) {}

  abstract run(pop: Population): Results | Promise<Results>;

  /** The population the experiment is running on. */
  get pop(): Population {
    if (!this.population) throw new Error('experiment: no population yet; start it with experiment.execute(pop)');
    return this.population;
  }

  get monitors(): Monitors {
    if (!this.monitorSet) throw new Error('experiment: no monitors yet; start it with experiment.execute(pop)');
    return this.monitorSet;
  }

  /**
   * CompNeuroPy assigns its monitors (`self.mon = Monitors(...)`): assigning a Monitors, a
   * Monitor or an array of them adds them to this run's recordings (the `record` option's
   * monitor stays).
   */
  set monitors(value: Monitors | Monitor | Monitor[]) {
    if (!this.monitorSet) throw new Error('experiment: monitors can be assigned only inside run(), once execute(pop) has started');
    this.monitorSet.adopt(value);
  }

  /**
   * Runs `run()` on `pop` with fresh monitors and data; what drivers and the CLI call.
   * `record` adds to (and overrides) the experiment's own recording options.
   */
  async execute(pop: Population, record: ExecuteOptions = {}): Promise<Results> {
    this.monitorSet?.dispose();
    this.population = pop;
    this.askedSweeps = record.sweeps;
    this.ranSweeps = undefined;
    pop.commitParameters();
    this.data = {};
    this.monitorSet = new Monitors(pop);
    const variables = [...new Set([...(this.options.record ?? []), ...(record.record ?? [])])];
    if (variables.length > 0) {
      this.monitorSet.add(variables, { period: record.recordingPeriod ?? this.options.recordingPeriod });
    }
    try {
      const results = await this.run(pop);
      if (this.askedSweeps && !this.ranSweeps) {
        throw new Error('experiment: a mini-batch of sweeps was asked for, but run() did not loop over this.sweepsToRun(n); write `for (const k of this.sweepsToRun(n)) { … }` for the n sweeps of the protocol');
      }
      return results;
    } finally {
      this.monitorSet.dispose();
    }
  }

  /**
   * The sweeps this run simulates, of the protocol's `n`: all of them (0 … n − 1), or only a
   * gradient fit's mini-batch (`miniBatch`). Loop over it, one chunk per sweep; chunk j of
   * the results is then sweep `results.sweeps[j]`.
   *
   * ```ts
   * run(pop: Population) {
   *   for (const k of this.sweepsToRun(AMPLITUDES.length)) { pop.input('I', step({ amplitude: AMPLITUDES[k]!, start: 10, stop: 60 })); this.simulate(80); this.reset(); }
   *   return this.results();
   * }
   * ```
   */
  sweepsToRun(n: number): number[] {
    if (!Number.isInteger(n) || n < 1) throw new Error(`experiment: sweepsToRun(n) takes the protocol's number of sweeps, an integer >= 1, got ${n}`);
    const asked = this.askedSweeps;
    const bad = asked?.filter((k) => !Number.isInteger(k) || k < 0 || k >= n);
    if (bad && bad.length > 0) throw new Error(`experiment: sweeps ${bad.join(', ')} were asked for, but the protocol has ${n} (0 … ${n - 1})`);
    const indices = asked ? [...asked] : Array.from({ length: n }, (_, k) => k);
    this.ranSweeps = { indices, count: n };
    return indices.slice();
  }

  simulate(ms: number): void {
    this.pop.simulate(ms);
  }

  /**
   * Back to time 0. `modelState`: state variables to their initial values;
   * `parameters`: parameters to the values the run started with and inputs removed;
   * `monitors`: a new chunk.
   */
  reset(o: { parameters?: boolean; modelState?: boolean; monitors?: boolean } = {}): void {
    const parameters = o.parameters ?? true;
    const modelState = o.modelState ?? true;
    const chunk = o.monitors ?? true;
    this.pop.reset({ state: modelState, parameters, chunk });
  }

  /** The recordings so far, with `this.data`. */
  results(): Results {
    const batch = this.monitors.batch();
    return new Results(this.ranSweeps ? { ...batch, sweeps: this.ranSweeps } : batch, this.data);
  }
}
