import type { IterationState } from '../lbfgs.ts';
import type { ParameterVector } from '../parameters.ts';
import type { GradientOutcome } from '../settings.ts';
import type { GradientRun } from '../strategy.ts';

/** One start of a method that optimises the starts one after another. */
export interface Start {
  /** Index of the start (for {@link GradientRun.evaluate}'s `first`). */
  index: number;
  vector: ParameterVector;
  u0: Float64Array;
  /** The optimiser's options: the iteration limit, and the callbacks after each iteration. */
  options: { maxIterations: number; onIteration: (st: IterationState) => boolean };
  /** The iteration the optimiser is at (0 until the first accepted step): what evaluations are recorded under. */
  step(): number;
}

/**
 * Runs `optimise` on each start in turn (L-BFGS, Levenberg–Marquardt); the iterations add
 * up, and the stop reason is the last start's.
 *
 * ```ts
 * const outcome = await eachStart(run, (start) => lbfgs(fg, start.u0, start.options));
 * ```
 */
export async function eachStart<Soll>(
  run: GradientRun<Soll>,
  optimise: (start: Start) => Promise<{ iterations: number; reason: string }>,
): Promise<GradientOutcome> {
  let iterations = 0;
  let stoppedBy = 'iterations';
  for (const [index, u0] of run.startU.entries()) {
    const vector = run.vectors[index]!;
    let step = 0;
    const result = await optimise({
      index,
      vector,
      u0,
      options: {
        maxIterations: run.settings.iterations,
        onIteration: (st) => {
          step = st.iteration;
          return run.stop(st.iteration, st.f, vector.values(st.x));
        },
      },
      step: () => step,
    });
    iterations += result.iterations;
    stoppedBy = result.reason;
  }
  return { iterations, stoppedBy };
}
