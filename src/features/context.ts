/**
 * The extraction context of one trace: the interpolated trace, the settings, and a memo of
 * every feature and intermediate computed so far, so that features share their work
 * (eFEL's dependency tree, done lazily).
 *
 * Internally every feature is, as in eFEL, an array of numbers or null (eFEL's None).
 */
import { lowerBound } from '../numeric/bisect.ts';
import { centralDifference } from './numeric.ts';
import type { FeatureSettings, PreparedTrace } from './types.ts';

/** Thrown inside a feature computation when it cannot be computed (eFEL: an error, or an empty dependency); the feature becomes null. */
export class FeatureUnavailable extends Error {}

/** Aborts the current feature computation: its value becomes null. */
export function unavailable(reason: string): never {
  throw new FeatureUnavailable(reason);
}

/** The computation of one feature. */
export type FeatureFn = (ctx: FeatureContext) => number[] | null;

export interface FeatureDef {
  readonly name: string;
  /** 'scalar' features return their single value, 'list' features the whole array. */
  readonly shape: 'scalar' | 'list';
  /** Computes the raw value (an array or null); see {@link cppFeature} and {@link pyFeature}. */
  readonly compute: FeatureFn;
}

/**
 * A feature implemented in eFEL's C++ core: a failure or an empty result gives null, and a
 * dependency that is null makes it fail (ctx.need throws).
 */
export function cppFeature(name: string, shape: 'scalar' | 'list', fn: FeatureFn): FeatureDef {
  return {
    name,
    shape,
    compute: (ctx) => {
      try {
        const r = fn(ctx);
        return r === null || r.length === 0 ? null : r;
      } catch (e) {
        if (e instanceof FeatureUnavailable) return null;
        throw e;
      }
    },
  };
}

/**
 * A feature implemented in eFEL's Python layer: it handles missing dependencies itself
 * (ctx.get returns null) and may return an empty array where numpy would.
 */
export function pyFeature(name: string, shape: 'scalar' | 'list', fn: FeatureFn): FeatureDef {
  return {
    name,
    shape,
    compute: (ctx) => {
      try {
        return fn(ctx);
      } catch (e) {
        if (e instanceof FeatureUnavailable) return null;
        throw e;
      }
    },
  };
}

export class FeatureContext {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly stimStart: number;
  readonly stimEnd: number;
  readonly settings: Readonly<FeatureSettings>;
  private readonly memo = new Map<string, number[] | null>();
  private readonly shared = new Map<string, unknown>();
  private dvdtCache: Float64Array | undefined;

  constructor(
    trace: PreparedTrace,
    private readonly definitions: ReadonlyMap<string, FeatureDef>,
  ) {
    this.t = trace.t;
    this.v = trace.v;
    this.stimStart = trace.stimStart;
    this.stimEnd = trace.stimEnd;
    this.settings = trace.settings;
  }

  /** The raw value of a feature (array or null), computed once. */
  get(name: string): number[] | null {
    if (this.memo.has(name)) return this.memo.get(name)!;
    const def = this.definitions.get(name);
    if (!def) throw new Error(`features: internal error, no definition of '${name}'`);
    const value = def.compute(this);
    this.memo.set(name, value);
    return value;
  }

  /** The raw value of a dependency; if it is null the calling feature is unavailable (as in eFEL's C++ core). */
  need(name: string): number[] {
    const value = this.get(name);
    if (value === null) unavailable(`${name} is not available`);
    return value;
  }

  /** An intermediate shared between features (computed once under its key). */
  once<T>(key: string, compute: () => T): T {
    if (this.shared.has(key)) return this.shared.get(key) as T;
    const value = compute();
    this.shared.set(key, value);
    return value;
  }

  /** dV/dt (mV/ms) as eFEL computes it: central difference of V over central difference of T. */
  dvdt(): Float64Array {
    if (!this.dvdtCache) {
      const dv = centralDifference(1, this.v);
      const dt = centralDifference(1, this.t);
      for (let i = 0; i < dv.length; i++) dv[i] = dv[i]! / dt[i]!;
      this.dvdtCache = dv;
    }
    return this.dvdtCache;
  }

  /** First index with t >= time, or t.length. */
  indexAt(time: number): number {
    return lowerBound(this.t, time);
  }

  /** Index of the first sample at or after the stimulus start. */
  get stimStartIndex(): number {
    return this.once('stimStartIndex', () => this.indexAt(this.stimStart));
  }

  /** Index of the first sample at or after the stimulus end. */
  get stimEndIndex(): number {
    return this.once('stimEndIndex', () => this.indexAt(this.stimEnd));
  }
}
