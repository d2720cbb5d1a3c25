import type { Results } from '../experiment/results.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { ParameterKind } from './parameters.ts';
import type { Callback } from './callbacks.ts';
import type { Transform } from './transforms.ts';
import type { OptimizerSettings } from '../optimize/optimizers/by-name.ts';

/**
 * Gradient methods OptNeuron knows.
 *
 * ```ts
 * GRADIENT_METHODS.includes('lbfgs'); // true
 * const opt = new OptNeuron({ ...options, method: 'lbfgs', iterations: 50 });
 * ```
 */
export const GRADIENT_METHODS = ['adam', 'sgd', 'rmsprop', 'lbfgs', 'lm'] as const;
export type GradientMethod = (typeof GRADIENT_METHODS)[number];

/** A trace residual for Levenberg–Marquardt: weight * (trace - target). */
export interface ResidualSpec {
  trace: string;
  chunk: number;
  target: ArrayLike<number>;
  weight?: number;
}

export interface GradientSettings {
  method: GradientMethod;
  /** Optimiser steps (iterations for L-BFGS and LM). */
  iterations: number;
  /** Step size in unconstrained units (Adam, SGD, RMSProp). Default 0.05. */
  learningRate: number;
  /** Per-parameter learning rates, as jaxley's TypeOptimizer. */
  learningRates?: Record<string, number>;
  /**
   * Settings of the method's optimiser (adam: betas, eps, weightDecay, amsgrad; sgd: momentum,
   * dampening, nesterov, weightDecay; rmsprop: rho, eps, momentum, centered, weightDecay).
   * Defaults as tf.train's: eps 1e-7, RMSProp rho 0.9.
   */
  optimizer?: OptimizerSettings;
  /** Per parameter, its own optimiser and settings (jaxley's TypeOptimizer), e.g. `{ gL: { method: 'sgd', momentum: 0.9, lr: 0.01 } }`. */
  optimizers?: Record<string, OptimizerSettings & { method?: 'adam' | 'adamw' | 'sgd' | 'rmsprop' }>;
  /**
   * Adam, SGD, RMSProp: each step simulates and differentiates only `miniBatch` sweeps, drawn
   * at random without replacement (seeded by `seed`) from the experiment's n (it must loop over
   * `this.sweepsToRun(n)`; the loss compares chunk j with sweep `ist.sweeps[j]`). The first
   * step and the end point are evaluated on every sweep: the fit's loss is the whole loss.
   */
  miniBatch?: number;
  /** Seeds the mini-batches. Default 0. */
  seed?: number | string;
  /** Transforms other than the automatic one (sigmoid for [lo, hi]). */
  transforms?: Record<string, Transform>;
  /** Parameter kinds (TVB-Optim): 'bounded' (default), 'normalized' (in units of the start value), 'free', 'masked' (held at the start value). */
  kinds?: Record<string, ParameterKind>;
  /** Starting points (constrained values of the fitted parameters); their number is the number of starts. */
  starts: Record<string, number>[];
  callbacks: Callback[];
}

/**
 * What the driver needs to know of a fit's variables. The fit layer's `Variables`
 * (variablesBounds checked against a model) is one; the interface keeps gradient below fit.
 */
export interface GradientVariables {
  /** The fitted names with their bounds. */
  readonly fitted: readonly { name: string; low: number; high: number }[];
  /** Names that are model parameters (only those are differentiated). */
  readonly parameters: readonly string[];
  /** Entries computed from others (not differentiated). */
  readonly expressions: readonly { name: string }[];
  /** Every value (fitted, constant, computed) from the fitted ones. */
  resolve(fitted: Record<string, number>): Record<string, number>;
}

/** What the driver needs from OptNeuron: simulating a batch, the target, the loss, and the record of evaluations. */
export interface GradientContext<Soll> {
  variables: GradientVariables;
  /** Simulates points (values of the fitted variables) `reps` times each, tracking d(recorded)/dθ for `theta`. */
  simulate(points: Record<string, number>[], reps: number, theta: string[], sweeps?: readonly number[]): Promise<Results>;
  reps: number;
  soll(rep: number): Soll;
  getLoss: (ist: Results, soll: Soll) => unknown;
  residuals?: (ist: Results, soll: Soll) => ResidualSpec[];
  /** Records evaluations (and writes the results file). */
  record(evaluations: Evaluation[], iteration: number): void;
}

/**
 * Why a gradient fit ended, one phrase a person reads in the summary, the JSON and the
 * results file. 'loss is NaN' ends the fit with an error naming the step and the point.
 */
export type GradientStopReason =
  | 'converged: gradient tolerance'
  | 'converged: function tolerance'
  | 'converged: step tolerance'
  | 'line search failed'
  | 'damping limit'
  | 'max iterations'
  | 'plateau'
  | 'user stop'
  | 'loss is NaN';

/** The error that ends a gradient fit whose loss, gradient or residuals are not finite; its message names the step and the point. */
export class NonFiniteLossError extends Error {
  readonly stopReason = 'loss is NaN' as const;
}

export interface GradientOutcome {
  /** Steps taken, summed over the starts. */
  iterations: number;
  /** Why the start that reached the lowest loss stopped (Adam, SGD, RMSProp: every start stops together). */
  stoppedBy: GradientStopReason;
}
