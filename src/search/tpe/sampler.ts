/**
 * The Tree-structured Parzen Estimator as a {@link Sampler}: startup trials from the prior, the
 * split of the history into good and bad sets, and the choice among candidates drawn from the
 * good density by expected improvement.
 */
import { partitionPoint, upperBound } from '../../numeric/bisect.ts';
import { gaussian, seededStream, type StatefulUniform } from '../../numeric/random.ts';
import { integerAtLeast, numberOption, orInfinity, positive } from '../../numeric/validate.ts';
import { checkAskCount, checkState, TrialLog, type Sampler, type SamplerOptions, type SamplerState, type Trial } from '../sampler.ts';
import { quantize, samplePrior, samplePriorDimension, validateSpace, type Point, type Space } from '../space.ts';
import { candidateLogDensity } from './density.ts';
import { dimSpec, type DimSpec } from './dimension.ts';
import { Mixture } from './mixture.ts';
import { rankWeights, type RankWeights } from './parzen-estimator.ts';

/** Options of {@link TPE}; the defaults are hyperopt's. */
export interface TPEOptions extends SamplerOptions {
  /** Suggestions drawn from the prior before the model is used (default 20). */
  nStartupTrials?: number;
  /** The good set holds the best ceil(gamma * sqrt(N)) of N ok trials, at most linearForgetting (default 0.25). */
  gamma?: number;
  /** Candidates drawn from the good-set density per dimension and suggestion (default 24). */
  nEICandidates?: number;
  /** Weight of the prior component in each Parzen estimator, and prior pseudocount per option of a choice (default 1). */
  priorWeight?: number;
  /**
   * Number of most recent observations given full weight; older ones are down-weighted
   * linearly. Also caps the size of the good set (default 25). `Infinity` turns forgetting off.
   */
  linearForgetting?: number;
}

/** The good (l) and bad (g) densities of one dimension; the continuous ones are reused between builds. */
interface DimModel {
  below: Mixture;
  above: Mixture;
  /** For choice: cumulative l, and log l and log g per option. */
  cumBelow: Float64Array;
  logBelow: Float64Array;
  logAbove: Float64Array;
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), following hyperopt's `tpe.suggest`
 * with its defaults: after `nStartupTrials` random suggestions, the ok trials are split into
 * the best ceil(gamma * sqrt(N)) ("below") and the rest ("above"); each dimension gets an
 * adaptive Parzen density l(x) from the below observations and g(x) from the above ones, and the
 * suggestion takes, per dimension, the best of `nEICandidates` draws from l by l(x) / g(x).
 * Dimensions are modelled independently.
 *
 * Differences from hyperopt: log-uniform bounds are values, not logs (see {@link Dimension});
 * failed trials (NaN/±Infinity loss) are kept out of the model instead of counting as the worst;
 * quantised values stay within the bounds.
 *
 * ```ts
 * const tpe = new TPE({ a: uniform(0.01, 0.1), d: loguniform(1, 10) }, { seed: 1 });
 * for (let i = 0; i < 100; i++) {
 *   const points = tpe.ask(4);
 *   tpe.tell(points, points.map(loss));
 * }
 * tpe.best(); // { params: { a, d }, loss, ok: true }
 * ```
 */
export class TPE implements Sampler {
  private readonly log: TrialLog;
  private readonly rng: StatefulUniform;
  private readonly specs: DimSpec[];
  private readonly nStartupTrials: number;
  private readonly gamma: number;
  private readonly nEICandidates: number;
  private readonly priorWeight: number;
  private readonly linearForgetting: number;

  // The ok trials (the model only ever sees those) as typed columns, in time order, with
  // capacity to grow: every ask scans them once per dimension.
  /** Number of ok trials. */
  private nOk = 0;
  /** Losses of ok trials. */
  private okLoss = new Float64Array(64);
  /** Per dimension, the ok trials' values in model space (log for log kinds, option index for choice). */
  private okValues: Float64Array[];
  /** Ok-trial indices sorted by loss (ties by time). */
  private byLoss = new Int32Array(64);
  /** Per dimension, ok-trial indices sorted by value (ties by time); unused for choice. */
  private byValue: Int32Array[];
  /** Per dimension, the model, rebuilt in place by each ask. */
  private readonly models: DimModel[];
  private splitValues = new Float64Array(0);
  private splitTimes = new Int32Array(0);

