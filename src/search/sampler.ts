import type { Point, Space } from './space.ts';

/** One evaluated point. */
export interface Trial {
  /** The point's value for every dimension of the space. */
  params: Point;
  /** The loss as told; NaN or ±Infinity for a failed evaluation. */
  loss: number;
  /** False for failed evaluations (NaN/±Infinity loss): recorded, but ignored by the search and by best(). */
  ok: boolean;
}

/** One evaluated parameter set, as a fit reports it. `params` holds every value (fitted, constant, computed). */
export interface Evaluation {
  params: Record<string, number>;
  /** Mean loss over `numRepLoss` repetitions; NaN if the loss failed. */
  loss: number;
  /** SD of the loss over the repetitions (0 for one repetition). */
  lossSd: number;
  /**
   * Summary statistics of the run (method 'sbi' only, first repetition): the fit's `summary`
   * of the results, or else the terms getLoss returned (CompNeuroPy's sbi).
   */
  x?: number[];
  /**
   * A gradient step on a mini-batch (`miniBatch`): the sweeps its loss is over. Such a loss is
   * not the whole loss and is not compared with others for the best evaluation.
   */
  batch?: number[];
}

/**
 * A black-box minimiser driven from outside: ask for points, evaluate them however is
 * convenient (in batches, in parallel, in another process), tell the losses.
 */
export interface Sampler {
  /** n suggestions at once, for batched evaluation. */
  ask(n: number): Point[];
  /**
   * Results of evaluated points: in any order, any subset of the asked points, or points
   * never asked (e.g. when resuming from a file). `losses[i]` belongs to `params[i]`.
   */
  tell(params: Point[], losses: number[]): void;
  /** Best ok trial so far (undefined if none). */
  best(): Trial | undefined;
  /** Every trial told, in the order told. */
  readonly trials: readonly Trial[];
  /** The batch size the method works best with now (a CMA-ES generation), if it has one. */
  readonly preferredBatch?: number;
  /**
   * Why the search has converged and asking more would not pay (e.g. CMA-ES's restarts no
   * longer improve on the best), or undefined while it has not. A search loop stops then and
   * says why.
   */
  converged?(): string | undefined;
  /**
   * Everything the sampler knows (JSON-serialisable, a copy): constructed again with the same
   * space and options plus `{ state }`, it continues exactly as this one would. Take it after
   * a `tell`: points asked but not yet told are kept too, yet only the very objects `ask`
   * returned, or equal ones, are recognised when told later.
   */
  state?(): SamplerState;
}

/** A sampler's {@link Sampler.state}: its kind, every trial told in order, and what is its own. */
export interface SamplerState {
  /** The sampler that wrote it ('tpe', 'cmaes', 'random', 'auto'): a state is restored by its own kind only. */
  kind: string;
  /** Every trial told, in the order told; a failed loss is null (it reads back as NaN). */
  trials: { params: Point; loss: number | null }[];
  [own: string]: unknown;
}

/** Options common to all samplers. */
export interface SamplerOptions {
  /** Seed of the sampler's only random generator (default 0): same seed and history, same suggestions. */
  seed?: number | string;
  /** Continue from a {@link Sampler.state} (of a sampler built with the same space and options) instead of starting afresh. */
  state?: SamplerState;
}

/** @internal Throws unless `state` is a state of `kind` (with its trials). */
export function checkState(state: SamplerState, kind: string): void {
  if (!state || typeof state !== 'object' || state.kind !== kind || !Array.isArray(state.trials)) {
    const got = state && typeof state === 'object' ? `a '${String(state.kind)}' state` : JSON.stringify(state);
    throw new Error(`${kind}: cannot restore from ${got}; expected a state from ${kind}'s state()`);
  }
}

/**
 * @internal The bookkeeping every sampler shares: validates told points against the space,
 * records trials in time order and keeps the best one.
 */
export class TrialLog {
  readonly trials: Trial[] = [];
  private bestIndex = -1;

  constructor(private readonly space: Space) {}

  /** Validates all points first, so that a bad batch records nothing. */
  tell(params: Point[], losses: number[]): Trial[] {
    if (!Array.isArray(params) || !Array.isArray(losses)) throw new TypeError('tell: params and losses must be arrays');
    if (params.length !== losses.length) {
      throw new Error(`tell: ${params.length} points but ${losses.length} losses`);
    }
    const added: Trial[] = [];
    for (let i = 0; i < params.length; i++) {
      const loss = losses[i];
      // JSON has no NaN, so failed losses read back from a file arrive as null: treat as failed.
      if (loss !== null && loss !== undefined && typeof loss !== 'number') {
        throw new TypeError(`tell: loss ${i} is not a number (${String(loss)})`);
      }
      const value = typeof loss === 'number' ? loss : NaN;
      added.push({ params: this.checkPoint(params[i], i), loss: value, ok: Number.isFinite(value) });
    }
    for (const t of added) {
      this.trials.push(t);
      if (t.ok && (this.bestIndex < 0 || t.loss < this.trials[this.bestIndex]!.loss)) this.bestIndex = this.trials.length - 1;
    }
    return added;
  }

  best(): Trial | undefined {
    return this.bestIndex < 0 ? undefined : this.trials[this.bestIndex];
  }

  /** The trials as a state stores them (failed losses null). */
  state(from = 0): SamplerState['trials'] {
    const out: SamplerState['trials'] = new Array(this.trials.length - from);
    for (let i = from; i < this.trials.length; i++) {
      const t = this.trials[i]!;
      out[i - from] = { params: t.params, loss: t.ok ? t.loss : null };
    }
    return out;
  }

  /** A copy holding exactly the space's dimensions, so later changes to the caller's object cannot alter history. */
  private checkPoint(point: Point | undefined, i: number): Point {
    if (point === null || typeof point !== 'object') throw new TypeError(`tell: point ${i} is not an object`);
    const copy: Point = {};
    for (const [name, dim] of Object.entries(this.space)) {
      const v = point[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`tell: point ${i}: '${name}' must be a finite number (got ${String(v)})`);
      }
      if ((dim.kind === 'loguniform' || dim.kind === 'qloguniform' || dim.kind === 'lognormal') && !(v > 0)) {
        throw new Error(`tell: point ${i}: '${name}' must be positive for a ${dim.kind} dimension (got ${v})`);
      }
      if (dim.kind === 'choice' && !dim.options.includes(v)) {
        throw new Error(`tell: point ${i}: '${name}' = ${v} is not one of the options (${dim.options.join(', ')})`);
      }
      copy[name] = v;
    }
    return copy;
  }
}

/** @internal Throws unless n is a non-negative integer. */
export function checkAskCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`ask: n must be a non-negative integer (got ${String(n)})`);
}
