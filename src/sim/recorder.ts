/**
 * What a population feeds while it simulates. {@link Monitor} is the one recorder the
 * library has; the population sees only this interface, so the simulation layer does not
 * depend on how recordings are kept.
 */
/** One recorded block of rows, as the kernel wrote it. */
export interface Segment {
  /** Global step (since the chunk began) of row 0, and the step distance between rows. */
  firstStep: number;
  every: number;
  rows: number;
  /** name -> N * rows values, neuron-major. */
  values: Map<string, Float64Array>;
}

/** A consumer of a population's simulated blocks and spikes. */
export interface Recorder {
  /** Variables to record (state, algebraic or inputs); empty for spikes only. */
  readonly variables: string[];
  readonly recordSpikes: boolean;
  /** Rows wanted every `everySteps` steps. */
  readonly everySteps: number;
  /** False while paused: the population skips recording for it. */
  readonly isRecording: boolean;
  /** Every block the population simulated while this recorder was recording. */
  receive(segment: Segment): void;
  /** A spike of `neuron` at `time` (ms since the chunk began), with d(time)/dθ under sensitivities. */
  receiveSpike(neuron: number, time: number, dTime?: number[]): void;
  /** The population has simulated up to `time` ms in this chunk. */
  advance(time: number): void;
  /** A reset: what follows belongs to a new chunk. */
  newChunk(): void;
}