  /** Throws if the space or an option is invalid. */
  constructor(
    private readonly space: Space,
    options: TPEOptions = {},
  ) {
    validateSpace(space);
    this.log = new TrialLog(space);
    if (options.state) checkState(options.state, 'tpe');
    this.rng = seededStream(options.seed ?? 0, options.state?.rng, 'tpe');
    this.specs = Object.entries(space).map(([name, dim]) => dimSpec(name, dim));
    this.nStartupTrials = numberOption('TPE', 'nStartupTrials', options.nStartupTrials, 20, integerAtLeast(0));
    this.gamma = numberOption('TPE', 'gamma', options.gamma, 0.25, positive);
    this.nEICandidates = numberOption('TPE', 'nEICandidates', options.nEICandidates, 24, integerAtLeast(1));
    this.priorWeight = numberOption('TPE', 'priorWeight', options.priorWeight, 1, positive);
    this.linearForgetting = numberOption('TPE', 'linearForgetting', options.linearForgetting, 25, orInfinity(integerAtLeast(1)));
    this.okValues = this.specs.map(() => new Float64Array(64));
    this.byValue = this.specs.map(() => new Int32Array(64));
    this.models = this.specs.map((s) => {
      const k = s.options.length;
      return { below: new Mixture(s.low, s.high), above: new Mixture(s.low, s.high), cumBelow: new Float64Array(k), logBelow: new Float64Array(k), logAbove: new Float64Array(k) };
    });
    // the model is rebuilt from the trials by every ask: told again, they restore it
    if (options.state) this.tell(options.state.trials.map((t) => t.params), options.state.trials.map((t) => t.loss as number));
  }

  /** The trials and the stream's position: all a later ask depends on. */
  state(): SamplerState {
    return { kind: 'tpe', trials: this.log.state(), rng: this.rng.state() };
  }

  /** Every trial told, in the order told. */
  get trials(): readonly Trial[] {
    return this.log.trials;
  }

  /**
   * n suggestions. While fewer than nStartupTrials trials have been told (counting the ones
   * handed out earlier in this batch), suggestions are prior draws; the others come from one
   * model built for the whole batch, each with its own candidates, so they differ.
   */
  ask(n: number): Point[] {
    checkAskCount(n);
    const points: Point[] = [];
    let built = false;
    const told = this.log.trials.length;
    for (let i = 0; i < n; i++) {
      if (told + i < this.nStartupTrials) {
        points.push(samplePrior(this.space, this.rng));
        continue;
      }
      if (!built) {
        this.buildModels();
        built = true;
      }
      points.push(this.suggest());
    }
    return points;
  }

  /** Records results; failed ones (NaN/±Infinity) are kept in `trials` but not modelled. */
  tell(params: Point[], losses: number[]): void {
    for (const t of this.log.tell(params, losses)) {
      if (!t.ok) continue;
      const idx = this.nOk;
      if (idx === this.okLoss.length) this.grow();
      this.okLoss[idx] = t.loss;
      insertSorted(this.byLoss, idx, this.okLoss);
      for (let d = 0; d < this.specs.length; d++) {
        const s = this.specs[d]!;
        const v = t.params[s.name]!;
        this.okValues[d]![idx] = s.categorical ? s.optionIndex.get(v)! : s.log ? Math.log(v) : v;
        if (!s.categorical) insertSorted(this.byValue[d]!, idx, this.okValues[d]!);
      }
      this.nOk = idx + 1;
    }
  }

  /** Best ok trial so far (undefined if none). */
  best(): Trial | undefined {
    return this.log.best();
  }

  /** Doubles the columns' capacity. */
  private grow(): void {
    const c = 2 * this.okLoss.length;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    this.okLoss = f64(this.okLoss);
    this.byLoss = i32(this.byLoss);
    this.okValues = this.okValues.map(f64);
    this.byValue = this.byValue.map(i32);
  }

  /** Splits the ok trials into below and above and rebuilds every dimension's l and g. */
  private buildModels(): void {
    const nOk = this.nOk;
    const nBelow = nOk === 0 ? 0 : Math.min(Math.ceil(this.gamma * Math.sqrt(nOk)), this.linearForgetting, nOk);
    const nAbove = nOk - nBelow;
    const isBelow = new Uint8Array(nOk);
    for (let r = 0; r < nBelow; r++) isBelow[this.byLoss[r]!] = 1;
    // Time rank of each ok trial within its own set, for the forgetting weights.
    const rank = new Int32Array(nOk);
    let rb = 0;
    let ra = 0;
    for (let i = 0; i < nOk; i++) rank[i] = isBelow[i] ? rb++ : ra++;

    if (this.splitValues.length < nOk) {
      this.splitValues = new Float64Array(Math.max(nOk, 2 * this.splitValues.length));
      this.splitTimes = new Int32Array(this.splitValues.length);
    }
    const lf = this.linearForgetting;
    const forgetBelow = rankWeights(nBelow, lf);
    const forgetAbove = rankWeights(nAbove, lf);
    // Below in [0, nBelow), above in [nBelow, nOk): one pass over the value order keeps both sorted.
    const sv = this.splitValues;
    const st = this.splitTimes;
    for (let d = 0; d < this.specs.length; d++) {
      const s = this.specs[d]!;
      const model = this.models[d]!;
      if (s.categorical) {
        this.categoricalModel(s, d, model, isBelow, rank, forgetBelow, forgetAbove);
        continue;
      }
      const order = this.byValue[d]!;
      const values = this.okValues[d]!;
      let jb = 0;
      let ja = nBelow;
      for (let k = 0; k < nOk; k++) {
        const i = order[k]!;
        const j = isBelow[i] ? jb++ : ja++;
        sv[j] = values[i]!;
        st[j] = rank[i]!;
      }
      model.below.fit(sv, st, nBelow, s.priorMu, s.priorSigma, this.priorWeight, forgetBelow);
      model.above.fit(sv.subarray(nBelow), st.subarray(nBelow), nAbove, s.priorMu, s.priorSigma, this.priorWeight, forgetAbove);
    }
  }

