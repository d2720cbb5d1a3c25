import { samplers } from '../search/registry.ts';
import type { Sampler, SamplerState } from '../search/sampler.ts';
import type { Point, Space } from '../search/space.ts';
import { FIT_DEFAULTS } from './defaults.ts';
import type { FitRun } from './fit-run.ts';
import type { SearchStopReason } from './stop-reason.ts';
import { bestEvaluation } from './results-contents.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Callback, FitState } from '../gradient/callbacks.ts';

/**
 * @internal The sampler of a search. A resumed search continues from the saved sampler
 * state; from a file without one (an older neurofit's), it is told the evaluations so far
 * and draws from a stream of its own, so it does not repeat the suggestions it was told.
 */
export function searchSampler(search: string, space: Space, seed: number, resumed?: { state?: SamplerState; points: Point[]; losses: number[] }, extra: Record<string, unknown> = {}): Sampler {
  const make = samplers[search]!;
  if (!resumed) return make(space, { ...extra, seed });
  if (resumed.state) return make(space, { ...extra, seed, state: resumed.state });
  const sampler = make(space, { ...extra, seed: `${seed}/resumed-at-${resumed.points.length}` });
  if (resumed.points.length > 0) sampler.tell(resumed.points, resumed.losses);
  return sampler;
}

/** Keeps the sampler's state (without its trials, which are the history's first entries) for the results file. */
function recordState(fit: FitRun<unknown>, sampler: Sampler): void {
  // a state costs time in proportion to the trials; only a fit with a results file keeps one
  if (!sampler.state || !fit.header.fingerprint) return;
  const { trials, ...state } = sampler.state();
  fit.samplerState = { evaluations: trials.length, state };
}

/**
 * The fit's callbacks after a search round, with the best evaluation so far as the state
 * (iteration = round): every callback runs; if one asks to stop, why.
 */
function roundCallbacks(callbacks: Callback[] | undefined, history: Evaluation[], round: number): SearchStopReason | undefined {
  if (!callbacks || callbacks.length === 0) return undefined;
  const best = bestEvaluation(history);
  if (!best) return undefined;
  const state: FitState = { iteration: round, loss: best.loss, params: best.params };
  const stop = callbacks.map((c) => c(state)).some((x) => x === true);
  return stop ? (state.stopReason === 'plateau' ? 'plateau' : 'user stop') : undefined;
}

/**
 * @internal Ask/evaluate/tell rounds until the history holds `maxEvals` evaluations, the
 * deadline passes, the sampler says it has converged or a callback stops it. Each round's points run as one batch, split with the workers once they
 * are up; the results file and progress follow every round.
 */
export async function runSearch<Soll>(fit: FitRun<Soll>, sampler: Sampler): Promise<SearchStopReason> {
  const { options: o, history, maxEvals, evaluator, target, pool } = fit;
  recordState(fit as FitRun<unknown>, sampler);
  let converged: string | undefined;
  let round = 0;
  while (history.length < maxEvals && Date.now() < fit.deadline && !(converged = sampler.converged?.())) {
    const n = Math.min(o.batchSize ?? sampler.preferredBatch ?? FIT_DEFAULTS.batchSize, maxEvals - history.length);
    const points = sampler.ask(n);
    const evaluations = await pool.evaluate(points, (part) => evaluator.evaluate(part, target));
    sampler.tell(points, evaluations.map((e) => e.loss));
    history.push(...evaluations);
    // saved with the history it belongs to: a resume asks exactly what this run asks next
    recordState(fit as FitRun<unknown>, sampler);
    fit.save('running');
    fit.progress(maxEvals);
    const asked = roundCallbacks(o.callbacks, history, ++round);
    if (asked) return asked;
    if (o.verbose) {
      const best = bestEvaluation(history);
      process.stderr.write(`opt_neuron: ${history.length}/${maxEvals} evaluations, best loss ${best ? best.loss.toPrecision(5) : 'none yet'}\n`);
    }
  }
  // a search that ended before the workers were up still reports workers that cannot start
  await fit.pool.started();
  if (converged) return converged as SearchStopReason;
  return history.length >= maxEvals ? 'max evaluations' : 'time budget';
}
