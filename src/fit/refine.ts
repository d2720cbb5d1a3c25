import type { Results } from '../experiment/results.ts';
import { runGradient, startingPoints, type GradientMethod } from '../gradient/driver.ts';
import { defaultStarts, FIT_DEFAULTS, plannedEvaluations } from './defaults.ts';
import { sollFor } from './evaluator.ts';
import type { FitRun } from './fit-run.ts';

/**
 * @internal Gradient fitting, after a search or alone: from the best distinct points of the
 * history (a search's, or a resumed file's), else from `initialParams` or the middle of the
 * bounds, with further starts drawn inside them. Every step's evaluations join the history.
 * Returns the gradient steps taken.
 */
export async function refine<Soll>(fit: FitRun<Soll>, method: GradientMethod): Promise<number> {
  const { options: o, evaluator, history } = fit;
  const searched = [...history].filter((h) => Number.isFinite(h.loss)).sort((a, b) => a.loss - b.loss);
  const starts = o.starts ?? defaultStarts(fit.method);
  const given = searched.length > 0 ? searched.slice(0, starts).map((h) => evaluator.fittedPart(h.params)) : o.initialParams ? [o.initialParams] : [];
  const iterations = o.iterations ?? FIT_DEFAULTS.iterations;
  const planned = plannedEvaluations(fit.method, { maxEvals: fit.maxEvals, iterations, starts });
  let taken = 0;
  const outcome = await runGradient<Soll>(
    {
      variables: evaluator.variables,
      simulate: (points, reps, theta) => evaluator.simulate(o.neuronModel, points, reps, theta),
      reps: evaluator.numRepLoss,
      soll: (rep) => sollFor(fit.target, rep),
      getLoss: o.getLoss as (ist: Results, soll: Soll) => unknown,
      residuals: o.residuals,
      record: (evaluations, iteration) => {
        history.push(...evaluations);
        taken = Math.max(taken, iteration + 1);
        fit.save('running', { iterations: taken });
        fit.progress(planned);
      },
    },
    {
      method,
      iterations,
      learningRate: o.learningRate ?? FIT_DEFAULTS.learningRate,
      learningRates: o.learningRates,
      transforms: o.transforms,
      kinds: o.kinds,
      starts: startingPoints(evaluator.variables, starts, given, evaluator.seed),
      callbacks: o.callbacks ?? [],
    },
  );
  return outcome.iterations;
}
