import type { Chunk } from '../sim/monitor.ts';

/** The recordings of one monitor set, for a whole batch of neurons. */
export interface BatchRecording {
  size: number;
  /** Per chunk, the merged recordings of every monitor. */
  chunks: Chunk[];
  /** The population's name, for CompNeuroPy's `'<pop>;<var>'` keys. */
  population?: string;
  /** With {@link Experiment.sweepsToRun}: the sweep each chunk is, and how many the protocol has. */
  sweeps?: { indices: number[]; count: number };
}

/**
 * CompNeuroPy's recordings of one chunk: `'<pop>;<var>'` → [time × neuron] rows, beside the
 * plain `variable` → this neuron's trace.
 */
export type ChunkRecordings = { [variable: string]: Float64Array } & { [popVar: `${string};${string}`]: number[][] };

/** `Results.toJSON()`, and recordings in a results file: one neuron's recordings per chunk. */
export interface RecordingsJson {
  chunks: { times: number[]; duration: number; spikes: number[]; traces: Record<string, number[]> }[];
  data?: Record<string, unknown>;
}

/**
 * What an experiment returns: recordings per chunk (a chunk ends at each reset),
 * spike times and the experiment's own `data`. A `Results` is the view of one
 * neuron of the batch that ran; `forNeuron(i)` gives the view of another.
 *
 * ```ts
 * results.trace('v');      // membrane potential in chunk 0
 * results.spikes(1);       // spike times (ms) in chunk 1
 * results.forNeuron(2).spikes(); // the same for neuron 2 of the batch
 * ```
 */
export class Results {
  constructor(
    private readonly batch: BatchRecording,
    readonly data: Record<string, unknown> = {},
    readonly neuron = 0,
    /** A one-neuron view (forNeuron, what a fit's loss sees): `'<pop>;<var>'` arrays hold that neuron only. */
    private readonly single = false,
  ) {
    if (neuron < 0 || neuron >= batch.size) throw new Error(`results: neuron ${neuron} out of range 0..${batch.size - 1}`);
  }

  /** Neurons in the batch that produced these results. */
  get size(): number {
    return this.batch.size;
  }

  get numChunks(): number {
    return this.batch.chunks.length;
  }

  /**
   * The sweep each chunk is: chunk j is sweep `sweeps[j]`. All of them in order (0, 1, …)
   * unless a gradient fit's mini-batch ran only some (an experiment that loops over
   * `this.sweepsToRun(n)`); a loss that compares chunk j with target sweep `sweeps[j]` works either way.
   *
   * ```ts
   * const loss = ist.sweeps.map((k, j) => mse(ist.trace('v', j), soll[k]));
   * ```
   */
  get sweeps(): number[] {
    return this.batch.sweeps?.indices.slice() ?? Array.from({ length: this.numChunks }, (_, j) => j);
  }

  /** How many sweeps the protocol has (`n` of {@link Experiment.sweepsToRun}), or the number of chunks if it did not say. */
  get sweepCount(): number {
    return this.batch.sweeps?.count ?? this.numChunks;
  }

  /** Names of the recorded variables (and `spike` if spikes were recorded). */
  get monDict(): string[] {
    const names = new Set<string>();
    for (const c of this.batch.chunks) for (const k of c.values.keys()) names.add(k);
    return [...names];
  }

  /** The same results seen from neuron `i` of the batch. */
  forNeuron(i: number): Results {
    return new Results(this.batch, this.data, i, true);
  }

  /** The recorded values of `name` in `chunk` for this neuron. */
  trace(name: string, chunk = 0): Float64Array {
    const c = this.chunk(chunk);
    const values = c.values.get(name);
    if (!values) {
      const recorded = [...c.values.keys()];
      throw new Error(`results: '${name}' was not recorded in chunk ${chunk} (recorded: ${recorded.length ? recorded.join(', ') : 'nothing'})`);
    }
    return values.subarray(this.neuron * c.rows, (this.neuron + 1) * c.rows);
  }

  /**
   * d(trace of `name`)/d`theta` in `chunk` for this neuron, recorded when the population
   * tracked sensitivities (`pop.trackSensitivities([...])`).
   */
  sensitivity(name: string, theta: string, chunk = 0): Float64Array {
    return this.trace(`∂${name}/∂${theta}`, chunk);
  }

  /** Times of the recorded rows in `chunk` (ms since the chunk began). */
  times(chunk = 0): Float64Array {
    return this.chunk(chunk).times;
  }

