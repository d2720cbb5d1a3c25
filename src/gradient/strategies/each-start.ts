import type { IterationState } from '../../optimize/lbfgs.ts';
import type { ParameterVector } from '../parameters.ts';
import type { GradientOutcome, GradientStopReason } from '../settings.ts';
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
 * up, and the stop reason is that of the start that ended lowest (f of L-BFGS, cost of LM).
 *
 * ```ts
 * const outcome = await eachStart(run, (start) => lbfgs(fg, start.u0, start.options));
 * ```
 */
export async function eachStart<Soll>(
  run: GradientRun<Soll>,
  optimise: (start: Start) => Promise<{ iterations: number; reason: string; f?: number; cost?: number }>,
): Promise<GradientOutcome> {
  let iterations = 0;
  let stoppedBy: GradientStopReason = 'max iterations';
  let lowest = Infinity;
  for (const [index, u0] of run.startU.entries()) {
    const vector = run.vectors[index]!;
    let step = 0;
    let asked: GradientStopReason | undefined;
    const result = await optimise({
      index,
      vector,
      u0,
      options: {
        maxIterations: run.settings.iterations,
        onIteration: (st) => {
          step = st.iteration;
          asked = run.stop(st.iteration, st.f, vector.values(st.x));
          return asked !== undefined;
        },
      },
      step: () => step,
    });
    iterations += result.iterations;
    const value = result.f ?? result.cost ?? NaN;
    if (index === 0 || value < lowest) {
      lowest = value;
      stoppedBy = result.reason === 'callback' ? (asked ?? 'user stop') : stopReason(result.reason);
    }
  }
  return { iterations, stoppedBy };
}

/** The optimisers' own terms ({@link LbfgsResult}, {@link LmResult}) in the words a fit reports. */
const REASONS: Record<string, GradientStopReason> = {
  gradient: 'converged: gradient tolerance',
  function: 'converged: function tolerance',
  step: 'converged: step tolerance',
  'line-search': 'line search failed',
  damping: 'damping limit',
  'max-iterations': 'max iterations',
};

function stopReason(reason: string): GradientStopReason {
  const said = REASONS[reason];
  // an optimiser with a new reason must be given its words here, not reported as something else
  if (!said) throw new Error(`internal: no stop reason for the optimiser's '${reason}'`);
  return said;
}
