import { seededStream } from '../numeric/random.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Point } from '../search/space.ts';
import type { Results } from '../experiment/results.ts';
import { NPE } from '../sbi/npe.ts';
import { truncatedPriorSample } from '../sbi/truncated.ts';
import { BoxUniform, checkPrior, type Prior } from '../sbi/prior.ts';
import type { Posterior } from '../sbi/posterior.ts';
import { describe, type PosteriorSummary, type SbiSettings } from './posterior-summary.ts';
import type { FitRun } from './fit-run.ts';

export { sbiHooks, describe, type PosteriorSummary, type SbiSettings } from './posterior-summary.ts';

/** @internal The prior a fit uses: the given one (checked against the fitted variables) or BoxUniform over the bounds. */
export function sbiPrior(prior: Prior | undefined, fitted: readonly { name: string; low: number; high: number }[]): Prior {
  if (prior === undefined) return new BoxUniform(fitted.map((f) => f.low), fitted.map((f) => f.high));
  const p = checkPrior(prior, 'OptNeuron: prior');
  if (p.dim !== fitted.length) {
    throw new Error(`OptNeuron: the prior has dimension ${p.dim} but ${fitted.length} variables are fitted (${fitted.map((f) => f.name).join(', ')}); give one dimension per fitted variable, in that order`);
  }
  return p;
}

/** @internal x_o: the summary of the target (model run or recordings as Results), or zeros of the loss terms' length. */
function observation(fit: FitRun<unknown>, summary: ((r: Results) => number[]) | undefined, xDim: number): number[] {
  if (!summary) return new Array<number>(xDim).fill(0);
  const t = fit.target;
  const soll = t.kind === 'model' ? t.results.forNeuron(0) : (t.soll as Results);
  if (!soll || typeof (soll as Results).forNeuron !== 'function') {
    throw new Error("OptNeuron: method 'sbi' with `summary` needs the target as Results (targetNeuronModel, or resultsSoll holding a Results), to compute x_o = summary(target)");
  }
  const x = Array.from(summary(soll), Number);
  if (!x.every(Number.isFinite)) throw new Error(`OptNeuron: summary(target) is not finite (${JSON.stringify(x)}); x_o must be finite numbers`);
  return x;
}

/**
 * @internal Method 'sbi': θ drawn from the prior, simulated in batches through the fit's
 * evaluator (and its workers) like a search's points, NPE trained on (θ, x), the posterior at
 * x_o summarised; held-out simulations check its calibration.
 */
export async function runInference(
  fit: FitRun<unknown>,
  settings: SbiSettings & { summary?: (r: Results) => number[]; seed: number; batchSize?: number; verbose?: boolean },
): Promise<{ posterior: Posterior; summary: PosteriorSummary; map: Point }> {
  const { history, maxEvals, evaluator, target, pool } = fit;
  const fitted = evaluator.variables.fitted;
  const names = fitted.map((f) => f.name);
  const prior = sbiPrior(settings.prior, fitted);
  const random = seededStream(`sbi-simulations:${settings.seed}`);
  const rounds = settings.rounds ?? 1;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`OptNeuron: sbi.rounds must be an integer >= 1, got ${settings.rounds}`);
  const batch = settings.batchSize ?? 100;
  const simulate = async (thetas: number[][]): Promise<(number[] | undefined)[]> => {
    const xs: (number[] | undefined)[] = [];
    for (let k = 0; k < thetas.length; k += batch) {
      const points: Point[] = thetas.slice(k, k + batch).map((t) => Object.fromEntries(names.map((n, i) => [n, t[i]!])));
      const evaluations = await pool.evaluate(points, (part) => evaluator.evaluate(part, target));
      for (const e of evaluations) {
        xs.push(e.x);
        const { x: _x, ...kept } = e;
        void _x;
        history.push(kept as Evaluation);
      }
      fit.save('running');
      fit.progress(maxEvals);
      if (settings.verbose) process.stderr.write(`sbi: ${history.length}/${maxEvals} simulations\n`);
    }
    return xs;
  };
  // round 1 (from the prior) holds the held-out simulations too: calibration is checked against the prior
  const perRound = Math.floor(maxEvals / rounds);
  const thetas = prior.sample(maxEvals - perRound * (rounds - 1), random);
  const xs = await simulate(thetas);
  await pool.started();
  // the longest common length: a failed summary (NaN, other length) is an invalid simulation
  const lengths = new Map<number, number>();
  for (const x of xs) if (x) lengths.set(x.length, (lengths.get(x.length) ?? 0) + 1);
  const xDim = [...lengths.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (xDim === undefined) throw new Error(`OptNeuron: method 'sbi': none of the ${maxEvals} simulations gave summary statistics; check summary / getLoss`);
  const fix = (x: number[] | undefined) => (x && x.length === xDim ? x : new Array<number>(xDim).fill(NaN));
  const rows = xs.map(fix);
  // with rounds, the posterior is trained for x_o only (the truncated prior): calibration over the prior does not apply
  const held = rounds > 1 ? 0 : Math.min(settings.coverageSimulations ?? Math.min(200, Math.floor(maxEvals / 10)), thetas.length - 2);
  const npe = new NPE({ prior, densityEstimator: settings.densityEstimator, seed: settings.seed });
  npe.appendSimulations(thetas.slice(held), rows.slice(held));
  let posterior = await npe.train(settings.train);
  const xo = settings.observation ? [...settings.observation] : observation(fit, settings.summary, xDim);
  if (xo.length !== xDim) throw new Error(`OptNeuron: method 'sbi': x_o has ${xo.length} values but the simulations' summaries have ${xDim}`);
  // truncated sequential NPE: later rounds simulate the prior inside the posterior's high-density region
  for (let r = 1; r < rounds; r++) {
    const { theta: next } = truncatedPriorSample(posterior, prior, xo, perRound, random);
    npe.appendSimulations(next, (await simulate(next)).map(fix));
    posterior = await npe.train(settings.train);
  }
  const samples = posterior.sample(1000, { x: xo });
  const acceptanceRate = posterior.acceptanceRate;
  const mapValues = posterior.map({ x: xo });
  const map = Object.fromEntries(names.map((n, i) => [n, mapValues[i]!]));
  let coverage: PosteriorSummary['coverage'];
  if (held > 0) {
    const ok = rows.slice(0, held).map((x, i) => [thetas[i]!, x] as const).filter(([t, x]) => t.every(Number.isFinite) && x.every(Number.isFinite));
    if (ok.length > 0) {
      const c = posterior.coverage(ok.map(([t]) => t), ok.map(([, x]) => x), { samples: 100 });
      coverage = { levels: c.levels, expected: c.expected, miscalibrated: c.miscalibrated, message: c.message };
    }
  }
  const training = npe.lastTraining!;
  const summary: PosteriorSummary = {
    names,
    ...describe(samples),
    acceptanceRate,
    map,
    observation: xo,
    ...(prior.bounds ? { bounds: prior.bounds() } : {}),
    simulations: npe.numSimulations,
    invalidSimulations: npe.dropped,
    estimator: npe.densityEstimator,
    rounds,
    epochs: training.epochs,
    trainSeconds: training.seconds,
    stopReason: training.stopReason,
    ...(coverage ? { coverage } : {}),
  };
  return { posterior, summary, map };
}

