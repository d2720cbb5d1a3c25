/**
 * Reparameterisations that let an unconstrained optimiser fit constrained parameters.
 *
 * The optimiser moves a free variable u over the whole real line; a transform maps it into
 * the parameter's admissible range, so no step can leave the bounds and the gradient never
 * vanishes at them the way clipping would make it (the idea behind jaxley's `ParamTransform`
 * and TVB-Optim's transformed parameters).
 */

/** Maps an unconstrained optimiser variable u to a parameter value x. */
export interface Transform {
  /** A readable description, used in error messages (e.g. `sigmoid(0, 1)`). */
  readonly name: string;
  /** x = f(u). Defined for every finite u. */
  forward(u: number): number;
  /** u = f⁻¹(x). Throws an Error naming x and the range when x is outside the transform's range. */
  inverse(x: number): number;
  /** dx/du at u, for the chain rule. */
  derivative(u: number): number;
}

/**
 * Logistic function 1 / (1 + e^(−u)), evaluated so that neither branch ever computes
 * exp of a large positive number (which would overflow to Infinity and give NaN).
 */
function logistic(u: number): number {
  if (u >= 0) return 1 / (1 + Math.exp(-u));
  const e = Math.exp(u);
  return e / (1 + e);
}

/** softplus(u) = log(1 + e^u); past u = 30, e^u alone would lose the +1 and later overflow. */
function softplusValue(u: number): number {
  return u > 30 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

/** Inverse of softplus for y > 0; the large-y branch avoids expm1 overflowing for y > 709. */
function softplusInverse(y: number): number {
  return y > 30 ? y + Math.log1p(-Math.exp(-y)) : Math.log(Math.expm1(y));
}

/**
 * The plain functions behind the transforms, for users building their own (jaxley's and
 * TVB-Optim's helpers): logistic σ(u), logit = σ⁻¹, softplus log(1 + eᵘ) and its inverse,
 * each evaluated without overflow.
 *
 * ```ts
 * transforms.inverseSoftplus(transforms.softplusOf(3)); // 3
 * ```
 */
export { logistic as sigmoidOf, softplusValue as softplusOf, softplusInverse as inverseSoftplus };

/** logit(p) = log(p / (1 − p)), the inverse of the logistic function, for p in (0, 1). */
export function logit(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`logit: ${p} is outside (0, 1)`);
  return Math.log(p / (1 - p));
}

function rangeError(name: string, x: number, range: string): Error {
  return new Error(`${name}.inverse: ${x} is outside the range ${range}`);
}

function checkBound(fn: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`${fn}: ${what} must be a finite number, got ${v}`);
  }
}

/**
 * Both bounds finite: x = lo + (hi − lo)·σ(u), covering the open interval (lo, hi).
 *
 * For u > 0 the value is computed as hi − (hi − lo)·σ(−u) so that the distance to the nearer
 * bound keeps full relative precision; otherwise values near hi would round to hi much sooner.
 * For very large |u| the result saturates at the bound itself, never beyond it.
 *
 * ```ts
 * transforms.sigmoid(0, 10).forward(0); // 5, the middle of the bounds
 * ```
 */
export function sigmoid(lo: number, hi: number): Transform {
  checkBound('sigmoid', 'lo', lo);
  checkBound('sigmoid', 'hi', hi);
  if (!(lo < hi)) throw new Error(`sigmoid: lo (${lo}) must be less than hi (${hi})`);
  const width = hi - lo;
  const name = `sigmoid(${lo}, ${hi})`;
  return {
    name,
    forward(u) {
      return u > 0 ? hi - width * logistic(-u) : lo + width * logistic(u);
    },
    inverse(x) {
      if (!(x > lo && x < hi)) throw rangeError(name, x, `(${lo}, ${hi})`);
      return Math.log((x - lo) / (hi - x));
    },
    derivative(u) {
      // σ(u)·σ(−u) rather than σ(1 − σ): the subtraction would cancel to 0 for large u.
      return width * logistic(u) * logistic(-u);
    },
  };
}

/**
 * Lower bound only: x = lo + softplus(u), covering (lo, ∞). Saturates at lo for very negative u.
 *
 * ```ts
 * transforms.softplus(0).forward(0); // 0.693… (ln 2)
 * ```
 */
export function softplus(lo: number): Transform {
  checkBound('softplus', 'lo', lo);
  const name = `softplus(${lo})`;
  return {
    name,
    forward(u) {
      return lo + softplusValue(u);
    },
    inverse(x) {
      if (!(x > lo) || x === Infinity) throw rangeError(name, x, `(${lo}, Infinity)`);
      return softplusInverse(x - lo);
    },
    derivative(u) {
      return logistic(u);
    },
  };
}

/**
 * Upper bound only: x = hi − softplus(−u), covering (−∞, hi). Increasing in u, like the others.
 *
 * ```ts
 * transforms.softplusUpper(0).forward(0); // -0.693… (−ln 2)
 * ```
 */
