import { gaussian } from '../numeric/random.ts';

/**
 * One searched variable and its prior.
 *
 * - `uniform`: uniform on [low, high].
 * - `loguniform`: log-uniform on [low, high], bounds given as values (0 < low < high).
 *   Unlike hyperopt's `hp.loguniform`, which takes the bounds of log(x), ours takes the
 *   bounds of x itself, because bounds are written as values (a conductance between
 *   0.1 and 100 nS), and translating them to logs by hand is an error waiting to happen.
 * - `quniform` / `qloguniform`: the above rounded to a multiple of q, `round(x / q) * q`,
 *   and kept within [low, high] (see {@link quantize}).
 * - `normal`: Gaussian with mean mu and standard deviation sigma (unbounded).
 * - `lognormal`: `exp(normal(mu, sigma))`, so mu and sigma are those of log(x).
 * - `choice`: one of a list of numbers, each equally likely a priori. The options are
 *   unordered categories to the search: nothing is assumed about neighbouring values.
 */
export type Dimension =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'loguniform'; low: number; high: number }
  | { kind: 'quniform'; low: number; high: number; q: number }
  | { kind: 'qloguniform'; low: number; high: number; q: number }
  | { kind: 'normal'; mu: number; sigma: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'choice'; options: readonly number[] };

/** A search space: one {@link Dimension} per variable name. */
export type Space = Record<string, Dimension>;

/** A point of a {@link Space}: one number per variable name. */
export type Point = Record<string, number>;

/**
 * Uniform on [low, high].
 *
 * ```ts
 * const space = { a: uniform(0.01, 0.1) }; // { a: { kind: 'uniform', low: 0.01, high: 0.1 } }
 * ```
 */
export function uniform(low: number, high: number): Dimension {
  return checked('uniform', { kind: 'uniform', low, high });
}

/**
 * Log-uniform on [low, high]: uniform in log(x). The bounds are values of x (0 < low < high),
 * not of log(x) as in hyperopt's `hp.loguniform`.
 *
 * ```ts
 * const space = { gL: loguniform(1e-3, 1) }; // as likely in [0.001, 0.01] as in [0.1, 1]
 * ```
 */
export function loguniform(low: number, high: number): Dimension {
  return checked('loguniform', { kind: 'loguniform', low, high });
}

/**
 * Uniform on [low, high] rounded to a multiple of q. At least one multiple of q must lie in
 * [low, high]; values that rounding would push outside are moved to the nearest multiple inside.
 *
 * ```ts
 * const space = { n: quniform(0, 10, 2) }; // 0, 2, 4, 6, 8 or 10
 * ```
 */
export function quniform(low: number, high: number, q: number): Dimension {
  return checked('quniform', { kind: 'quniform', low, high, q });
}

/**
 * Log-uniform on [low, high] (values, 0 < low < high) rounded to a multiple of q, kept within
 * [low, high] like {@link quniform}.
 *
 * ```ts
 * const space = { units: qloguniform(1, 1000, 1) }; // integers, log-uniformly spread
 * ```
 */
export function qloguniform(low: number, high: number, q: number): Dimension {
  return checked('qloguniform', { kind: 'qloguniform', low, high, q });
}

/**
 * Gaussian with mean mu and standard deviation sigma > 0 (unbounded).
 *
 * ```ts
 * const space = { vRest: normal(-65, 5) };
 * ```
 */
export function normal(mu: number, sigma: number): Dimension {
  return checked('normal', { kind: 'normal', mu, sigma });
}

/**
 * `exp(normal(mu, sigma))`: mu and sigma are the mean and standard deviation of log(x).
 *
 * ```ts
 * const space = { tau: lognormal(Math.log(20), 0.5) }; // median 20
 * ```
 */
export function lognormal(mu: number, sigma: number): Dimension {
  return checked('lognormal', { kind: 'lognormal', mu, sigma });
}

/**
 * One of the given distinct, finite numbers, all equally likely a priori.
 *
 * ```ts
 * const space = { order: choice([1, 2, 4]) };
 * ```
 */
export function choice(options: readonly number[]): Dimension {
  // Copied and frozen so that later changes to the caller's array cannot desynchronise a sampler.
  const copy = Array.isArray(options) ? Object.freeze([...options]) : options;
  return checked('choice', { kind: 'choice', options: copy });
}

/**
 * Throws an Error naming the first invalid dimension and the problem, e.g.
 * `search space: dimension 'a': low (3) must be below high (1)`.
 *
 * ```ts
 * validateSpace({ a: { kind: 'uniform', low: 3, high: 1 } });
 * // throws Error: search space: dimension 'a': low (3) must be below high (1)
 * ```
 */
export function validateSpace(space: Space): void {
  if (space === null || typeof space !== 'object') throw new Error('search space: expected an object of dimensions');
  const names = Object.keys(space);
  if (names.length === 0) throw new Error('search space: no dimensions');
  for (const name of names) {
    const problem = dimensionProblem(space[name]);
    if (problem !== undefined) throw new Error(`search space: dimension '${name}': ${problem}`);
  }
}

/**
 * A random point drawn from the prior of every dimension, in the space's key order.
 *
 * ```ts
 * samplePrior({ a: uniform(0, 10), n: choice([1, 2, 4]) }, () => 0.5); // { a: 5, n: 2 }
 * ```
 */
