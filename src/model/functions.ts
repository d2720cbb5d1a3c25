/**
 * Functions an equation may call, with the JavaScript each becomes. `ite` and the
 * random draws are handled by the parser and code generator themselves.
 */
export const BUILTIN_FUNCTIONS: Record<string, { arity: number | 'any'; js: (args: string[]) => string }> = {
  exp: { arity: 1, js: ([a]) => `Math.exp(${a})` },
  expm1: { arity: 1, js: ([a]) => `Math.expm1(${a})` },
  log: { arity: 1, js: ([a]) => `Math.log(${a})` },
  log10: { arity: 1, js: ([a]) => `Math.log10(${a})` },
  log2: { arity: 1, js: ([a]) => `Math.log2(${a})` },
  log1p: { arity: 1, js: ([a]) => `Math.log1p(${a})` },
  sqrt: { arity: 1, js: ([a]) => `Math.sqrt(${a})` },
  cbrt: { arity: 1, js: ([a]) => `Math.cbrt(${a})` },
  abs: { arity: 1, js: ([a]) => `Math.abs(${a})` },
  sin: { arity: 1, js: ([a]) => `Math.sin(${a})` },
  cos: { arity: 1, js: ([a]) => `Math.cos(${a})` },
  tan: { arity: 1, js: ([a]) => `Math.tan(${a})` },
  asin: { arity: 1, js: ([a]) => `Math.asin(${a})` },
  acos: { arity: 1, js: ([a]) => `Math.acos(${a})` },
  atan: { arity: 1, js: ([a]) => `Math.atan(${a})` },
  sinh: { arity: 1, js: ([a]) => `Math.sinh(${a})` },
  cosh: { arity: 1, js: ([a]) => `Math.cosh(${a})` },
  tanh: { arity: 1, js: ([a]) => `Math.tanh(${a})` },
  /** Appears in mathjs's derivative of tanh. */
  sech: { arity: 1, js: ([a]) => `(1 / Math.cosh(${a}))` },
  floor: { arity: 1, js: ([a]) => `Math.floor(${a})` },
  ceil: { arity: 1, js: ([a]) => `Math.ceil(${a})` },
  round: { arity: 1, js: ([a]) => `Math.round(${a})` },
  sign: { arity: 1, js: ([a]) => `Math.sign(${a})` },
  pow: { arity: 2, js: ([a, b]) => `Math.pow(${a}, ${b})` },
  min: { arity: 'any', js: (args) => `Math.min(${args.join(', ')})` },
  max: { arity: 'any', js: (args) => `Math.max(${args.join(', ')})` },
  /** Positive part, as in ANNarchy. */
  pos: { arity: 1, js: ([a]) => `Math.max(${a}, 0)` },
  /** Negative part, as in ANNarchy. */
  neg: { arity: 1, js: ([a]) => `Math.min(${a}, 0)` },
  clip: { arity: 3, js: ([x, lo, hi]) => `Math.min(Math.max(${x}, ${lo}), ${hi})` },
  heaviside: { arity: 1, js: ([a]) => `(${a} > 0 ? 1 : 0)` },
};

/** `ite(cond, a, b)`: if-then-else, ANNarchy's conditional. */
export const CONDITIONAL_FUNCTION = 'ite';

/** ANNarchy's random distributions, drawn anew each step for each neuron. */
export const RANDOM_FUNCTIONS = { Normal: 'normal', Uniform: 'uniform' } as const;

export const CONSTANTS: Record<string, string> = { pi: 'Math.PI', e: 'Math.E' };
