import type { NeuronModel } from '../model/neuron.ts';
import { METHODS, type Method } from '../model/types.ts';
import type { KernelConfig, KernelIO } from '../model/compile.ts';
import type { Input } from './inputs.ts';
import type { Recorder, Segment } from './recorder.ts';
import { neuronStreams, type Uniform } from '../numeric/random.ts';

export interface PopulationOptions {
  /** Integration step (ms). Default 0.1. */
  dt?: number;
  /** Integration scheme; default the model's own. */
  method?: Method;
  /** Seed of the per-neuron noise streams. Default 0. */
  seed?: number | string;
  /** The population's name, as in ANNarchy/CompNeuroPy: recordings are also keyed `'<name>;<variable>'`. Default the model's name. */
  name?: string;
}

/** Values kept per neuron in one simulate() block, bounding memory for long runs. */
const BLOCK_VALUES = 1 << 20;

/**
 * N neurons of one model, each with its own parameter values and state, advanced
 * together by the model's generated kernel.
 *
 * ```ts
 * const pop = new Population(izhikevich, 3, { dt: 0.1 });
 * pop.set({ a: [0.02, 0.05, 0.1] }).input('I', step({ amplitude: 10, start: 10, stop: 110 })).simulate(200);
 * pop.get('v'); // Float64Array(3): each neuron's membrane potential now
 * ```
 */
export class Population {
  readonly dt: number;
  /** The name in `'<name>;<variable>'` recording keys (default the model's name). */
  readonly name: string;
  readonly method: Method;
  /** Steps simulated since the last reset. */
  private stepCount = 0;
  private readonly state: Float64Array[];
  private readonly params: Float64Array[];
  private baseParams: Float64Array[];
  private readonly inputs = new Map<string, Input>();
  private readonly lastSpike: Float64Array;
  private rng: Uniform[];
  private readonly monitors = new Set<Recorder>();
  /** Parameters whose forward sensitivities are tracked, and d(state k)/d(θ p) at k * P + p. */
  private sensParams: string[] = [];
  private sens: Float64Array[] = [];
  /** Initial values that replace the model's init expressions (fitted initial values). */
  private readonly initialOverrides = new Map<number, Float64Array>();
  /** State variables given a value by set() since the last reset: their init is not re-applied. */
  private readonly stateSetSinceReset = new Set<number>();

