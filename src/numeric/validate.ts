/**
 * Checks on numbers handed in from outside: numeric options, and arrays a user's function
 * returned.
 */

/** What an option must be: a test, and its description for the error message ("a positive integer"). */
export interface NumberRule {
  readonly what: string;
  ok(value: number): boolean;
}

/**
 * Integers >= min; described as "a non-negative integer" for 0 and "a positive integer" for 1.
 *
 * ```ts
 * integerAtLeast(2).ok(3); // true
 * integerAtLeast(1).what; // 'a positive integer'
 * ```
 */
export function integerAtLeast(min: number): NumberRule {
  const what = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer >= ${min}`;
  return { what, ok: (v) => Number.isInteger(v) && v >= min };
}

/** Finite numbers > 0. */
export const positive: NumberRule = { what: 'a positive number', ok: (v) => Number.isFinite(v) && v > 0 };

/** Numbers >= 0, Infinity included (a tolerance of Infinity is a legitimate "stop at once"). */
export const nonNegative: NumberRule = { what: 'a number >= 0', ok: (v) => v >= 0 };

/** A rule that also lets Infinity through (e.g. "never forget"). */
export function orInfinity(rule: NumberRule): NumberRule {
  return { what: `${rule.what} or Infinity`, ok: (v) => v === Infinity || rule.ok(v) };
}

/**
 * A numeric option: `fallback` when it is undefined, the value when it obeys `rule`, otherwise
 * an error that names the owner, the option, the rule and the value.
 *
 * ```ts
 * const memory = numberOption('lbfgs', 'memory', options.memory, 10, integerAtLeast(1));
 * numberOption('TPE', 'gamma', 0, 0.25, positive); // throws "TPE: option gamma must be a positive number (got 0)"
 * ```
 */
export function numberOption(owner: string, name: string, value: unknown, fallback: number, rule: NumberRule): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !rule.ok(value)) throw new Error(`${owner}: option ${name} must be ${rule.what} (got ${String(value)})`);
  return value;
}

/**
 * True when no element is NaN or ±Infinity.
 *
 * ```ts
 * allFinite(Float64Array.from([1, 2])); // true
 * allFinite([0, NaN]); // false
 * ```
 */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
