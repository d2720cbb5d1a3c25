import { gaussian, type Uniform } from '../numeric/random.ts';

/** What an input needs to know to produce its values for a block of steps. */
export interface InputContext {
  /** Index of the block's first step since the last reset; step s is at (s0 + s) * dt. */
  s0: number;
  dt: number;
  steps: number;
  /** Neurons in the population. */
  N: number;
  /** One generator per neuron, for noise. */
  rng: Uniform[];
  /** Each neuron's value of a parameter (for stimuli whose amplitude is itself fitted). */
  param(name: string): Float64Array;
}

/**
 * A time-varying value of a parameter (usually the injected current `I`),
 * evaluated at the start of each step and held through it.
 */
export interface Input {
  /** True if neurons get different values (noise); the block is then `N * steps`, neuron-major. */
  readonly perNeuron: boolean;
  fill(out: Float64Array, ctx: InputContext): void;
  /**
   * A shared input's values for a block, as an array the caller only reads: lets an input
   * that is replayed for every batch of a fit hand out one array instead of a new one each
   * time (a fresh 800 kB block per batch made threads of one process wait on each other).
   */
  block?(ctx: InputContext): Float64Array;
  /** Forgets internal state (the value of an Ornstein–Uhlenbeck process). Called at a population reset. */
  reset?(): void;
}

/** Tolerance for comparing step times with protocol times, as a fraction of dt. */
const EDGE = 1e-6;

function shared(value: (t: number, dt: number) => number): Input {
  // a fit replays the same protocol for every batch: the last block is kept
  let last: { s0: number; dt: number; values: Float64Array } | undefined;
  const fill = (out: Float64Array, { s0, dt, steps }: InputContext) => {
    for (let s = 0; s < steps; s++) out[s] = value((s0 + s) * dt, dt);
  };
  return {
    perNeuron: false,
    fill,
    block(ctx) {
      if (!last || last.s0 !== ctx.s0 || last.dt !== ctx.dt || last.values.length !== ctx.steps) {
        const values = new Float64Array(ctx.steps);
        fill(values, ctx);
        last = { s0: ctx.s0, dt: ctx.dt, values };
      }
      return last.values;
    },
  };
}

/**
 * `amplitude` from `start` (inclusive) to `stop` (exclusive) ms, `baseline` otherwise.
 * The amplitude may name a parameter of the model: each neuron then gets its own
 * amplitude, so a stimulus that a recording does not state can be fitted.
 *
 * ```ts
 * pop.input('I', step({ amplitude: 10, start: 50, stop: 550 }));
 * pop.input('I', step({ amplitude: 'I_amp', start: 50, stop: 550 })); // per-neuron parameter I_amp
 * ```
 */
export function step(o: { amplitude: number | string; start: number; stop: number; baseline?: number }): Input {
  checkFinite('step', { ...o, amplitude: typeof o.amplitude === 'number' ? o.amplitude : 0 });
  if (!(o.stop > o.start)) throw new Error(`step: stop (${o.stop}) must be after start (${o.start})`);
  const base = o.baseline ?? 0;
  const on = (t: number, dt: number) => t >= o.start - EDGE * dt && t < o.stop - EDGE * dt;
  if (typeof o.amplitude === 'number') {
    const amplitude = o.amplitude;
    return shared((t, dt) => (on(t, dt) ? amplitude : base));
  }
  const name = o.amplitude;
  return {
    perNeuron: true,
    fill(out, ctx) {
      const amplitude = ctx.param(name);
      for (let s = 0; s < ctx.steps; s++) {
        const active = on((ctx.s0 + s) * ctx.dt, ctx.dt);
        for (let i = 0; i < ctx.N; i++) out[i * ctx.steps + s] = active ? amplitude[i]! : base;
      }
    },
  };
}

/**
 * Linear from `from` at `start` to `to` at `stop` (ms), `baseline` outside.
 *
 * ```ts
 * pop.input('I', ramp({ from: 0, to: 20, start: 0, stop: 1000 }));
 * ```
 */
export function ramp(o: { from: number; to: number; start: number; stop: number; baseline?: number }): Input {
  checkFinite('ramp', o);
  if (!(o.stop > o.start)) throw new Error(`ramp: stop (${o.stop}) must be after start (${o.start})`);
  const base = o.baseline ?? 0;
  const slope = (o.to - o.from) / (o.stop - o.start);
  return shared((t, dt) => (t >= o.start - EDGE * dt && t < o.stop - EDGE * dt ? o.from + slope * (t - o.start) : base));
}