  constructor(
    readonly model: NeuronModel,
    readonly size = 1,
    options: PopulationOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`population size must be a positive integer, got ${size}`);
    const dt = options.dt ?? 0.1;
    this.name = options.name ?? model.name;
    if (typeof this.name !== 'string' || this.name === '' || this.name.includes(';')) throw new Error(`population: name must be a non-empty string without ';', got ${JSON.stringify(this.name)}`);
    if (!(dt > 0) || !Number.isFinite(dt)) throw new Error(`dt must be a positive number of ms, got ${dt}`);
    this.dt = dt;
    this.method = options.method ?? model.method;
    if (!METHODS.includes(this.method)) throw new Error(`unknown integration method '${this.method}' (use ${METHODS.join(', ')})`);
    const spec = model.spec;
    this.params = spec.paramNames.map((p) => new Float64Array(size).fill(spec.parameters[p]!));
    this.baseParams = this.params.map((a) => a.slice());
    this.state = spec.odes.map(() => new Float64Array(size));
    this.lastSpike = new Float64Array(size).fill(-Infinity);
    this.rng = neuronStreams(options.seed ?? 0, size);
    this.resetState();
  }

  /** Time since the last reset (ms). */
  get t(): number {
    return this.stepCount * this.dt;
  }

  /**
   * Sets parameters or state variables: a number for all neurons or one value per neuron.
   * Setting a parameter removes any input driving it. Before the first step after a reset,
   * initial values are re-applied from the new parameters (`init = EL` follows `set({ EL })`),
   * so the first chunk starts as every later one does; a state variable set explicitly keeps
   * its value.
   *
   * ```ts
   * const pop = new Population(lif, 1).set({ EL: -70 });
   * pop.get('v'); // Float64Array [-70]: v's `init = EL` follows
   * ```
   */
  set(values: Record<string, number | ArrayLike<number>>): this {
    let parameterChanged = false;
    for (const [name, value] of Object.entries(values)) {
      const target = this.arrayOf(name);
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new Error(`${name}: ${value} is not a finite number`);
        target.fill(value);
      } else {
        if (value.length !== this.size) throw new Error(`${name}: got ${value.length} values for ${this.size} neurons`);
        for (let i = 0; i < this.size; i++) {
          if (!Number.isFinite(value[i])) throw new Error(`${name}: value for neuron ${i} is ${value[i]}, not a finite number`);
          target[i] = value[i]!;
        }
      }
      this.inputs.delete(name);
      const k = this.model.spec.odes.findIndex((o) => o.name === name);
      if (k >= 0) this.stateSetSinceReset.add(k);
      else parameterChanged = true;
    }
    if (parameterChanged && this.stepCount === 0) this.reapplyInitialValues();
    return this;
  }

  /** The init expressions evaluated again, for state variables neither set nor overridden since the reset. */
  private reapplyInitialValues(): void {
    const fresh = this.state.map((a) => new Float64Array(a.length));
    this.model.initializer()(this.size, this.params, fresh);
    const P = this.sensParams.length;
    const freshSens = P > 0 ? this.sens.map((a) => new Float64Array(a.length)) : [];
    if (P > 0) this.model.initialTangents(this.sensParams)(this.size, this.params, freshSens);
    fresh.forEach((values, k) => {
      if (this.stateSetSinceReset.has(k) || this.initialOverrides.has(k)) return;
      this.state[k]!.set(values);
      for (let p = 0; p < P; p++) this.sens[k * P + p]!.set(freshSens[k * P + p]!);
    });
  }

  /** A copy of a parameter's or state variable's values, one per neuron. */
  get(name: string): Float64Array {
    return this.arrayOf(name).slice();
  }

  /** Drives a parameter (usually `I`) with a time-varying input, or removes it with `null`. */
  input(param: string, input: Input | null): this {
    if (!this.model.spec.paramNames.includes(param)) {
      throw new Error(`input: '${param}' is not a parameter of neuron '${this.model.name}' (parameters: ${this.model.spec.paramNames.join(', ')})`);
    }
    if (input) this.inputs.set(param, input);
    else this.inputs.delete(param);
    return this;
  }

  /**
   * Tracks d(state)/dθ for the parameters θ through every step (exact derivatives of the
   * discrete simulation), so that monitors record d(variable)/dθ beside each variable
   * (`∂v/∂gNa`). Starts from the derivatives of the initial values; `[]` turns it off.
   */
  trackSensitivities(theta: string[]): this {
    for (const p of theta) {
      if (!this.model.spec.paramNames.includes(p)) throw new Error(`sensitivities: '${p}' is not a parameter of neuron '${this.model.name}'`);
    }
    this.sensParams = [...theta];
    this.sens = this.model.spec.odes.flatMap(() => theta.map(() => new Float64Array(this.size)));
    this.resetTangents();
    return this;
  }

  /** The parameters whose sensitivities are tracked. */
  get sensitivities(): readonly string[] {
    return this.sensParams;
  }

  /** d(state variable)/dθ for each neuron (a copy). */
  getSensitivity(variable: string, theta: string): Float64Array {
    const k = this.model.spec.odes.findIndex((o) => o.name === variable);
    const p = this.sensParams.indexOf(theta);
    if (k < 0 || p < 0) throw new Error(`no sensitivity of '${variable}' to '${theta}' is tracked (tracking: ${this.sensParams.join(', ') || 'none'})`);
    return this.sens[k * this.sensParams.length + p]!.slice();
  }

  /** Makes the current parameter values the ones `reset({ parameters: true })` returns to. */
  commitParameters(): this {
    this.baseParams = this.params.map((a) => a.slice());
    return this;
  }

  /**
   * Re-seeds the per-neuron noise streams. With `streams`, neuron i draws from stream
   * `streams[i]`, so neurons can share a noise realisation (common random numbers).
   */
  reseed(seed: number | string, streams?: ArrayLike<number>): this {
    if (streams && streams.length !== this.size) throw new Error(`reseed: got ${streams.length} stream ids for ${this.size} neurons`);
    this.rng = streams ? Array.from(streams, (id) => neuronStreams(seed, 1, id)[0]!) : neuronStreams(seed, this.size);
    return this;
  }

  /**
   * Overrides the initial values of state variables (per neuron or for all), used by
   * every later reset; `null` restores the model's own init expression.
   */
  setInitial(values: Record<string, number | ArrayLike<number> | null>): this {
    const spec = this.model.spec;
    for (const [name, value] of Object.entries(values)) {
      const k = spec.odes.findIndex((o) => o.name === name);
      if (k < 0) throw new Error(`setInitial: '${name}' is not a state variable of neuron '${this.model.name}' (state: ${spec.odes.map((o) => o.name).join(', ')})`);
      if (value === null) {
        this.initialOverrides.delete(k);
        continue;
      }
      const arr = new Float64Array(this.size);
      if (typeof value === 'number') arr.fill(value);
      else if (value.length === this.size) arr.set(value);
      else throw new Error(`setInitial: ${name}: got ${value.length} values for ${this.size} neurons`);
      if (arr.some((x) => !Number.isFinite(x))) throw new Error(`setInitial: ${name}: values must be finite numbers`);
      this.initialOverrides.set(k, arr);
    }
    return this;
  }

  /**
   * Back to time 0: state to its initial values (`state`), parameters to the last
   * committed values and inputs removed (`parameters`), a new chunk in every monitor (`chunk`).
   */
  reset(o: { state?: boolean; parameters?: boolean; chunk?: boolean } = {}): this {
    if (o.parameters ?? false) {
      this.baseParams.forEach((a, k) => this.params[k]!.set(a));
      this.inputs.clear();
    }
    const state = o.state ?? true;
    const chunk = o.chunk ?? true;
    if (chunk) for (const m of this.monitors) m.newChunk();
    if (state) {
      this.resetState();
      for (const input of this.inputs.values()) input.reset?.();
    } else if (chunk) {
      this.stepCount = 0; // a chunk's times start at 0, as after an ANNarchy reset
    }
    return this;
  }

  /** Advances all neurons by `ms` milliseconds (rounded to whole steps). */
  simulate(ms: number): this {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`simulate: duration must be a finite number of ms >= 0, got ${ms}`);
    let remaining = Math.round(ms / this.dt);
    const N = this.size;
    const maxBlock = Math.max(1, Math.floor(BLOCK_VALUES / N));
    while (remaining > 0) {
      const steps = Math.min(remaining, maxBlock);
      this.runBlock(steps);
      remaining -= steps;
    }
    return this;
  }

  /** @internal */
  attach(monitor: Recorder): void {
    this.monitors.add(monitor);
  }

  /** @internal The recorders attached now (monitors made directly with `new Monitor(pop, …)` included). */
  attached(): Recorder[] {
    return [...this.monitors];
  }

  /** @internal */
  detach(monitor: Recorder): void {
    this.monitors.delete(monitor);
  }

  private runBlock(steps: number): void {
    const N = this.size;
    const spec = this.model.spec;
    const recording = [...this.monitors].filter((m) => m.isRecording && m.variables.length > 0);
    const record = [...new Set(recording.flatMap((m) => m.variables))];
    const every = recording.reduce((g, m) => gcd(g, m.everySteps), 0) || 1;
    const phase = this.stepCount % every;
    const first = (every - phase) % every;
    const nRec = record.length > 0 && first < steps ? Math.ceil((steps - first) / every) : 0;

    const driven = [...this.inputs.entries()].map(([param, input]) => ({ param, input }));
    const config: KernelConfig = {
      method: this.method,
      driven: driven.map((d) => ({ param: d.param, perNeuron: d.input.perNeuron })),
      record: nRec > 0 ? record : [],
      sensitivities: this.sensParams,
    };
    const P = this.sensParams.length;
    const s0 = this.stepCount;
    const drivenArrays = driven.map(({ input }) => {
      const ctx = { s0, dt: this.dt, steps, N, rng: this.rng, param: (name: string) => this.arrayOf(name) };
      if (!input.perNeuron && input.block) return input.block(ctx);
      const out = new Float64Array(input.perNeuron ? N * steps : steps);
      input.fill(out, ctx);
      return out;
    });
    const rec = config.record.map(() => new Float64Array(N * nRec));
    const recSens = config.record.flatMap(() => this.sensParams.map(() => new Float64Array(N * nRec)));
    const spiking = [...this.monitors].filter((m) => m.recordSpikes && m.isRecording);
    const io: KernelIO = {
      N,
      steps,
      s0,
      dt: this.dt,
      state: this.state,
      params: this.params,
      driven: drivenArrays,
      rec,
      nRec,
      recEvery: every,
      recPhase: phase,
      lastSpike: this.lastSpike,
      rng: spec.randoms.length > 0 ? this.rng : null,
      onSpike: spiking.length === 0 ? () => {} : (i, t, d) => spiking.forEach((m) => m.receiveSpike(i, t, d)),
      sens: this.sens,
      recSens,
    };
    this.model.kernel(config)(io);
    if (nRec > 0) {
      const segment: Segment = {
        firstStep: this.stepCount + first,
        every,
        rows: nRec,
        values: new Map([
          ...config.record.map((name, k) => [name, rec[k]!] as const),
          ...config.record.flatMap((name, k) => this.sensParams.map((p, j) => [sensitivityKey(name, p), recSens[k * P + j]!] as const)),
        ]),
      };
      for (const m of recording) m.receive(segment);
    }
    this.stepCount += steps;
    for (const m of this.monitors) m.advance(this.t);
  }

  private resetState(): void {
    this.stepCount = 0;
    this.stateSetSinceReset.clear();
    this.model.initializer()(this.size, this.params, this.state);
    for (const [k, values] of this.initialOverrides) this.state[k]!.set(values);
    this.lastSpike.fill(-Infinity);
    this.resetTangents();
  }

  private resetTangents(): void {
    if (this.sensParams.length === 0) return;
    this.model.initialTangents(this.sensParams)(this.size, this.params, this.sens);
    const P = this.sensParams.length;
    // an overridden initial value is a constant: no derivative
    for (const k of this.initialOverrides.keys()) for (let p = 0; p < P; p++) this.sens[k * P + p]!.fill(0);
  }

  private arrayOf(name: string): Float64Array {
    const spec = this.model.spec;
    const p = spec.paramNames.indexOf(name);
    if (p >= 0) return this.params[p]!;
    const s = spec.odes.findIndex((o) => o.name === name);
    if (s >= 0) return this.state[s]!;
    const known = [...spec.paramNames, ...spec.odes.map((o) => o.name)].join(', ');
    throw new Error(`'${name}' is not a parameter or state variable of neuron '${this.model.name}' (known: ${known})`);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The name under which monitors keep d(variable)/dθ.
 *
 * ```ts
 * sensitivityKey('v', 'a'); // '∂v/∂a'
 * ```
 */
export function sensitivityKey(variable: string, theta: string): string {
  return `∂${variable}/∂${theta}`;
}
