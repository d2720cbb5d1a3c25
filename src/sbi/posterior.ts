import { seededStream, type Uniform } from '../numeric/random.ts';
import type { DensityEstimator, EstimatorJSON } from './estimator.ts';
import { repeatRow } from './estimator.ts';
import { MAF } from './maf.ts';
import { MDN } from './mdn.ts';
import { NSF } from './nsf.ts';
import { Adam } from './nn.ts';
import { checkPrior, type Prior } from './prior.ts';

/** Means and SDs that map θ and x to the scale the network was trained on. */
export interface ZScore {
  thetaMean: number[];
  thetaSd: number[];
  xMean: number[];
  xSd: number[];
  /**
   * When set, θ is first mapped to logit((θ − low)/(high − low)) (the box of a BoxUniform
   * prior) and thetaMean/thetaSd are those of the logits: the flow then lives on an unbounded
   * space, draws never leak, and mass piled against a bound becomes a smooth tail.
   */
  logitBox?: { low: number[]; high: number[] };
}

/** Keeps logit finite for θ on the box's edge. */
const LOGIT_CLAMP = 1e-12;

/** Where the posterior is evaluated: the observation x_o. */
export interface AtObservation {
  x: number[];
}

/** Options of {@link Posterior.sample}. */
export interface SampleOptions extends AtObservation {
  /** Where warnings go (default: stderr). */
  onWarning?: (message: string) => void;
}

/** A saved {@link Posterior} (plain JSON). */
export interface PosteriorJSON {
  format: 'neurofit-sbi-posterior';
  version: 1;
  seed: number | string;
  zscore: ZScore;
  estimator: EstimatorJSON;
}

/** Calibration of a posterior on held-out simulations ({@link Posterior.coverage}). */
export interface Coverage {
  /** Credible levels checked. */
  levels: number[];
  /** Share of held-out θ inside the level's highest-density region; ≈ the level when calibrated. */
  expected: number[];
  /** Per test pair and parameter: how many of the `samples` posterior draws fall below the true value (SBC ranks). */
  ranks: number[][];
  samples: number;
  /** True when some level's coverage is further from nominal than chance allows. */
  miscalibrated: boolean;
  /** One line saying how calibrated the posterior is. */
  message: string;
}

/** Below this share of draws inside the prior's support, {@link Posterior.sample} warns. */
export const LEAKAGE_WARNING = 0.01;
/** Below this share (after 10,000 draws) sampling gives up and names the leakage. */
export const LEAKAGE_ERROR = 1e-3;

/**
 * q(θ | x), the trained posterior of {@link NPE}: draws (with leakage outside the prior's
 * support rejected), log densities, the MAP, calibration, and save/load.
 *
 * ```ts
 * const posterior = await npe.train();
 * const draws = posterior.sample(1000, { x: xo });
 * posterior.acceptanceRate; // share of draws inside the prior's support
 * const again = Posterior.fromJSON(JSON.parse(JSON.stringify(posterior.toJSON())), prior);
 * ```
 */
export class Posterior {
  readonly prior: Prior;
  readonly dim: number;
  readonly xDim: number;
  /** Share of the last {@link sample} call's draws inside the prior's support. */
  acceptanceRate = 1;
  private readonly random: Uniform;
  private readonly logSdSum: number;

  constructor(
    readonly estimator: DensityEstimator,
    prior: Prior,
    readonly zscore: ZScore,
    readonly seed: number | string = 0,
  ) {
    this.prior = checkPrior(prior);
    this.dim = estimator.dim;
    this.xDim = zscore.xMean.length;
    if (this.prior.dim !== this.dim) throw new Error(`Posterior: the prior has dimension ${this.prior.dim} but the posterior is over ${this.dim} parameters`);
    this.random = seededStream(`sbi-posterior:${seed}`);
    this.logSdSum = zscore.thetaSd.reduce((s, v) => s + Math.log(v), 0);
  }

  /** x_o on the network's scale; throws for a wrong length or non-finite values. */
  private context(at: AtObservation | undefined, what: string): Float64Array {
    const x = at?.x;
    if (!Array.isArray(x) || x.length !== this.xDim) {
      throw new Error(`Posterior.${what}: give { x } with ${this.xDim} values (the length of the simulations' x); got ${Array.isArray(x) ? `${x.length} values` : String(x)}`);
    }
    if (!x.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`Posterior.${what}: x must be finite numbers (got ${JSON.stringify(x)})`);
    return Float64Array.from(x, (v, i) => (v - this.zscore.xMean[i]!) / this.zscore.xSd[i]!);
  }