/**
 * A sampled waveform (e.g. a recorded command current), `samples[k]` holding from
 * `start + k * sampleDt`; sample-and-hold, so a step stays a step at any simulation dt.
 * Before `start` and after the last sample the value is `outside` (default 0).
 *
 * ```ts
 * pop.input('I', waveform(sweep.I, sweep.sampleDt)); // replay a recorded command current
 * ```
 */
export function waveform(samples: ArrayLike<number>, sampleDt: number, o: { start?: number; outside?: number } = {}): Input {
  if (!(sampleDt > 0)) throw new Error(`waveform: sample interval must be > 0 ms, got ${sampleDt}`);
  if (samples.length === 0) throw new Error('waveform: no samples');
  for (let k = 0; k < samples.length; k++) {
    if (!Number.isFinite(samples[k])) throw new Error(`waveform: sample ${k} is ${samples[k]}, not a finite number`);
  }
  const start = o.start ?? 0;
  const outside = o.outside ?? 0;
  const data = Float64Array.from(samples);
  return shared((t) => {
    const k = Math.floor((t - start) / sampleDt + EDGE);
    return k >= 0 && k < data.length ? data[k]! : outside;
  });
}

/**
 * Noise, different for each neuron and reproducible with the population's seed.
 * Without `tau`: a new draw `mean + sd * N(0, 1)` each step (ANNarchy's `Normal`).
 * With `tau` (ms): an Ornstein–Uhlenbeck process with stationary mean and SD,
 * updated exactly, so its statistics do not depend on dt.
 *
 * ```ts
 * pop.input('I', noise({ mean: 5, sd: 2, tau: 5 })); // Ornstein–Uhlenbeck current, 5 ms correlation
 * ```
 */
export function noise(o: { mean?: number; sd: number; tau?: number }): Input {
  const mean = o.mean ?? 0;
  if (!Number.isFinite(mean) || !(o.sd >= 0)) throw new Error(`noise: mean must be finite and sd >= 0, got mean ${mean}, sd ${o.sd}`);
  if (o.tau !== undefined && !(o.tau > 0)) throw new Error(`noise: tau must be > 0 ms, got ${o.tau}`);
  let x: Float64Array | undefined;
  return {
    perNeuron: true,
    fill(out, { dt, steps, N, rng }) {
      if (o.tau === undefined) {
        for (let i = 0; i < N; i++) for (let s = 0; s < steps; s++) out[i * steps + s] = mean + o.sd * gaussian(rng[i]!);
        return;
      }
      if (!x || x.length !== N) x = new Float64Array(N).fill(mean);
      const decay = Math.exp(-dt / o.tau);
      const kick = o.sd * Math.sqrt(1 - decay * decay);
      for (let i = 0; i < N; i++) {
        let xi = x[i]!;
        for (let s = 0; s < steps; s++) {
          out[i * steps + s] = xi;
          xi = mean + (xi - mean) * decay + kick * gaussian(rng[i]!);
        }
        x[i] = xi;
      }
    },
    reset() {
      x = undefined;
    },
  };
}

/**
 * The sum of several inputs (a step plus noise, say).
 *
 * ```ts
 * pop.input('I', sum(step({ amplitude: 10, start: 50, stop: 550 }), noise({ sd: 1 })));
 * ```
 */
export function sum(...inputs: Input[]): Input {
  const perNeuron = inputs.some((i) => i.perNeuron);
  return {
    perNeuron,
    fill(out, ctx) {
      out.fill(0);
      for (const input of inputs) {
        const part = new Float64Array(input.perNeuron ? ctx.N * ctx.steps : ctx.steps);
        input.fill(part, ctx);
        if (input.perNeuron || !perNeuron) for (let k = 0; k < part.length; k++) out[k]! += part[k]!;
        else for (let i = 0; i < ctx.N; i++) for (let s = 0; s < ctx.steps; s++) out[i * ctx.steps + s]! += part[s]!;
      }
    },
    reset() {
      for (const input of inputs) input.reset?.();
    },
  };
}

function checkFinite(what: string, o: object): void {
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && !Number.isFinite(v)) throw new Error(`${what}: ${k} must be a finite number, got ${v}`);
  }
}
