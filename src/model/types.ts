import type { MathNode } from './mathjs.ts';

/** Integration schemes. `exponential` integrates each ODE as linear in its own variable over a step (exact for gating variables). */
export type Method = 'euler' | 'midpoint' | 'rk4' | 'exponential';
/**
 * The integration schemes, as {@link Population} and model definitions accept them (see {@link Method}).
 *
 * ```ts
 * METHODS.includes('rk4'); // true
 * ```
 */
export const METHODS: readonly Method[] = ['euler', 'midpoint', 'rk4', 'exponential'];

/** A neuron model in the ANNarchy style, as the user writes it. */
export interface NeuronDefinition {
  /** Name used in error messages, CSV headers and `neurofit models`. */
  name: string;
  /** Parameter names and default values (finite numbers). The injected current is conventionally `I`. */
  parameters: Record<string, number>;
  /**
   * One definition per line: `dx/dt = expr`, `tau * dx/dt = expr` or `g = expr` (algebraic),
   * optionally followed by `: flag, flag` with flags `init = expr`, `min = expr`, `max = expr`,
   * `euler`/`exponential` (per-equation scheme), `unless_refractory`. `#` starts a comment.
   */
  equations: string;
  /** User functions, one per line: `sigmoid(x) = 1 / (1 + exp(-x))`. Inlined where used. */
  functions?: string;
  /** Spike condition, e.g. `v >= 30`. Without `reset`, a spike is an upward crossing of the condition. */
  spike?: string;
  /** Statements run at a spike, separated by `;` or newlines: `v = c; u += d`. */
  reset?: string;
  /** Refractory period in ms: a number or an expression of parameters. The spike variable is held during it. */
  refractory?: number | string;
  /** Default integration scheme (default `euler`). */
  method?: Method;
  /** Units of variables, for documentation and CSV headers. */
  units?: Record<string, string>;
  /** One line saying what the model is, with its reference. */
  description?: string;
  /** Typical ranges of parameters, used as default search bounds when fitting. */
  bounds?: Record<string, [number, number]>;
}

export interface OdeSpec {
  name: string;
  rhs: MathNode;
  line: number;
  /** Per-equation scheme if flagged (`euler` or `exponential`), otherwise undefined. */
  method?: Method;
  init: MathNode;
  min?: MathNode;
  max?: MathNode;
  unlessRefractory: boolean;
}

export interface AlgebraicSpec {
  name: string;
  expr: MathNode;
  line: number;
}

export interface ResetStatement {
  target: string;
  /** The value assigned, already expanded for `+=` and friends. */
  expr: MathNode;
}

export interface SpikeSpec {
  condition: MathNode;
  /**
   * For conditions of the form `a >= b` (or `>`, `<=`, `<`), the function g with g >= 0
   * exactly when the condition holds; used to interpolate the spike time.
   */
  crossing?: { g: MathNode; strict: boolean };
  /** The variable held during the refractory period (the state variable the condition watches). */
  variable?: string;
}

export interface RandomDraw {
  symbol: string;
  kind: 'normal' | 'uniform';
}

/** A validated model: every expression parsed, functions inlined, algebraic definitions in evaluation order. */
export interface ModelSpec {
  name: string;
  parameters: Record<string, number>;
  paramNames: string[];
  odes: OdeSpec[];
  algebraics: AlgebraicSpec[];
  spike?: SpikeSpec;
  reset: ResetStatement[];
  refractory?: MathNode;
  method: Method;
  randoms: RandomDraw[];
  units: Record<string, string>;
  description: string;
  bounds: Record<string, [number, number]>;
}
