// A worker thread of a fit: builds the fit's evaluator again from the options' source module
// and evaluates the parts of batches the main thread's pool hands it.
import { serveBatches } from '../parallel/serve.ts';
import { loadOptionsSource, type OptionsSource } from '../parallel/source.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Point } from '../search/space.ts';
import { Evaluator, type EvaluatorOptions } from './evaluator.ts';
import { AUTO_TIME_STEPS } from './time-step.ts';

serveBatches<Point, Evaluation>(async (init) => {
  const { source, overrides } = init as { source: OptionsSource; overrides: Record<string, unknown> };
  let options: EvaluatorOptions;
  try {
    options = (await loadOptionsSource(source)) as EvaluatorOptions;
  } catch (err) {
    throw new Error(`cannot build the fit from ${source.module}: ${(err as Error).message}`);
  }
  const merged = { ...options, ...overrides } as Omit<EvaluatorOptions, 'timeStep'> & { timeStep?: number | 'auto'; timeSteps?: readonly number[] };
  // options that say timeStep 'auto' without the chosen step (a pool started by hand): the fine step
  if (merged.timeStep === 'auto') merged.timeStep = (merged.timeSteps ?? AUTO_TIME_STEPS).at(-1)!;
  const evaluator = new Evaluator(merged as EvaluatorOptions);
  return (points) => evaluator.evaluate(points);
});
