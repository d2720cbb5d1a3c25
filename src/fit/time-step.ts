import type { Results } from '../experiment/results.ts';
import type { Point } from '../search/space.ts';
import { seededStream } from '../numeric/random.ts';
import { median } from '../numeric/quantile.ts';
import type { Evaluator } from './evaluator.ts';

/** Time steps (ms) `timeStep: 'auto'` chooses among, coarsest first; the last is the fine step. */
export const AUTO_TIME_STEPS: readonly number[] = Object.freeze([0.1, 0.05, 0.02, 0.01, 0.005]);

/**
 * How far apart (ms) a spike at dt and its partner at dt/2 may be for the two to agree: half
 * of Γ's 2 ms window, so the search's ranking of points is not the step's artefact. Euler's
 * error grows along a sweep (Izhikevich's RS cell: 0.4 ms after 800 ms at 0.01 ms), so a
 * tighter tolerance would send every search to the fine step.
 */
export const AGREEMENT_TOLERANCE = 1;

/** The share of spikes that must agree (per probe point, over its chunks; the median over the points). */
export const AGREEMENT_SHARE = 0.95;

/** What `timeStep: 'auto'` chose and why: each candidate's share of spikes agreeing with half its step. */
export interface TimeStepChoice {
  /** The step the search runs at. */
  search: number;
  /** The step the best points are confirmed (and if need be refined) at. */
  fine: number;
  /** Per candidate tried, coarsest first: the median over probe points of the share of spikes within the tolerance of dt/2's. */
  agreement: { dt: number; share: number }[];
  /** Why this step: for the printout. */
  why: string;
}

/** What `timeStep: 'auto'` did: the choice, and the confirmation at the fine step (loss there vs at the search's step). */
export interface TimeStepsUsed extends TimeStepChoice {
  searchLoss?: number;
  fineLoss?: number;
  confirmEvaluations?: number;
  refined?: boolean;
}

/**
 * The share of spikes of `a` and `b` (paired in time order, each once) within `tolerance` ms
 * of each other, over the larger count; 1 when neither train has spikes.
 *
 * ```ts
 * spikeAgreement([10, 20.3, 30], [10.1, 20, 45], 0.5); // 2/3
 * ```
 */
export function spikeAgreement(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number): { matched: number; total: number } {
  let matched = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j]! < a[i]! - tolerance) j++;
    if (j < b.length && b[j]! <= a[i]! + tolerance) {
      matched++;
      j++;
    }
  }
  return { matched, total: Math.max(a.length, b.length) };
}

/** Points drawn to find the probe points, and probe points kept (those firing most like the target). */
const DRAWN = 64;
const PROBES = 8;

/**
 * Chooses the coarsest step whose spike times agree with half that step: draws points inside
 * the bounds (and the middle), keeps the {@link PROBES} whose spike counts are nearest the
 * target's (when it is known: the search spends its time there, and a point firing five times
 * faster drifts most with the step), simulates them at each candidate and at half of it, and
 * takes the first candidate where, for the median probe point, {@link AGREEMENT_SHARE} of the spikes lie within
 * {@link AGREEMENT_TOLERANCE} ms of their partners. Why: a search at 0.05 ms runs five times
 * faster than at 0.01 ms, and spike times that do not move when the step halves are not an
 * artefact of it.
 *
 * ```ts
 * const choice = await chooseTimeStep((dt) => new Evaluator({ ...options, timeStep: dt }), bounds, { seed: 1, targetSpikes: 47 });
 * choice.search; // 0.05 for AdEx on a 4 s fluctuating current
 * ```
 */
export async function chooseTimeStep<Soll>(
  evaluatorAt: (dt: number) => Evaluator<Soll>,
  bounds: { name: string; low: number; high: number }[],
  o: { seed: number; candidates?: readonly number[]; targetSpikes?: number },
): Promise<TimeStepChoice> {
  const candidates = [...(o.candidates ?? AUTO_TIME_STEPS)];
  if (candidates.length === 0 || candidates.some((dt) => !(dt > 0))) throw new Error(`timeStep 'auto': candidate steps must be > 0 ms (got ${candidates.join(', ')})`);
  const fine = candidates[candidates.length - 1]!;
  if (candidates.length === 1) return { search: fine, fine, agreement: [], why: 'one candidate step' };
  const random = seededStream(`${o.seed}/time-step`);
  const simulate = (dt: number, points: Point[]): Promise<Results> => {
    const evaluator = evaluatorAt(dt);
    return evaluator.simulate(evaluator.options.neuronModel, points, 1);
  };
  const totalSpikes = (r: Results, j: number) => {
    let n = 0;
    for (let k = 0; k < r.numChunks; k++) n += r.forNeuron(j).spikes(k).length;
    return n;
  };
  let points: Point[] = [
    Object.fromEntries(bounds.map((b) => [b.name, (b.low + b.high) / 2])),
    ...Array.from({ length: o.targetSpikes === undefined ? PROBES - 1 : DRAWN - 1 }, () => Object.fromEntries(bounds.map((b) => [b.name, b.low + random() * (b.high - b.low)]))),
  ];
  if (o.targetSpikes !== undefined) {
    const counts = await simulate(candidates[1] ?? fine, points);
    const distance = (j: number) => Math.abs(Math.log((totalSpikes(counts, j) + 1) / (o.targetSpikes! + 1)));
    points = points.map((p, j) => ({ p, d: distance(j) })).sort((a, b) => a.d - b.d).slice(0, PROBES).map((x) => x.p);
  }
  const agreement: { dt: number; share: number }[] = [];
  for (const dt of candidates.slice(0, -1)) {
    const [coarse, half] = [await simulate(dt, points), await simulate(dt / 2, points)];
    // per point, then the median: one point on the edge of firing (spikes that come and go with the step) does not decide
    const shares: number[] = [];
    for (let j = 0; j < points.length; j++) {
      const a = coarse.forNeuron(j);
      const b = half.forNeuron(j);
      let matched = 0;
      let total = 0;
      for (let k = 0; k < a.numChunks; k++) {
        const s = spikeAgreement(a.spikes(k), b.spikes(k), AGREEMENT_TOLERANCE);
        matched += s.matched;
        total += s.total;
      }
      if (total > 0) shares.push(matched / total);
    }
    if (shares.length === 0) return { search: fine, fine, agreement, why: `no probe point fired at ${dt} ms: spike times cannot tell a step; searching at the fine step` };
    const share = median(shares);
    agreement.push({ dt, share });
    if (share >= AGREEMENT_SHARE) {
      return { search: dt, fine, agreement, why: `${(100 * share).toFixed(0)} % of spikes at ${dt} ms within ${AGREEMENT_TOLERANCE} ms of ${dt / 2} ms's (median of ${shares.length} probe points)` };
    }
  }
  return { search: fine, fine, agreement, why: `no coarser step kept ${100 * AGREEMENT_SHARE} % of spikes within ${AGREEMENT_TOLERANCE} ms of half its step` };
}
