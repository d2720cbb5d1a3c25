/**
 * Fits that generalise. (0) The reductions with every default, on fluctuating input and on
 * steps (bench/reduction-defaults.ts). (1) Model reduction: the Pospischil RS cell reduced to AdEx (all
 * nine parameters, wide bounds) from 1 s steps at 1.5x and 3x rheobase, checked on 2.25x
 * and 1.35x (examples/reduction.ts). (2) Izhikevich recovery: the RS cell refitted
 * (a, b, c, d) from two synthetic 1 s sweeps (steps 10, 15), checked on 7 and 20 (as
 * bench/fit.ts). Each with `auto` for a fixed number of evaluations on all cores, then
 * plain `tpe` and `random` for the same wall time; Γ (Δ = 2 ms) fitted and unseen, medians
 * over seeds 1, 2, 3. The last line is one JSON object.
 */
import { availableParallelism } from 'node:os';
import { OptNeuron, traceFitOptions, type OptNeuronOptions } from '../src/index.ts';
import { adex, izhikevich } from '../models/index.ts';
import { FITTED, UNSEEN, gammas, reductionOptions } from '../examples/reduction.ts';
import { recoveryGamma, sweeps } from './izhikevich-recovery.ts';
import { median } from '../src/numeric/quantile.ts';
import { defaultsReduction } from './reduction-defaults.ts';

const SEEDS = [1, 2, 3];
const WORKERS = availableParallelism();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Problem {
  name: string;
  evaluations: number;
  options: (method: string, seed: number) => OptNeuronOptions<any>;
  score: (params: Record<string, number>) => Promise<{ fitted: number; unseen: number }>;
}

const reduction: Problem = {
  name: 'Pospischil RS -> AdEx (9 parameters)',
  evaluations: 8000,
  options: (method, seed) => reductionOptions('adex', method, seed, WORKERS),
  score: async (params) => ({
    fitted: mean((await gammas(adex, params, FITTED)).map((g) => g.gamma)),
    unseen: mean((await gammas(adex, params, UNSEEN)).map((g) => g.gamma)),
  }),
};

const recovery: Problem = {
  name: 'Izhikevich RS recovery (4 parameters)',
  evaluations: 2000,
  options: (method, seed) =>
    traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], method, seed, workers: WORKERS }),
  score: async (params) => ({ fitted: recoveryGamma(params, [10, 15]), unseen: recoveryGamma(params, [7, 20]) }),
};

async function run(problem: Problem, method: string, seed: number, budget?: number) {
  const started = performance.now();
  const fit = await new OptNeuron(problem.options(method, seed)).run(budget === undefined ? { maxEvals: problem.evaluations, resultsFile: false } : { maxEvals: 1e7, maxSeconds: budget, resultsFile: false });
  const wall = (performance.now() - started) / 1000;
  return { wall, evaluations: fit.evaluations, loss: fit.loss, ...(await problem.score(fit.params)) };
}

async function compare(problem: Problem) {
  const rows: Record<string, Awaited<ReturnType<typeof run>>[]> = { auto: [], tpe: [], random: [] };
  for (const seed of SEEDS) {
    const auto = await run(problem, 'auto', seed);
    rows.auto!.push(auto);
    rows.tpe!.push(await run(problem, 'tpe', seed, auto.wall));
    rows.random!.push(await run(problem, 'random', seed, auto.wall));
  }
  console.log(`${problem.name}: ${WORKERS} threads, medians over seeds ${SEEDS.join(', ')}; tpe and random get auto's wall time`);
  const summary: Record<string, { wall: number; evaluations: number; loss: number; fitted: number; unseen: number }> = {};
  for (const [method, list] of Object.entries(rows)) {
    const m = (k: 'wall' | 'evaluations' | 'loss' | 'fitted' | 'unseen') => median(list.map((r) => r[k]));
    summary[method] = { wall: m('wall'), evaluations: m('evaluations'), loss: m('loss'), fitted: m('fitted'), unseen: m('unseen') };
    const s = summary[method]!;
    console.log(
      `  ${method.padEnd(6)} ${s.evaluations.toFixed(0).padStart(6)} evaluations in ${s.wall.toFixed(1)} s, loss ${s.loss.toPrecision(3)}, Γ fitted ${s.fitted.toFixed(2)}, Γ unseen ${s.unseen.toFixed(2)}` +
        `   (per seed: unseen ${list.map((r) => r.unseen.toFixed(2)).join(' / ')})`,
    );
  }
  return summary;
}

const round = (x: number) => +x.toFixed(3);
const mean2 = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
// the defaults first: `npm run bench:reduction -- defaults` runs only them
const d = await defaultsReduction(SEEDS);
const defaults = {
  gamma_unseen_ou_default: round(median(d.map((r) => mean2(r.ou.unseen)))),
  wall_s_ou_default: round(median(d.map((r) => r.ou.wall))),
  gamma_fitted_steps_default: round(median(d.map((r) => mean2(r.steps.fitted)))),
  wall_s_steps_default: round(median(d.map((r) => r.steps.wall))),
};
console.log(`defaults (medians over seeds ${SEEDS.join(', ')}): OU Γ unseen ${defaults.gamma_unseen_ou_default} in ${defaults.wall_s_ou_default} s; steps Γ fitted ${defaults.gamma_fitted_steps_default} in ${defaults.wall_s_steps_default} s`);
if (process.argv.includes('defaults')) {
  console.log(JSON.stringify({ ...defaults, workers: WORKERS }));
  process.exit(0);
}
const r = await compare(reduction);
const z = await compare(recovery);
console.log(
  JSON.stringify({
    ...defaults,
    gamma_fitted_auto: round(r.auto!.fitted),
    gamma_unseen_auto: round(r.auto!.unseen),
    gamma_fitted_tpe: round(r.tpe!.fitted),
    gamma_unseen_tpe: round(r.tpe!.unseen),
    gamma_fitted_random: round(r.random!.fitted),
    gamma_unseen_random: round(r.random!.unseen),
    wall_s: round(r.auto!.wall),
    izhikevich_gamma_fitted_auto: round(z.auto!.fitted),
    izhikevich_gamma_unseen_auto: round(z.auto!.unseen),
    izhikevich_gamma_unseen_tpe: round(z.tpe!.unseen),
    izhikevich_gamma_unseen_random: round(z.random!.unseen),
    izhikevich_wall_s: round(z.auto!.wall),
    workers: WORKERS,
  }),
);