  /** hyperopt's categorical posterior: forgetting-weighted counts plus priorWeight per option. */
  private categoricalModel(s: DimSpec, d: number, model: DimModel, isBelow: Uint8Array, rank: Int32Array, forgetBelow?: RankWeights, forgetAbove?: RankWeights): void {
    const k = s.options.length;
    const below = new Float64Array(k).fill(this.priorWeight);
    const above = new Float64Array(k).fill(this.priorWeight);
    const values = this.okValues[d]!;
    for (let i = 0; i < this.nOk; i++) {
      if (isBelow[i]) below[values[i]!]! += forgetBelow ? forgetBelow.w[rank[i]!]! : 1;
      else above[values[i]!]! += forgetAbove ? forgetAbove.w[rank[i]!]! : 1;
    }
    let sb = 0;
    let sa = 0;
    for (let j = 0; j < k; j++) {
      sb += below[j]!;
      sa += above[j]!;
    }
    let acc = 0;
    for (let j = 0; j < k; j++) {
      acc += below[j]! / sb;
      model.cumBelow[j] = acc;
      model.logBelow[j] = Math.log(below[j]! / sb);
      model.logAbove[j] = Math.log(above[j]! / sa);
    }
    model.cumBelow[k - 1] = Infinity;
  }

  /** One suggestion: per dimension, the best of nEICandidates draws from l by log l - log g. */
  private suggest(): Point {
    const point: Point = {};
    const rng = this.rng;
    for (let d = 0; d < this.specs.length; d++) {
      const s = this.specs[d]!;
      const model = this.models[d]!;
      let bestValue = NaN;
      let bestScore = -Infinity;
      for (let c = 0; c < this.nEICandidates; c++) {
        let value: number;
        let score: number;
        if (s.categorical) {
          // The first option whose cumulative probability exceeds the draw (the last is Infinity).
          const j = upperBound(model.cumBelow, rng(), 0, s.options.length - 1);
          value = s.options[j]!;
          score = model.logBelow[j]! - model.logAbove[j]!;
        } else {
          value = this.drawBelow(s, model.below);
          score = candidateLogDensity(s, model.below, value) - candidateLogDensity(s, model.above, value);
        }
        // Strict '>' keeps the first of equal scores (hyperopt's argmax does too).
        if (score > bestScore || c === 0) {
          bestScore = score;
          bestValue = value;
        }
      }
      point[s.name] = bestValue;
    }
    return point;
  }

  /**
   * A draw from the truncated mixture l, by rejection (pick a component by weight, draw from it,
   * retry both while outside the bounds), as hyperopt's GMM1 does; then mapped to natural units
   * and quantised.
   */
  private drawBelow(s: DimSpec, mix: Mixture): number {
    const rng = this.rng;
    let y = NaN;
    // The prior component alone keeps the acceptance rate above ~1/(3 * components); the cap
    // only guards against pathological histories.
    for (let tries = 0; tries < 100_000; tries++) {
      const i = upperBound(mix.cumW, rng() * mix.total, 0, mix.m - 1);
      const draw = mix.mus[i]! + mix.sigmas[i]! * gaussian(rng);
      if (draw >= mix.low && draw <= mix.high) {
        y = draw;
        break;
      }
    }
    if (Number.isNaN(y)) return samplePriorDimension(s.dim, rng);
    let x = s.log ? Math.exp(y) : y;
    if (s.q > 0) return quantize(x, s.lowValue, s.highValue, s.q);
    // exp(log(high)) can overshoot high by an ulp.
    if (x < s.lowValue) x = s.lowValue;
    else if (x > s.highValue) x = s.highValue;
    return x;
  }
}

/**
 * Inserts idx into `sorted`, whose first idx entries are indices ordered by key[index], after
 * any equal keys, so ties stay in time order.
 */
function insertSorted(sorted: Int32Array, idx: number, key: Float64Array): void {
  const v = key[idx]!;
  const lo = partitionPoint(0, idx, (k) => key[sorted[k]!]! > v);
  sorted.copyWithin(lo + 1, lo, idx);
  sorted[lo] = idx;
}
