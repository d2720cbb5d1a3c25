import type { Results } from '../experiment/results.ts';
import { NonFiniteLossError, runGradient, startingPoints, type GradientMethod, type GradientOutcome } from '../gradient/driver.ts';
import { defaultStarts, FIT_DEFAULTS, plannedEvaluations } from './defaults.ts';
import { sollFor } from './evaluator.ts';
import { endFields, type FitRun } from './fit-run.ts';
import type { SearchStopReason } from './stop-reason.ts';

/**
 * @internal Gradient fitting, after a search or alone: from the best distinct points of the
 * history (a search's, or a resumed file's), else from `initialParams` or the middle of the
 * bounds, with further starts drawn inside them. Every step's evaluations join the history,
 * after the search's (`searched`, counted apart). Returns the steps taken and why they stopped;
 * a non-finite loss ends the fit with its error, the results file saying 'loss is NaN'.
 */
export async function refine<Soll>(fit: FitRun<Soll>, method: GradientMethod, search?: SearchStopReason): Promise<GradientOutcome> {
  const { options: o, evaluator, history } = fit;
  const searched = [...history].filter((h) => Number.isFinite(h.loss)).sort((a, b) => a.loss - b.loss);
  const starts = o.starts ?? defaultStarts(fit.method);
  const given = searched.length > 0 ? searched.slice(0, starts).map((h) => evaluator.fittedPart(h.params)) : o.initialParams ? [o.initialParams] : [];
  const iterations = o.iterations ?? FIT_DEFAULTS.iterations;
  const planned = plannedEvaluations(fit.method, { maxEvals: fit.maxEvals, iterations, starts });
  const searchEvaluations = history.length;
  const stopReason = search ? { search } : {};
  let taken = 0;
  // progress in steps of one start each: earlier starts' steps, and the current ones'
  let finished = 0;
  let current = 0;
  let last = -1;
  const run = runGradient<Soll>(
    {
      variables: evaluator.variables,
      simulate: (points, reps, theta, sweeps) => evaluator.simulate(o.neuronModel, points, reps, theta, sweeps),
      reps: evaluator.numRepLoss,
      soll: (rep) => sollFor(fit.target, rep),
      getLoss: o.getLoss as (ist: Results, soll: Soll) => unknown,
      residuals: o.residuals,
      record: (evaluations, iteration) => {
        history.push(...evaluations);
        taken = Math.max(taken, iteration + 1);
        // L-BFGS and LM start again at step 0 for each start; Adam & co. record all starts at once
        if (iteration < last) finished += current;
        last = iteration;
        current = iteration * evaluations.length;
        fit.save('running', endFields(history, { searchEvaluations, iterations: taken, stopReason }));
        fit.progress(planned, searchEvaluations + finished + current);
      },
    },
    {
      method,
      iterations,
      learningRate: o.learningRate ?? FIT_DEFAULTS.learningRate,
      learningRates: o.learningRates,
      optimizer: o.optimizer,
      optimizers: o.optimizers,
      miniBatch: o.miniBatch,
      seed: evaluator.seed,
      transforms: o.transforms,
      kinds: o.kinds,
      starts: startingPoints(evaluator.variables, starts, given, evaluator.seed),
      callbacks: o.callbacks ?? [],
    },
  );
  try {
    return await run;
  } catch (err) {
    if (err instanceof NonFiniteLossError) fit.save('done', endFields(history, { searchEvaluations, iterations: taken, stopReason: { ...stopReason, gradient: err.stopReason } }));
    throw err;
  }
}