  private toZ(theta: number[][]): Float64Array {
    const D = this.dim;
    const out = new Float64Array(theta.length * D);
    const box = this.zscore.logitBox;
    theta.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== D) throw new Error(`Posterior: θ row ${r} has ${Array.isArray(row) ? row.length : 'no'} values; expected ${D}`);
      for (let i = 0; i < D; i++) {
        const y = box ? logitIn(row[i]!, box.low[i]!, box.high[i]!) : row[i]!;
        out[r * D + i] = (y - this.zscore.thetaMean[i]!) / this.zscore.thetaSd[i]!;
      }
    });
    return out;
  }

  private fromZ(z: Float64Array, n: number): number[][] {
    const D = this.dim;
    const out: number[][] = new Array(n);
    const box = this.zscore.logitBox;
    for (let r = 0; r < n; r++) {
      const row = new Array<number>(D);
      for (let i = 0; i < D; i++) {
        const y = z[r * D + i]! * this.zscore.thetaSd[i]! + this.zscore.thetaMean[i]!;
        row[i] = box ? box.low[i]! + (box.high[i]! - box.low[i]!) / (1 + Math.exp(-y)) : y;
      }
      out[r] = row;
    }
    return out;
  }

  /** log |dθ/dy| of the logit map per row (0 without one): q(θ) = q(y) / |dθ/dy|. */
  private logJacobian(theta: number[][]): number[] {
    const box = this.zscore.logitBox;
    if (!box) return theta.map(() => 0);
    return theta.map((row) => {
      let s = 0;
      for (let i = 0; i < this.dim; i++) {
        const w = box.high[i]! - box.low[i]!;
        const p = Math.min(1 - LOGIT_CLAMP, Math.max(LOGIT_CLAMP, (row[i]! - box.low[i]!) / w));
        s += Math.log(w * p * (1 - p));
      }
      return s;
    });
  }

  /** Draws from q(θ | x) and keeps those inside the prior's support. */
  private draw(n: number, ctx: Float64Array): { kept: number[][]; drawn: number } {
    const kept: number[][] = [];
    let drawn = 0;
    while (kept.length < n) {
      const m = Math.min(100_000, Math.max(1000, Math.ceil((n - kept.length) * (drawn > 0 ? Math.min(1000, (1.2 * drawn) / Math.max(1, kept.length)) : 1.05))));
      const rows = this.fromZ(this.estimator.sample(m, ctx, this.random), m);
      const lp = this.prior.logProb(rows);
      // only the draws examined count: the rest of the last batch is neither kept nor rejected
      let r = 0;
      for (; r < m && kept.length < n; r++) if (lp[r]! > -Infinity) kept.push(rows[r]!);
      drawn += r;
      if (drawn >= 10_000 && kept.length / drawn < LEAKAGE_ERROR && kept.length < n) {
        throw new Error(
          `Posterior.sample: leakage: only ${kept.length} of ${drawn} draws (${((100 * kept.length) / drawn).toFixed(3)} %) fall inside the prior's support; ` +
            `the posterior puts its mass outside the prior (x_o may be unlike every simulation, or training too short): check x_o, simulate more, or widen the prior`,
        );
      }
    }
    return { kept, drawn };
  }

  /**
   * n draws of θ given x_o; draws outside the prior's support (leakage) are rejected, the
   * acceptance rate is kept in {@link acceptanceRate}, with a warning under 1 %.
   */
  sample(n: number, options: SampleOptions): number[][] {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Posterior.sample: n must be a non-negative integer (got ${String(n)})`);
    const ctx = this.context(options, 'sample');
    if (n === 0) return [];
    const { kept, drawn } = this.draw(n, ctx);
    this.acceptanceRate = kept.length / drawn;
    if (this.acceptanceRate < LEAKAGE_WARNING) {
      const warn = options.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
      warn(`posterior leakage: only ${(100 * this.acceptanceRate).toFixed(2)} % of draws fall inside the prior's support (rejected); the posterior may be poorly trained for this x_o`);
    }
    return kept;
  }

  /** log q(θ | x_o) of each row (−Infinity outside the prior's support; not renormalised for leakage). */
  logProb(theta: number[][], at: AtObservation): number[] {
    const ctx = this.context(at, 'logProb');
    const n = theta.length;
    const lq = this.estimator.logProb(this.toZ(theta), repeatRow(ctx, n), n);
    const lp = this.prior.logProb(theta);
    const lj = this.logJacobian(theta);
    return Array.from(lq, (v, r) => (lp[r]! > -Infinity ? v - this.logSdSum - lj[r]! : -Infinity));
  }

  /**
   * The maximum of q(θ | x_o): the best of 1,000 draws, then gradient ascent from the ten best,
   * staying inside the prior's support.
   */
  map(at: AtObservation, options: { draws?: number; starts?: number; steps?: number } = {}): number[] {
    const ctx = this.context(at, 'map');
    const draws = this.sample(options.draws ?? 1000, { x: at.x, onWarning: () => {} });
    const lp = this.logProb(draws, at);
    const starts = Math.min(options.starts ?? 10, draws.length);
    const order = lp.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, starts).map(([, i]) => draws[i]!);
    const D = this.dim;
    const z = this.toZ(order);
    const ctxs = repeatRow(ctx, starts);
    const grad = new Float64Array(starts * D);
    const adam = new Adam([z], [grad], 0.01, Infinity);
    let best = order[0]!;
    let bestLp = lp.reduce((a, b) => Math.max(a, b), -Infinity);
    for (let step = 0; step < (options.steps ?? 200); step++) {
      this.estimator.zeroGrad();
      this.estimator.loss(z, ctxs, starts, true, grad);
      adam.step();
      if (step % 20 === 19 || step === (options.steps ?? 200) - 1) {
        const rows = this.fromZ(z, starts);
        const l = this.logProb(rows, at);
        l.forEach((v, i) => {
          if (v > bestLp) {
            bestLp = v;
            best = rows[i]!;
          }
        });
      }
    }
    this.estimator.zeroGrad();
    return best;
  }

  /**
   * Calibration on held-out simulations (θ_i, x_i) drawn from the prior: for each, whether θ_i
   * lies inside the 50/80/95 % highest-density regions of q(θ | x_i) (their shares should equal
   * the levels), and the simulation-based-calibration rank of each parameter among `samples` draws.
   *
   * ```ts
   * const c = posterior.coverage(thetaTest, xTest); // c.expected ≈ [0.5, 0.8, 0.95]
   * ```
   */
  coverage(thetaTest: number[][], xTest: number[][], options: { samples?: number; levels?: number[] } = {}): Coverage {
    if (!Array.isArray(thetaTest) || !Array.isArray(xTest) || thetaTest.length !== xTest.length || thetaTest.length === 0) {
      throw new Error(`Posterior.coverage: thetaTest and xTest must be non-empty arrays of the same length (got ${thetaTest?.length} and ${xTest?.length})`);
    }
    const levels = options.levels ?? [0.5, 0.8, 0.95];
    const m = options.samples ?? 200;
    const inside = levels.map(() => 0);
    const ranks: number[][] = [];
    for (let t = 0; t < thetaTest.length; t++) {
      const at = { x: xTest[t]! };
      const ctx = this.context(at, 'coverage');
      const draws = this.fromZ(this.estimator.sample(m, ctx, this.random), m);
      const lpDraws = this.logProb(draws, at);
      const [lpTrue] = this.logProb([thetaTest[t]!], at);
      // share of draws denser than the truth = the smallest HPD level containing it
      const alpha = lpDraws.filter((v) => v > lpTrue!).length / m;
      levels.forEach((p, k) => {
        if (alpha < p) inside[k]!++;
      });
      ranks.push(thetaTest[t]!.map((v, i) => draws.filter((d) => d[i]! < v).length));
    }
    const N = thetaTest.length;
    const expected = inside.map((c) => c / N);
    const off = levels.map((p, k) => Math.abs(expected[k]! - p) - (0.02 + 3 * Math.sqrt((p * (1 - p)) / N)));
    const miscalibrated = off.some((o) => o > 0);
    const table = levels.map((p, k) => `${Math.round(100 * p)} %: ${(100 * expected[k]!).toFixed(1)} %`).join(', ');
    const message = miscalibrated
      ? `posterior MISCALIBRATED on ${N} held-out simulations (coverage ${table}): ${expected.some((e, k) => e < levels[k]!) ? 'overconfident' : 'underconfident'}; simulate more or train longer`
      : `posterior calibrated on ${N} held-out simulations (coverage ${table})`;
    return { levels, expected, ranks, samples: m, miscalibrated, message };
  }

  toJSON(): PosteriorJSON {
    return { format: 'neurofit-sbi-posterior', version: 1, seed: this.seed, zscore: this.zscore, estimator: this.estimator.toJSON() };
  }

  /** A posterior saved by {@link toJSON}, with its prior (priors hold code, so they are not saved). */
  static fromJSON(json: PosteriorJSON, prior: Prior): Posterior {
    if (!json || json.format !== 'neurofit-sbi-posterior' || json.version !== 1) {
      throw new Error(`Posterior.fromJSON: not a saved posterior (expected format 'neurofit-sbi-posterior', version 1; got ${JSON.stringify(json?.format)})`);
    }
    const est = estimatorFromJSON(json.estimator);
    return new Posterior(est, prior, json.zscore, json.seed);
  }
}

/** logit((v − low)/(high − low)), clamped so that the box's edges stay finite. */
export function logitIn(v: number, low: number, high: number): number {
  const p = Math.min(1 - LOGIT_CLAMP, Math.max(LOGIT_CLAMP, (v - low) / (high - low)));
  return Math.log(p / (1 - p));
}

/** Rebuilds a saved density estimator by its kind. */
export function estimatorFromJSON(json: EstimatorJSON): DensityEstimator {
  if (json?.kind === 'maf') return MAF.fromJSON(json);
  if (json?.kind === 'mdn') return MDN.fromJSON(json);
  if (json?.kind === 'nsf') return NSF.fromJSON(json);
  throw new Error(`Posterior.fromJSON: unknown density estimator '${String(json?.kind)}' (expected 'maf', 'nsf' or 'mdn')`);
}