export function samplePrior(space: Space, rng: () => number): Point {
  const point: Point = {};
  for (const name of Object.keys(space)) point[name] = samplePriorDimension(space[name]!, rng);
  return point;
}

/** @internal One draw from a dimension's prior. */
export function samplePriorDimension(dim: Dimension, rng: () => number): number {
  switch (dim.kind) {
    case 'uniform':
      return clamp(dim.low + (dim.high - dim.low) * rng(), dim.low, dim.high);
    case 'quniform':
      return quantize(dim.low + (dim.high - dim.low) * rng(), dim.low, dim.high, dim.q);
    case 'loguniform':
      return clamp(logUniform(dim.low, dim.high, rng), dim.low, dim.high);
    case 'qloguniform':
      return quantize(logUniform(dim.low, dim.high, rng), dim.low, dim.high, dim.q);
    case 'normal':
      return dim.mu + dim.sigma * gaussian(rng);
    case 'lognormal':
      return Math.exp(dim.mu + dim.sigma * gaussian(rng));
    case 'choice':
      return dim.options[Math.min(dim.options.length - 1, Math.floor(rng() * dim.options.length))]!;
  }
}

/**
 * @internal Rounds x to a multiple of q within [low, high]. Rounding can leave the interval
 * (x = 0.9 with low = 1, q = 2 rounds to 0), so the multiple index is clamped to the first or
 * last multiple inside; the result is also clamped numerically because k * q carries
 * floating-point error (3 * 0.1 = 0.30000000000000004 > 0.3).
 */
export function quantize(x: number, low: number, high: number, q: number): number {
  const k = Math.min(Math.max(Math.round(x / q), firstMultiple(low, q)), lastMultiple(high, q));
  return clamp(k * q, low, high);
}

/** @internal Index of the smallest multiple of q not below low (with slack for float error). */
export function firstMultiple(low: number, q: number): number {
  return Math.ceil(low / q - 1e-9);
}

/** @internal Index of the largest multiple of q not above high (with slack for float error). */
export function lastMultiple(high: number, q: number): number {
  return Math.floor(high / q + 1e-9);
}

function logUniform(low: number, high: number, rng: () => number): number {
  const a = Math.log(low);
  return Math.exp(a + (Math.log(high) - a) * rng());
}

function clamp(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}

function checked(name: string, dim: Dimension): Dimension {
  const problem = dimensionProblem(dim);
  if (problem !== undefined) throw new Error(`${name}: ${problem}`);
  return dim;
}

const fmt = (x: unknown) => String(x);

/** What is wrong with a dimension, or undefined if nothing is. */
function dimensionProblem(dim: Dimension | undefined): string | undefined {
  if (dim === null || typeof dim !== 'object') return 'expected a dimension object such as uniform(0, 1)';
  switch (dim.kind) {
    case 'uniform':
    case 'loguniform':
    case 'quniform':
    case 'qloguniform': {
      if (typeof dim.low !== 'number' || !Number.isFinite(dim.low)) return `low (${fmt(dim.low)}) must be a finite number`;
      if (typeof dim.high !== 'number' || !Number.isFinite(dim.high)) return `high (${fmt(dim.high)}) must be a finite number`;
      if (!(dim.low < dim.high)) return `low (${dim.low}) must be below high (${dim.high})`;
      if ((dim.kind === 'loguniform' || dim.kind === 'qloguniform') && !(dim.low > 0)) {
        return `low (${dim.low}) must be positive for a log-uniform dimension (bounds are values, not logs)`;
      }
      if (dim.kind === 'quniform' || dim.kind === 'qloguniform') {
        if (typeof dim.q !== 'number' || !Number.isFinite(dim.q) || !(dim.q > 0)) return `q (${fmt(dim.q)}) must be a positive finite number`;
        if (firstMultiple(dim.low, dim.q) > lastMultiple(dim.high, dim.q)) {
          return `no multiple of q (${dim.q}) lies within [${dim.low}, ${dim.high}]`;
        }
      }
      return undefined;
    }
    case 'normal':
    case 'lognormal':
      if (typeof dim.mu !== 'number' || !Number.isFinite(dim.mu)) return `mu (${fmt(dim.mu)}) must be a finite number`;
      if (typeof dim.sigma !== 'number' || !Number.isFinite(dim.sigma) || !(dim.sigma > 0)) {
        return `sigma (${fmt(dim.sigma)}) must be a positive finite number`;
      }
      return undefined;
    case 'choice': {
      if (!Array.isArray(dim.options)) return 'options must be an array of numbers';
      if (dim.options.length === 0) return 'options must not be empty';
      const seen = new Set<number>();
      for (const o of dim.options) {
        if (typeof o !== 'number' || !Number.isFinite(o)) return `option ${fmt(o)} is not a finite number`;
        if (seen.has(o)) return `option ${o} appears twice`;
        seen.add(o);
      }
      return undefined;
    }
    default:
      return `unknown kind '${(dim as { kind?: unknown }).kind}' (use uniform, loguniform, quniform, qloguniform, normal, lognormal or choice)`;
  }
}
