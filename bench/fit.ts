/**
 * Fit speed and quality: Izhikevich RS recovered from two synthetic 1 s sweeps (steps
 * of 10 and 15 from 100 to 900 ms, dt 0.01 ms) with 500 TPE evaluations and with 500
 * random-search evaluations; the coincidence factor Γ (Δ = 2 ms) of each best fit on
 * the fitted sweeps and on two unseen amplitudes (7, 20); the same after gradient
 * refinement of the TPE result (tpe+adam); TPE's own overhead per suggestion. Each method runs with seeds 1, 2, 3; figures are medians over them.
 * The last line is one JSON object.
 */
import { OptNeuron, traceFitOptions } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';
import { tpeOverheadMicros } from './tpe-overhead.ts';
import { recoveryGamma, sweeps } from './izhikevich-recovery.ts';
import { median } from '../src/numeric/quantile.ts';

const EVALS = 500;

const SEEDS = [1, 2, 3];

async function fit(method: string, seed: number) {
  const started = performance.now();
  // after the search, 6 starts x 400 Adam steps on the same loss, differentiated through the spike times
  const refine = { iterations: 400, starts: 6, learningRate: 0.003 };
  const result = await new OptNeuron({ ...traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], method, seed, batchSize: 10 }), ...refine }).run({ maxEvals: EVALS, resultsFile: false });
  const wall = (performance.now() - started) / 1000;
  return { wall, loss: result.loss, params: result.params, fitted: recoveryGamma(result.params, [10, 15]), unseen: recoveryGamma(result.params, [7, 20]) };
}

async function fits(method: string) {
  const runs: Awaited<ReturnType<typeof fit>>[] = [];
  for (const seed of SEEDS) runs.push(await fit(method, seed));
  const pick = (k: 'wall' | 'loss' | 'fitted' | 'unseen') => median(runs.map((r) => r[k]));
  const best = [...runs].sort((a, b) => a.loss - b.loss)[1]!; // the median run by loss
  return { wall: pick('wall'), loss: pick('loss'), fitted: pick('fitted'), unseen: pick('unseen'), params: best.params };
}

const tpe = await fits('tpe');
const random = await fits('random');
const refined = await fits('tpe+adam');
const at100 = tpeOverheadMicros(100);
const at1000 = tpeOverheadMicros(1000);
const show = (p: Record<string, number>) => ['a', 'b', 'c', 'd'].map((k) => `${k}=${p[k]!.toPrecision(4)}`).join(' ');
console.log(`Izhikevich RS recovery, 2 sweeps x 1 s, dt 0.01 ms, ${EVALS} evaluations, medians over seeds ${SEEDS.join(', ')}`);
console.log(`  TPE:    ${tpe.wall.toFixed(2)} s (${(EVALS / tpe.wall).toFixed(0)} evals/s), loss ${tpe.loss.toPrecision(4)}, Γ fitted ${tpe.fitted.toFixed(3)}, Γ unseen ${tpe.unseen.toFixed(3)}  [${show(tpe.params)}]`);
console.log(`  random: ${random.wall.toFixed(2)} s, loss ${random.loss.toPrecision(4)}, Γ fitted ${random.fitted.toFixed(3)}, Γ unseen ${random.unseen.toFixed(3)}  [${show(random.params)}]`);
console.log(`  TPE+Adam: ${refined.wall.toFixed(2)} s, loss ${refined.loss.toPrecision(4)}, Γ fitted ${refined.fitted.toFixed(3)}, Γ unseen ${refined.unseen.toFixed(3)}  [${show(refined.params)}]`);
console.log(`  TPE overhead per suggestion: ${at100.toFixed(0)} µs at 100 trials, ${at1000.toFixed(0)} µs at 1000 trials`);
console.log(
  JSON.stringify({
    evals_per_s: +(EVALS / tpe.wall).toFixed(1),
    tpe_us_per_suggestion_at_100: +at100.toFixed(1),
    tpe_us_per_suggestion_at_1000: +at1000.toFixed(1),
    wall_s: +tpe.wall.toFixed(2),
    gamma_fitted: +tpe.fitted.toFixed(3),
    gamma_unseen: +tpe.unseen.toFixed(3),
    gamma_fitted_random: +random.fitted.toFixed(3),
    gamma_fitted_tpe_adam: +refined.fitted.toFixed(3),
    gamma_unseen_tpe_adam: +refined.unseen.toFixed(3),
    wall_s_tpe_adam: +refined.wall.toFixed(2),
  }),
);