export function softplusUpper(hi: number): Transform {
  checkBound('softplusUpper', 'hi', hi);
  const name = `softplusUpper(${hi})`;
  return {
    name,
    forward(u) {
      return hi - softplusValue(-u);
    },
    inverse(x) {
      if (!(x < hi) || x === -Infinity) throw rangeError(name, x, `(-Infinity, ${hi})`);
      return -softplusInverse(hi - x);
    },
    derivative(u) {
      return logistic(-u);
    },
  };
}

/**
 * Clipping instead of squashing (TVB-Optim's BoundedParameter): x = min(hi, max(lo, u)). The
 * optimiser moves x itself, so steps have the parameter's own units; at a bound the gradient
 * outward is 0 (dx/du = 0 beyond it), so a parameter pushed there stays until the loss pulls
 * it back. Either bound may be infinite.
 *
 * ```ts
 * transforms.clip(0, 1).forward(1.7); // 1
 * ```
 */
export function clip(lo: number, hi: number): Transform {
  if (Number.isNaN(lo) || Number.isNaN(hi) || !(lo < hi)) throw new Error(`clip: need lo < hi, got [${lo}, ${hi}]`);
  const name = `clip(${lo}, ${hi})`;
  return {
    name,
    forward(u) {
      return Math.min(hi, Math.max(lo, u));
    },
    inverse(x) {
      if (!(x >= lo && x <= hi) || !Number.isFinite(x)) throw rangeError(name, x, `[${lo}, ${hi}]`);
      return x;
    },
    derivative(u) {
      // one-sided at the bound itself: a parameter resting on it can still be pulled inside
      return u < lo || u > hi ? 0 : 1;
    },
  };
}

/**
 * No constraint: x = u. Still rejects non-finite values, which no optimiser can start from.
 *
 * ```ts
 * transforms.identity().forward(3); // 3
 * ```
 */
export function identity(): Transform {
  const name = 'identity';
  return {
    name,
    forward(u) {
      return u;
    },
    inverse(x) {
      if (!Number.isFinite(x)) throw rangeError(name, x, '(-Infinity, Infinity)');
      return x;
    },
    derivative() {
      return 1;
    },
  };
}

/**
 * Positive parameters: x = e^u. Steps in u are relative changes of x, which suits quantities
 * known only to an order of magnitude (conductances, time constants).
 *
 * ```ts
 * transforms.log().inverse(Math.E); // 1
 * const opt = new OptNeuron({ ...options, method: 'adam', transforms: { gL: transforms.log() } });
 * ```
 */
export function log(): Transform {
  const name = 'log';
  return {
    name,
    forward(u) {
      return Math.exp(u);
    },
    inverse(x) {
      if (!(x > 0) || x === Infinity) throw rangeError(name, x, '(0, Infinity)');
      return Math.log(x);
    },
    derivative(u) {
      return Math.exp(u);
    },
  };
}

/**
 * A user-defined transform. Without `derivative`, dx/du is a central finite difference with a
 * step of ∛ε·max(1, |u|), the step that balances truncation against rounding error (about
 * 1e-10 relative for smooth functions). The inverse is checked: a non-finite u is reported as
 * x being outside the range, since that is what it means for a well-behaved inverse.
 *
 * ```ts
 * const square = transforms.custom('square', (u) => u * u, Math.sqrt);
 * square.derivative(3); // ≈ 6 (central difference)
 * ```
 */
export function custom(
  name: string,
  forward: (u: number) => number,
  inverse: (x: number) => number,
  derivative?: (u: number) => number,
): Transform {
  const step = Math.cbrt(Number.EPSILON);
  return {
    name,
    forward,
    inverse(x) {
      const u = inverse(x);
      if (!Number.isFinite(u)) throw new Error(`${name}.inverse: ${x} is outside the range of the transform (inverse gave ${u})`);
      return u;
    },
    derivative:
      derivative ??
      ((u) => {
        const h = step * Math.max(1, Math.abs(u));
        return (forward(u + h) - forward(u - h)) / (2 * h);
      }),
  };
}

/**
 * The transform jaxley's ParamTransform would pick for bounds [lo, hi]: sigmoid when both are
 * finite, softplus / softplusUpper when one side is infinite, identity when both are.
 *
 * ```ts
 * transforms.forBounds(-1, 1).name; // 'sigmoid(-1, 1)'
 * transforms.forBounds(0, Infinity).name; // 'softplus(0)'
 * ```
 */
export function forBounds(lo: number, hi: number): Transform {
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`forBounds: bounds must not be NaN, got [${lo}, ${hi}]`);
  if (!(lo < hi) || lo === Infinity || hi === -Infinity) {
    throw new Error(`forBounds: need lo < hi with lo < Infinity and hi > -Infinity, got [${lo}, ${hi}]`);
  }
  const loFinite = Number.isFinite(lo);
  const hiFinite = Number.isFinite(hi);
  if (loFinite && hiFinite) return sigmoid(lo, hi);
  if (loFinite) return softplus(lo);
  if (hiFinite) return softplusUpper(hi);
  return identity();
}
