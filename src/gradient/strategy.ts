import type { TF } from '../optimize/tf.ts';
import type { ParameterVector } from './parameters.ts';
import type { GradientContext, GradientOutcome, GradientSettings } from './settings.ts';
import type { FitState } from './callbacks.ts';

/** The loss and its gradient by the fitted parameters (constrained units) at one point. */
export interface PointGradient {
  params: Record<string, number>;
  loss: number;
  grad: Float64Array;
  /** The sweeps the loss is over, for a mini-batch step (else every sweep). */
  batch?: number[];
  /** How many sweeps the experiment has (its `sweepsToRun(n)`, or its number of chunks). */
  sweepCount: number;
}

/**
 * What every gradient method shares, set up by the driver: one parameter vector per start,
 * batched evaluation of loss and gradient, the NaN check, the callbacks and the record.
 */
export interface GradientRun<Soll> {
  tf: TF;
  ctx: GradientContext<Soll>;
  settings: GradientSettings;
  /** One per start: masked parameters are held at that start's value. */
  vectors: ParameterVector[];
  /** The parameters the optimiser moves (masked ones are held and not differentiated). */
  names: string[];
  /** Each start in unconstrained units. */
  startU: Float64Array[];
  /** Loss and d(loss)/dθ of the points `us` (unconstrained, of starts first, first + 1, …) in one batched simulation. */
  evaluate(us: Float64Array[], first?: number, sweeps?: readonly number[]): Promise<PointGradient[]>;
  /** Throws, naming the point, where the loss or a gradient is not finite; at step 0 warns of parameters the loss ignores. */
  checkFinite(r: PointGradient, iteration: number): void;
  /** Runs the callbacks; if one asks to stop, why ('plateau', else 'user stop'). */
  stop(iteration: number, loss: number, params: Record<string, number>): FitState['stopReason'];
  /** Records evaluated points with every value (held constants too), as a search records them. */
  record(points: { params: Record<string, number>; loss: number; batch?: number[] }[], iteration: number): void;
}

/**
 * One gradient method. The driver picks it by name from its table and hands it the
 * shared set-up; it returns how many iterations ran and why it stopped.
 *
 * ```ts
 * const plainGradientDescent: GradientStrategy = firstOrder((tf, rate) => tf.train.sgd(rate));
 * ```
 */
export interface GradientStrategy {
  run<Soll>(run: GradientRun<Soll>): Promise<GradientOutcome>;
}
