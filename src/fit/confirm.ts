import { CMAES } from '../search/cmaes.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Point, Space } from '../search/space.ts';
import type { Evaluator } from './evaluator.ts';
import { bestEvaluation } from './results-contents.ts';

/** How the best points of a search at a coarse step fared at the fine step. */
export interface Confirmation {
  /** The best at the fine step: its loss is the fine step's. */
  best: Evaluation;
  /** The best loss at the search's step, for comparison. */
  searchLoss: number;
  /** Evaluations at the fine step: the re-simulated best points, then any refinement's. */
  evaluations: number;
  /** Whether a short CMA-ES run at the fine step was needed (the fine loss was more than 10 % + 0.01 worse). */
  refined: boolean;
}

/** Distinct points re-simulated at the fine step. */
const TOP = 8;

/**
 * Re-simulates the search's best distinct points at the fine step and keeps the best there;
 * when that is more than 10 % (+ 0.01) worse than at the search's step (the coarse step biased the
 * optimum), refines it with one local CMA-ES run at the fine step (step size 0.01 of the
 * bounds, at most 250 evaluations per parameter; measured on the Izhikevich RS recovery searched
 * at 0.02 ms: 100 per parameter at 0.02 left a, b, c, d 1.5 % off, this 0.14 %). The fine step decides: what a fit returns
 * is what the model does at it.
 *
 * ```ts
 * const c = await confirmAtFineStep(history, fineEvaluator, space, { seed: 1 });
 * c.best.loss; // the loss at the fine step
 * ```
 */
export async function confirmAtFineStep<Soll>(
  history: Evaluation[],
  fine: Evaluator<Soll>,
  space: Space,
  /** `evaluate`: how the refinement evaluates its generations (e.g. with worker threads); default this thread. */
  o: { seed: number; evaluate?: (points: Point[]) => Promise<Evaluation[]> },
): Promise<Confirmation> {
  const evaluate = o.evaluate ?? ((points: Point[]) => fine.evaluate(points));
  const ranked = history.filter((h) => Number.isFinite(h.loss)).sort((a, b) => a.loss - b.loss);
  const seen = new Set<string>();
  const top = [];
  for (const h of ranked) {
    const point = fine.fittedPart(h.params);
    const key = JSON.stringify(point);
    if (seen.has(key)) continue;
    seen.add(key);
    top.push(point);
    if (top.length === TOP) break;
  }
  const searchLoss = ranked[0]!.loss;
  const confirmed = await fine.evaluate(top);
  let best = bestEvaluation(confirmed) ?? confirmed[0]!;
  let evaluations = confirmed.length;
  // 0.01 on top of 10 %: a loss near 0 (a recovery) moves by more than 10 % for nothing that matters
  const worse = !(best.loss <= searchLoss + 0.1 * Math.abs(searchLoss) + 0.01);
  if (worse) {
    const n = Object.keys(space).length;
    const cma = new CMAES(space, { seed: `${o.seed}/fine-step`, x0: fine.fittedPart(best.params), sigma0: 0.01, restarts: false });
    while (!cma.converged() && evaluations < 250 * n + confirmed.length) {
      const points = cma.ask(cma.preferredBatch);
      const results = await evaluate(points);
      cma.tell(points, results.map((r) => r.loss));
      evaluations += results.length;
      const better = bestEvaluation(results);
      if (better && better.loss < best.loss) best = better;
    }
  }
  return { best, searchLoss, evaluations, refined: worse };
}