  /** Spike times of this neuron in `chunk` (ms since the chunk began). */
  spikes(chunk = 0): Float64Array {
    return this.chunk(chunk).spikes[this.neuron] ?? new Float64Array(0);
  }

  /**
   * d(spike time)/d`theta` for each of this neuron's spikes in `chunk`, when the population
   * tracked sensitivities: the spike time is interpolated inside its step, so it moves
   * smoothly with the parameters while the spike stays in that step.
   */
  spikeSensitivity(theta: string, chunk = 0): Float64Array {
    const c = this.chunk(chunk);
    const sens = c.spikeSensitivities;
    const p = sens ? sens.theta.indexOf(theta) : -1;
    if (!sens || p < 0) throw new Error(`results: no spike-time sensitivity to '${theta}' was recorded (record 'spike' with sensitivities tracked)`);
    const P = sens.theta.length;
    const all = sens.values[this.neuron]!;
    return Float64Array.from({ length: all.length / P }, (_, k) => all[k * P + p]!);
  }

  /** Simulated duration of `chunk` (ms). */
  duration(chunk = 0): number {
    return this.chunk(chunk).duration;
  }

  /**
   * CompNeuroPy's `recordings`: per chunk, `variable` → this neuron's trace and
   * `'<pop>;<variable>'` → [time × neuron] rows: every neuron of the batch for the results of
   * an experiment, the one neuron for a fit's per-neuron view (`forNeuron`).
   *
   * ```ts
   * const v = results.recordings[0]!['hh;v']!; // v[t][neuron]
   * ```
   */
  get recordings(): ChunkRecordings[] {
    const pop = this.batch.population ?? 'pop';
    return this.batch.chunks.map((c, k) => {
      const out: Record<string, Float64Array | number[][]> = {};
      for (const v of c.values.keys()) {
        out[v] = this.trace(v, k);
        const neurons = this.single ? [this.neuron] : Array.from({ length: this.batch.size }, (_, i) => i);
        const values = c.values.get(v)!;
        out[`${pop};${v}`] = Array.from({ length: c.rows }, (_, t) => neurons.map((i) => values[i * c.rows + t]!));
      }
      return out as ChunkRecordings;
    });
  }

  /** CompNeuroPy's `recording_times`: per chunk, the row times. */
  get recordingTimes(): Float64Array[] {
    return this.batch.chunks.map((c) => c.times);
  }

  /** Plain data for JSON files: this neuron's traces, times and spikes per chunk. */
  toJSON(): RecordingsJson & { data: Record<string, unknown> } {
    return {
      chunks: this.batch.chunks.map((c, k) => ({
        times: Array.from(c.times),
        duration: c.duration,
        spikes: Array.from(this.spikes(k)),
        traces: Object.fromEntries([...c.values.keys()].map((v) => [v, Array.from(this.trace(v, k))])),
      })),
      data: this.data,
    };
  }

  private chunk(k: number): Chunk {
    const c = this.batch.chunks[k];
    if (!c) throw new Error(`results: no chunk ${k} (there are ${this.batch.chunks.length})`);
    return c;
  }
}

/** Merges the chunks of several monitors of one population (chunk k of each belongs together). */
export function mergeChunks(size: number, perMonitor: Chunk[][]): BatchRecording {
  const count = Math.max(0, ...perMonitor.map((c) => c.length));
  const chunks: Chunk[] = [];
  for (let k = 0; k < count; k++) {
    const parts = perMonitor.map((c) => c[k]).filter((c): c is Chunk => c !== undefined);
    const withRows = parts.filter((p) => p.values.size > 0);
    const rowsDiffer = withRows.some((p) => p.rows !== withRows[0]!.rows);
    if (rowsDiffer) throw new Error('results: monitors with different periods cannot share one Results; use one period');
    const values = new Map<string, Float64Array>();
    for (const p of withRows) for (const [name, v] of p.values) values.set(name, v);
    const spikes = Array.from({ length: size }, (_, i) => {
      const withSpikes = parts.find((p) => p.spikes[i]!.length > 0);
      return withSpikes ? withSpikes.spikes[i]! : new Float64Array(0);
    });
    const withSpikeSens = parts.find((p) => p.spikeSensitivities && p.spikes.some((s) => s.length > 0)) ?? parts.find((p) => p.spikeSensitivities);
    chunks.push({
      values,
      spikeSensitivities: withSpikeSens?.spikeSensitivities,
      rows: withRows[0]?.rows ?? 0,
      times: withRows[0]?.times ?? new Float64Array(0),
      spikes,
      duration: Math.max(...parts.map((p) => p.duration)),
    });
  }
  return { size, chunks };
}
