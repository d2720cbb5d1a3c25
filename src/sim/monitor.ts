import type { Population } from './population.ts';
import type { Recorder, Segment } from './recorder.ts';

export type { Segment };

/** What a monitor recorded between two resets: one trace per variable and neuron, and spike times. */
export interface Chunk {
  /** name -> N * rows values, neuron-major (row r of neuron i at i * rows + r). */
  values: Map<string, Float64Array>;
  rows: number;
  /** Time of each row (ms since the chunk began). */
  times: Float64Array;
  /** Spike times per neuron (ms since the chunk began). */
  spikes: Float64Array[];
  /** With sensitivities: per neuron, d(spike time)/dθ, spike-major (spike k, θ p at k * P + p). */
  spikeSensitivities?: { theta: string[]; values: Float64Array[] };
  /** Simulated time covered by the chunk (ms). */
  duration: number;
}

interface OpenChunk {
  /** Kept rows are evenly spaced: step of row r is firstStep + r * every. */
  segments: { values: Map<string, Float64Array>; rows: number; firstStep: number; every: number }[];
  spikes: number[][];
  spikeSens: number[][];
  duration: number;
}

/**
 * Records variables (state, algebraic or inputs) and spikes of a population.
 * Recording can be paused and resumed; each reset of the population starts a new chunk.
 *
 * ```ts
 * const mon = new Monitor(pop, ['v', 'spike'], { period: 1 });
 * pop.simulate(100);
 * const [chunk] = mon.chunks(); // chunk!.values.get('v'), chunk!.spikes[0]
 * ```
 */
export class Monitor implements Recorder {
  readonly variables: string[];
  readonly recordSpikes: boolean;
  /** Record every `everySteps` steps. */
  readonly everySteps: number;
  private active: boolean;
  private closed: Chunk[] = [];
  private current: OpenChunk;

  constructor(
    readonly population: Population,
    variables: string[],
    options: { period?: number; start?: boolean } = {},
  ) {
    const model = population.model;
    this.recordSpikes = variables.includes('spike');
    this.variables = [...new Set(variables.filter((v) => v !== 'spike'))];
    for (const v of this.variables) {
      if (!model.hasVariable(v)) {
        throw new Error(
          `monitor: '${v}' is not a variable of neuron '${model.name}' (it has ${[...model.stateVariables, ...model.algebraicVariables, ...model.parameterNames, 'spike'].join(', ')})`,
        );
      }
    }
    if (this.recordSpikes && !model.spec.spike) throw new Error(`monitor: neuron '${model.name}' has no spike condition, so 'spike' cannot be recorded`);
    const period = options.period ?? population.dt;
    const every = Math.round(period / population.dt);
    if (!(every >= 1) || Math.abs(every * population.dt - period) > 1e-9 * period) {
      throw new Error(`monitor: period ${period} ms must be a positive multiple of dt (${population.dt} ms)`);
    }
    this.everySteps = every;
    this.active = options.start ?? true;
    this.current = this.emptyChunk();
    population.attach(this);
  }

  get isRecording(): boolean {
    return this.active;
  }
  start(): void {
    this.active = true;
  }
  resume(): void {
    this.active = true;
  }
  pause(): void {
    this.active = false;
  }

  /** Closes the current chunk (if it holds anything) and starts another. */
  newChunk(): void {
    const c = this.current;
    if (c.segments.length === 0 && c.spikes.every((s) => s.length === 0) && c.duration === 0) return;
    this.closed.push(this.finish(c));
    this.current = this.emptyChunk();
  }

  /** All chunks so far, the current one included. */
  chunks(): Chunk[] {
    const open = this.current;
    const hasOpen = open.segments.length > 0 || open.duration > 0 || this.closed.length === 0;
    return hasOpen ? [...this.closed, this.finish(open)] : [...this.closed];
  }

  /** CompNeuroPy's view: per chunk, variable -> N * rows values (neuron-major). */
  getRecordings(): Record<string, Float64Array>[] {
    return this.chunks().map((c) => Object.fromEntries(c.values));
  }

  getRecordingTimes(): Float64Array[] {
    return this.chunks().map((c) => c.times);
  }

  /** @internal Called by the population with every block it simulated. */
  receive(segment: Segment): void {
    const c = this.current;
    if (!this.active || this.variables.length === 0) return;
    // the population records at the gcd of all monitors' periods: keep every stride-th row
    const stride = this.everySteps / segment.every;
    let first = 0;
    while (first < segment.rows && (segment.firstStep + first * segment.every) % this.everySteps !== 0) first++;
    if (first >= segment.rows) return;
    const kept = Math.ceil((segment.rows - first) / stride);
    const N = this.population.size;
    const values = new Map<string, Float64Array>();
    // the variables, and their sensitivities when the population tracks them
    const keys = [...segment.values.keys()].filter((key) => this.variables.some((v) => key === v || key.startsWith(`∂${v}/∂`)));
    for (const v of keys) {
      const src = segment.values.get(v)!;
      if (kept === segment.rows) {
        values.set(v, src); // the kernel wrote this block for the monitors alone: no copy
        continue;
      }
      const dst = new Float64Array(N * kept);
      for (let i = 0; i < N; i++) for (let k = 0; k < kept; k++) dst[i * kept + k] = src[i * segment.rows + first + k * stride]!;
      values.set(v, dst);
    }
    c.segments.push({ values, rows: kept, firstStep: segment.firstStep + first * segment.every, every: this.everySteps });
  }

  /** @internal */
  receiveSpike(neuron: number, time: number, dTime?: number[]): void {
    if (!this.active || !this.recordSpikes) return;
    this.current.spikes[neuron]!.push(time);
    if (dTime) this.current.spikeSens[neuron]!.push(...dTime);
  }

  /** @internal The population has simulated up to `time` ms in this chunk. */
  advance(time: number): void {
    this.current.duration = time;
  }

  private emptyChunk(): OpenChunk {
    const perNeuron = () => Array.from({ length: this.population.size }, () => [] as number[]);
    return { segments: [], spikes: perNeuron(), spikeSens: perNeuron(), duration: 0 };
  }

  private finish(c: OpenChunk): Chunk {
    const N = this.population.size;
    const rows = c.segments.reduce((n, s) => n + s.rows, 0);
    const values = new Map<string, Float64Array>();
    const keys = c.segments.length > 0 ? [...c.segments[0]!.values.keys()] : this.variables;
    for (const v of keys) {
      if (c.segments.some((seg) => !seg.values.has(v))) continue; // tracked only in part of the chunk
      if (c.segments.length === 1) {
        values.set(v, c.segments[0]!.values.get(v)!);
        continue;
      }
      const out = new Float64Array(N * rows);
      let offset = 0;
      for (const seg of c.segments) {
        const src = seg.values.get(v)!;
        for (let i = 0; i < N; i++) out.set(src.subarray(i * seg.rows, (i + 1) * seg.rows), i * rows + offset);
        offset += seg.rows;
      }
      values.set(v, out);
    }
    const dt = this.population.dt;
    const times = new Float64Array(rows);
    let r = 0;
    for (const seg of c.segments) for (let k = 0; k < seg.rows; k++) times[r++] = (seg.firstStep + k * seg.every) * dt;
    const theta = [...this.population.sensitivities];
    const spikeSensitivities = theta.length > 0 ? { theta, values: c.spikeSens.map((s) => Float64Array.from(s)) } : undefined;
    return { values, rows, times, spikes: c.spikes.map((s) => Float64Array.from(s)), spikeSensitivities, duration: c.duration };
  }
}
