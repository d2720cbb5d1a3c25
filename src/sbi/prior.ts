import { LOG_SQRT_2PI } from '../numeric/normal.ts';
import type { Uniform } from '../numeric/random.ts';
import { normalDraw } from './estimator.ts';

/**
 * A prior over θ: any object with these members works (`random` is neurofit's seeded
 * uniform(0, 1) stream); `logProb` is −Infinity outside the support, which is how leakage of
 * the posterior beyond the support is detected. `bounds`, when given, are the plot limits.
 *
 * ```ts
 * const prior: Prior = { dim: 1, sample: (n, random) => Array.from({ length: n }, () => [random()]),
 *   logProb: (theta) => theta.map(([t]) => (t! >= 0 && t! <= 1 ? 0 : -Infinity)) };
 * ```
 */
export interface Prior {
  dim: number;
  sample(n: number, random: Uniform): number[][];
  logProb(theta: number[][]): number[];
  bounds?(): { low: number[]; high: number[] };
}

function checkVectors(what: string, a: number[], b: number[], names: [string, string]): void {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length === 0 || a.length !== b.length) {
    throw new Error(`${what}: ${names[0]} and ${names[1]} must be non-empty arrays of the same length (got ${JSON.stringify(a)} and ${JSON.stringify(b)})`);
  }
  a.forEach((v, i) => {
    const w = b[i]!;
    if (typeof v !== 'number' || typeof w !== 'number' || !Number.isFinite(v) || !Number.isFinite(w)) {
      throw new Error(`${what}: ${names[0]}[${i}] and ${names[1]}[${i}] must be finite numbers (got ${v} and ${w}); give finite bounds`);
    }
  });
}

/**
 * Independent uniform distributions on [low_i, high_i].
 *
 * ```ts
 * const prior = new BoxUniform([-1, -1], [1, 1]);
 * prior.logProb([[0, 0], [2, 0]]); // [-log 4, -Infinity]
 * ```
 */
export class BoxUniform implements Prior {
  readonly dim: number;
  private readonly logDensity: number;

  constructor(
    readonly low: number[],
    readonly high: number[],
  ) {
    checkVectors('BoxUniform', low, high, ['low', 'high']);
    low.forEach((l, i) => {
      if (!(high[i]! > l)) throw new Error(`BoxUniform: high[${i}] = ${high[i]} must exceed low[${i}] = ${l}`);
    });
    this.dim = low.length;
    this.logDensity = -low.reduce((s, l, i) => s + Math.log(high[i]! - l), 0);
  }

  sample(n: number, random: Uniform): number[][] {
    return Array.from({ length: n }, () => this.low.map((l, i) => l + (this.high[i]! - l) * random()));
  }

  logProb(theta: number[][]): number[] {
    return theta.map((t) => (t.every((v, i) => v >= this.low[i]! && v <= this.high[i]!) ? this.logDensity : -Infinity));
  }

  bounds(): { low: number[]; high: number[] } {
    return { low: [...this.low], high: [...this.high] };
  }
}

/**
 * Independent normal distributions N(mean_i, sd_i²).
 *
 * ```ts
 * const prior = new IndependentNormal([0, 0], [0.1, 0.1]);
 * ```
 */
export class IndependentNormal implements Prior {
  readonly dim: number;

  constructor(
    readonly mean: number[],
    readonly sd: number[],
  ) {
    checkVectors('IndependentNormal', mean, sd, ['mean', 'sd']);
    sd.forEach((s, i) => {
      if (!(s > 0)) throw new Error(`IndependentNormal: sd[${i}] = ${s} must be positive`);
    });
    this.dim = mean.length;
  }

  sample(n: number, random: Uniform): number[][] {
    return Array.from({ length: n }, () => this.mean.map((m, i) => m + this.sd[i]! * normalDraw(random)));
  }

  logProb(theta: number[][]): number[] {
    return theta.map((t) =>
      t.reduce((s, v, i) => {
        const z = (v - this.mean[i]!) / this.sd[i]!;
        return s - 0.5 * z * z - Math.log(this.sd[i]!) - LOG_SQRT_2PI;
      }, 0),
    );
  }

  /** mean ± 4 SD, for plots. */
  bounds(): { low: number[]; high: number[] } {
    return { low: this.mean.map((m, i) => m - 4 * this.sd[i]!), high: this.mean.map((m, i) => m + 4 * this.sd[i]!) };
  }
}

/**
 * Independent log-uniform distributions on [low_i, high_i] (0 < low < high): uniform in log θ,
 * for scale parameters such as conductances spanning decades.
 *
 * ```ts
 * const prior = new LogUniformBox([0.1, 1], [10, 100]);
 * ```
 */
export class LogUniformBox implements Prior {
  readonly dim: number;

  constructor(
    readonly low: number[],
    readonly high: number[],
  ) {
    checkVectors('LogUniformBox', low, high, ['low', 'high']);
    low.forEach((l, i) => {
      if (!(l > 0) || !(high[i]! > l)) throw new Error(`LogUniformBox: need 0 < low[${i}] < high[${i}] (got ${l} and ${high[i]})`);
    });
    this.dim = low.length;
  }

  sample(n: number, random: Uniform): number[][] {
    return Array.from({ length: n }, () => this.low.map((l, i) => l * Math.exp(Math.log(this.high[i]! / l) * random())));
  }

  logProb(theta: number[][]): number[] {
    return theta.map((t) =>
      t.every((v, i) => v >= this.low[i]! && v <= this.high[i]!)
        ? t.reduce((s, v, i) => s - Math.log(v) - Math.log(Math.log(this.high[i]! / this.low[i]!)), 0)
        : -Infinity,
    );
  }

  bounds(): { low: number[]; high: number[] } {
    return { low: [...this.low], high: [...this.high] };
  }
}

/** Throws, naming what is missing, unless `prior` is a usable {@link Prior}. */
export function checkPrior(prior: unknown, what = 'prior'): Prior {
  const p = prior as Partial<Prior> | null;
  if (!p || typeof p !== 'object' || !Number.isInteger(p.dim) || (p.dim as number) < 1 || typeof p.sample !== 'function' || typeof p.logProb !== 'function') {
    throw new Error(`${what}: expected { dim: positive integer, sample(n, random), logProb(theta) } (e.g. new BoxUniform(low, high)); got ${String(prior)}`);
  }
  return p as Prior;
}
