import seedrandom from 'seedrandom';
import { gaussian } from '../numeric/random.ts';
import { checkAskCount, TrialLog, type Sampler, type SamplerOptions, type Trial } from './sampler.ts';
import { firstMultiple, lastMultiple, quantize, samplePrior, samplePriorDimension, validateSpace, type Dimension, type Point, type Space } from './space.ts';

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

// ---------------------------------------------------------------------------------------------
// Special functions. Truncation masses and quantised likelihoods need Φ far into the tails, where
// 1 - Φ is not representable by subtraction, hence erfcx (the scaled erfc) and log-space masses.
// W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969; the coefficients of netlib's
// specfun CALERF), good to about 1e-16 relative.
// ---------------------------------------------------------------------------------------------

const CODY_SMALL_LIMIT = 0.46875;
const INV_SQRT_PI = 0.5641895835477563;
const LOG_SQRT_2PI = 0.9189385332046728;
const SQRT1_2 = Math.SQRT1_2;

/** erf(x) for |x| <= 0.46875. */
function erfSmall(x: number): number {
  const t = x * x;
  const num = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
  const den = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
  return (x * num) / den;
}

/** exp(y^2) erfc(y) for 0.46875 < y <= 4. */
function erfcxMid(y: number): number {
  const num =
    (((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y + 8.88314979438837594) * y + 66.1191906371416295) * y + 298.635138197400131) * y +
      881.952221241769090) * y + 1712.04761263407058) * y + 2051.07837782607147) * y + 1230.33935479799725;
  const den =
    (((((((y + 15.7449261107098347) * y + 117.693950891312499) * y + 537.181101862009858) * y + 1621.38957456669019) * y + 3290.79923573345963) * y +
      4362.61909014324716) * y + 3439.36767414372164) * y + 1230.33935480374942;
  return num / den;
}

/** exp(y^2) erfc(y) for y > 4 (asymptotic form). */
function erfcxLarge(y: number): number {
  if (y >= 6.71e7) return INV_SQRT_PI / y; // the correction is below double precision
  const t = 1 / (y * y);
  const num = ((((0.0163153871373020978 * t + 0.305326634961232344) * t + 0.360344899949804439) * t + 0.125781726111229246) * t + 0.0160837851487422766) * t + 6.58749161529837803e-4;
  const den = ((((t + 2.56852019228982242) * t + 1.87295284992346047) * t + 0.527905102951428412) * t + 0.0605183413124413191) * t + 0.00233520497626869185;
  return (INV_SQRT_PI - (t * num) / den) / y;
}

/** erfc(y) for y >= 0. */
function erfcNonNegative(y: number): number {
  if (y <= CODY_SMALL_LIMIT) return 1 - erfSmall(y);
  if (y >= 27) return 0; // underflows; also keeps Infinity from producing NaN below
  // exp(-y^2) split as exp(-s^2) exp(-(y-s)(y+s)) with s = y rounded down to 1/16: y*y alone
  // would carry a rounding error that exp amplifies into a relative error of order y^2 * eps.
  const s = Math.trunc(y * 16) / 16;
  const e = Math.exp(-s * s) * Math.exp(-(y - s) * (y + s));
  return (y <= 4 ? erfcxMid(y) : erfcxLarge(y)) * e;
}

/** @internal The error function. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= CODY_SMALL_LIMIT) return erfSmall(x);
  const r = 1 - erfcNonNegative(y);
  return x < 0 ? -r : r;
}

/** @internal The complementary error function 1 - erf(x), accurate in the far right tail. */
export function erfc(x: number): number {
  return x >= 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
}

/** @internal The scaled complementary error function exp(x^2) erfc(x), for x >= 0. */
export function erfcx(x: number): number {
  if (x <= CODY_SMALL_LIMIT) return Math.exp(x * x) * (1 - erfSmall(x));
  return x <= 4 ? erfcxMid(x) : erfcxLarge(x);
}

/** @internal The standard normal cumulative distribution function Φ. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/**
 * @internal log(Φ(b) - Φ(a)) for a < b (either may be infinite), finite even when the mass
 * underflows: the interval [40, 41] has mass e^-800, whose log is still well defined.
 */
export function logNormalMass(a: number, b: number): number {
  if (a >= 0) return logUpperTailMass(a, b);
  if (b <= 0) return logUpperTailMass(-b, -a);
  if (a < -8.5 && b > 8.5) return 0; // the tails hold < 2e-17
  // Straddles 0: the two halves add, so there is no cancellation.
  return Math.log(0.5 * (erfSigned(b * SQRT1_2) + erfSigned(-a * SQRT1_2)));
}

function erfSigned(y: number): number {
  return y === Infinity ? 1 : erf(y);
}

/** log(Q(a) - Q(b)) for 0 <= a < b, Q the upper tail. */
function logUpperTailMass(a: number, b: number): number {
  const w = b - a;
  if (w * (1 + a + b) < 1e-2) {
    // So narrow that the difference below would cancel; the series about the midpoint is exact here.
    const m = 0.5 * (a + b);
    return Math.log(w * narrowCellFactor(m, w)) - LOG_SQRT_2PI - 0.5 * m * m;
  }
  const ya = a * SQRT1_2;
  const yb = b * SQRT1_2;
  // Q(a) - Q(b) = exp(-ya^2) (erfcx(ya) - erfcx(yb) exp(-(yb^2 - ya^2))) / 2
  const tail = b === Infinity ? 0 : erfcx(yb) * Math.exp(-(yb - ya) * (yb + ya));
  return -ya * ya + Math.log(0.5 * (erfcx(ya) - tail));
}

// ---------------------------------------------------------------------------------------------
// Adaptive Parzen estimator (hyperopt's adaptive_parzen_normal).
// ---------------------------------------------------------------------------------------------

/** @internal A Gaussian mixture: components sorted by mean, weights summing to 1. */
export interface ParzenEstimator {
  mus: Float64Array;
  sigmas: Float64Array;
  weights: Float64Array;
  /** Index of the prior component among the sorted ones. */
  priorIndex: number;
}

/**
 * @internal hyperopt's linear_forgetting_weights(n, lf): the most recent lf observations weigh 1,
 * the older n - lf ramp linearly from 1/n (oldest) up to 1. Index = time order, oldest first.
 */
export function linearForgettingWeights(n: number, lf: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - lf;
  if (ramp === 1) w[0] = 1 / n; // numpy's linspace(start, stop, 1) is [start]
  else if (ramp > 1) {
    const step = (1 - 1 / n) / (ramp - 1);
    for (let t = 0; t < ramp; t++) w[t] = 1 / n + step * t;
  }
  return w;
}

/** Forgetting weights by time rank and their logs, or undefined when all are 1. */
interface RankWeights {
  w: Float64Array;
  logW: Float64Array;
}

function rankWeights(n: number, lf: number): RankWeights | undefined {
  if (n <= lf) return undefined;
  const w = linearForgettingWeights(n, lf);
  return { w, logW: w.map(Math.log) };
}

/**
 * @internal Builds the adaptive Parzen estimator of observations `obs` (in time order, oldest
 * first) around a prior N(priorMu, priorSigma) of weight priorWeight, as hyperopt does:
 * one component per observation plus the prior, sorted by mean; each observation's sigma is
 * the larger gap to its neighbours (the prior mean counts as a neighbour; a lone observation
 * gets half the prior sigma), clipped to [priorSigma / min(100, n + 2), priorSigma] with n
 * observations (hyperopt's `1 + len(sorted mus including the prior)`); the prior keeps
 * priorSigma. Observation weights are {@link linearForgettingWeights} by recency, normalised
 * with the prior's to sum to 1.
 */
export function parzen(obs: ArrayLike<number>, priorMu: number, priorSigma: number, priorWeight = 1, linearForgetting = 25): ParzenEstimator {
  const n = obs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => obs[i]! - obs[j]! || i - j);
  const values = new Float64Array(n);
  const times = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    values[k] = obs[order[k]!]!;
    times[k] = order[k]!;
  }
  const est = { mus: new Float64Array(n + 1), sigmas: new Float64Array(n + 1), weights: new Float64Array(n + 1), priorIndex: 0 };
  const scratch = { ...est, logW: new Float64Array(n + 1) };
  const { priorIndex, total } = parzenInto(values, times, n, priorMu, priorSigma, priorWeight, rankWeights(n, linearForgetting), scratch);
  for (let k = 0; k <= n; k++) est.weights[k]! /= total;
  est.priorIndex = priorIndex;
  return est;
}

/**
 * Writes the estimator of observations already sorted by value into `out` (arrays of length
 * at least n + 1), with unnormalised weights and their logs, and returns the prior's index and
 * the weights' total. `times[k]` is the time rank (0 = oldest) of `values[k]` within its set,
 * `forgetting` the weights by time rank (undefined: all 1). The TPE keeps its history sorted
 * per dimension, which saves an O(n log n) sort per dimension and suggestion, and shares the
 * weights' logs between dimensions, as this runs for every dimension and suggestion.
 */
function parzenInto(
  values: Float64Array,
  times: Int32Array,
  n: number,
  priorMu: number,
  priorSigma: number,
  priorWeight: number,
  forgetting: RankWeights | undefined,
  out: { mus: Float64Array; sigmas: Float64Array; weights: Float64Array; logW: Float64Array },
): { priorIndex: number; total: number } {
  const { mus, sigmas, weights, logW } = out;
  const m = n + 1;
  // numpy's searchsorted(side='left'): the prior goes before observations equal to its mean.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < priorMu) lo = mid + 1;
    else hi = mid;
  }
  const p = lo;
  mus.set(values.subarray(0, p));
  mus[p] = priorMu;
  mus.set(values.subarray(p, n), p + 1);

  // Sigmas: the larger gap to a neighbour (the prior mean included), clipped; the loop carries
  // the gaps along (a branch-free loop body runs ~3x faster here than one with special cases).
  const minSigma = priorSigma / Math.min(100, m + 1);
  const clip = (x: number) => (x < minSigma ? minSigma : x > priorSigma ? priorSigma : x);
  if (n === 1) {
    sigmas[1 - p] = clip(0.5 * priorSigma);
  } else if (n >= 2) {
    let cur = mus[1]!;
    let leftGap = cur - mus[0]!;
    sigmas[0] = clip(leftGap);
    for (let k = 1; k < m - 1; k++) {
      const next = mus[k + 1]!;
      const rightGap = next - cur;
      const g = leftGap > rightGap ? leftGap : rightGap;
      sigmas[k] = g < minSigma ? minSigma : g > priorSigma ? priorSigma : g;
      leftGap = rightGap;
      cur = next;
    }
    sigmas[m - 1] = clip(leftGap);
  }
  sigmas[p] = priorSigma;

  // Recency, not value or loss order, decides which observations are forgotten: the point of
  // forgetting is to discount the oldest evidence, so each value carries its time rank.
  let total = priorWeight;
  if (forgetting) {
    const fw = forgetting.w;
    const fl = forgetting.logW;
    for (let k = 0; k < p; k++) {
      const t = times[k]!;
      weights[k] = fw[t]!;
      logW[k] = fl[t]!;
      total += fw[t]!;
    }
    for (let k = p + 1; k < m; k++) {
      const t = times[k - 1]!;
      weights[k] = fw[t]!;
      logW[k] = fl[t]!;
      total += fw[t]!;
    }
  } else {
    weights.fill(1, 0, m);
    logW.fill(0, 0, m);
    total += n;
  }
  weights[p] = priorWeight;
  logW[p] = Math.log(priorWeight);
  return { priorIndex: p, total };
}

// ---------------------------------------------------------------------------------------------
// Truncated mixtures and their log densities, in a dimension's model space (log x for log kinds).
// ---------------------------------------------------------------------------------------------

/**
 * Terms more than this many nats below the largest are skipped: together they change the sum by
 * less than m e^-30 relative (1e-10 for a thousand components), far below anything that could
 * change which candidate wins.
 */
const SKIP_NATS = 30;

// exp on [-SKIP_NATS, 0] by table and polynomial: the mixture sums call it once per component and
// candidate, and Math.exp is ~3x slower. exp(x) = exp(-k/128) exp(r) with r in (-1/128, 0], the
// degree-4 Taylor polynomial of exp(r) being good to ~3e-13 relative.
const EXP_STEPS = 128;
const EXP_STEP = 1 / EXP_STEPS;
const EXP_TABLE = new Float64Array(SKIP_NATS * EXP_STEPS + 2);
for (let k = 0; k < EXP_TABLE.length; k++) EXP_TABLE[k] = Math.exp(-k * EXP_STEP);

/** exp(x) for -SKIP_NATS <= x <= 0. */
function expNonPositive(x: number): number {
  const k = (-x * EXP_STEPS) | 0;
  const r = x + k * EXP_STEP;
  return EXP_TABLE[k]! * (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24)))));
}

/**
 * Components per block. Sums over a mixture skip whole blocks whose bound (from the block's
 * range of means, largest sigma and largest coefficient) says no term in it can matter, so a
 * candidate costs about the number of components near it rather than all of them.
 */
const BLOCK = 16;

/**
 * A truncated Gaussian mixture prepared for sampling and for log densities. Its arrays are
 * reused from one model build to the next, so that a suggestion allocates nothing per
 * component; only the first `m` entries are meaningful.
 */
class Mixture {
  m = 0;
  priorIndex = 0;
  /** Sum of the (unnormalised) weights. */
  total = 1;
  /**
   * Added to log-sum-exp results over the unnormalised terms: minus the log of the weights'
   * total and of the mass inside [low, high]. Applied once per candidate rather than per component.
   */
  logOffset = 0;
  mus = new Float64Array(0);
  sigmas = new Float64Array(0);
  /** Unnormalised weights. */
  weights = new Float64Array(0);
  invSigmas = new Float64Array(0);
  /** -1 / (2 sigma_i^2), saving a multiply per term in the density sums. */
  negHalfInvVar = new Float64Array(0);
  logSigmas = new Float64Array(0);
  logW = new Float64Array(0);
  /** log w_i - log sigma_i: the components' terms of the continuous log density, up to logOffset. */
  logCoef = new Float64Array(0);
  /** Cumulative unnormalised weights, for picking a component. */
  cumW = new Float64Array(0);
  blockLo = new Float64Array(0);
  blockHi = new Float64Array(0);
  blockInvMaxSigma = new Float64Array(0);
  blockMaxLogCoef = new Float64Array(0);
  blockMaxLogW = new Float64Array(0);
  blockMinLogSigma = new Float64Array(0);
  /** Log masses of quantisation cells already evaluated under this model, by multiple index. */
  readonly cells = new Map<number, number>();

  constructor(
    readonly low: number,
    readonly high: number,
  ) {}

  /** Makes room for m components (growing geometrically, so a growing history reallocates rarely). */
  reserve(m: number): void {
    if (this.mus.length >= m) return;
    const c = Math.max(m, Math.ceil(this.mus.length * 1.5), 32);
    const b = Math.ceil(c / BLOCK);
    this.mus = new Float64Array(c);
    this.sigmas = new Float64Array(c);
    this.weights = new Float64Array(c);
    this.invSigmas = new Float64Array(c);
    this.negHalfInvVar = new Float64Array(c);
    this.logSigmas = new Float64Array(c);
    this.logW = new Float64Array(c);
    this.logCoef = new Float64Array(c);
    this.cumW = new Float64Array(c);
    this.blockLo = new Float64Array(b);
    this.blockHi = new Float64Array(b);
    this.blockInvMaxSigma = new Float64Array(b);
    this.blockMaxLogCoef = new Float64Array(b);
    this.blockMaxLogW = new Float64Array(b);
    this.blockMinLogSigma = new Float64Array(b);
  }

  /** Builds from observations sorted by value (see {@link parzenInto}). */
  fit(values: Float64Array, times: Int32Array, n: number, priorMu: number, priorSigma: number, priorWeight: number, forgetting: RankWeights | undefined): this {
    this.reserve(n + 1);
    this.m = n + 1;
    this.priorIndex = parzenInto(values, times, n, priorMu, priorSigma, priorWeight, forgetting, this).priorIndex;
    return this.prepare();
  }

  /** Builds from a given estimator (copied). */
  static of(est: ParzenEstimator, low: number, high: number): Mixture {
    const mix = new Mixture(low, high);
    const m = est.mus.length;
    mix.reserve(m);
    mix.m = m;
    mix.priorIndex = est.priorIndex;
    mix.mus.set(est.mus);
    mix.sigmas.set(est.sigmas);
    mix.weights.set(est.weights);
    for (let i = 0; i < m; i++) mix.logW[i] = Math.log(est.weights[i]!);
    return mix.prepare();
  }

  /** Derived arrays, the truncation normaliser and the block bounds. */
  private prepare(): this {
    const { m, mus, sigmas, weights, invSigmas, negHalfInvVar, logSigmas, logW, logCoef, cumW, low, high } = this;
    // Most sigmas (clipped to the minimum) repeat their neighbour's value, so their logs and
    // inverses are only recomputed on change. (Simple loops: V8 compiles them much better than
    // one loop doing everything.)
    let lastS = NaN;
    let ls = 0;
    let inv = 0;
    let nh = 0;
    let acc = 0;
    for (let i = 0; i < m; i++) {
      const s = sigmas[i]!;
      if (s !== lastS) {
        lastS = s;
        ls = Math.log(s);
        inv = 1 / s;
        nh = -0.5 * inv * inv;
      }
      invSigmas[i] = inv;
      negHalfInvVar[i] = nh;
      logSigmas[i] = ls;
      logCoef[i] = logW[i]! - ls;
      acc += weights[i]!;
      cumW[i] = acc;
    }
    this.total = acc;
    cumW[m - 1] = Infinity; // rounding in the running sum must never let a draw fall off the end

    // The truncation normaliser, once per model (it does not depend on the candidate). A tail
    // beyond 8.5 sigmas holds < 1e-17, so only components near a bound need erfc. Plain
    // differences of Φ suffice here: the prior component alone contributes a mass of order 1,
    // so absolute errors of 1e-16 per component are negligible.
    let z = acc;
    if (low > -Infinity || high < Infinity) {
      z = 0;
      for (let i = 0; i < m; i++) {
        const a = (low - mus[i]!) * invSigmas[i]!;
        const b = (high - mus[i]!) * invSigmas[i]!;
        const below = a < -8.5 ? 0 : normalCdf(a);
        const above = b > 8.5 ? 0 : normalCdf(-b);
        z += weights[i]! * (1 - below - above);
      }
    }
    this.logOffset = -Math.log(z);

    for (let b = 0, start = 0; start < m; b++, start += BLOCK) {
      const end = start + BLOCK < m ? start + BLOCK : m;
      let maxSigma = 0;
      let maxLogCoef = -Infinity;
      let maxLogW = -Infinity;
      let minLogSigma = Infinity;
      for (let i = start; i < end; i++) {
        if (sigmas[i]! > maxSigma) maxSigma = sigmas[i]!;
        if (logCoef[i]! > maxLogCoef) maxLogCoef = logCoef[i]!;
        if (logW[i]! > maxLogW) maxLogW = logW[i]!;
        if (logSigmas[i]! < minLogSigma) minLogSigma = logSigmas[i]!;
      }
      this.blockLo[b] = mus[start]!;
      this.blockHi[b] = mus[end - 1]!;
      this.blockInvMaxSigma[b] = 1 / maxSigma;
      this.blockMaxLogCoef[b] = maxLogCoef;
      this.blockMaxLogW[b] = maxLogW;
      this.blockMinLogSigma[b] = minLogSigma;
    }
    this.cells.clear();
    return this;
  }

  /** Index of the first component whose mean is >= y (m if none). */
  private lowerBound(y: number): number {
    let lo = 0;
    let hi = this.m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.mus[mid]! < y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private pdfTerm(i: number, y: number): number {
    const z = (y - this.mus[i]!) * this.invSigmas[i]!;
    return this.logCoef[i]! - 0.5 * z * z;
  }

  /**
   * log density at y, by log-sum-exp so that far tails never give log 0 (and l/g never 0/0).
   * The prior and y's neighbours in mean order give a reference close to the largest term,
   * against which blocks and components are pruned.
   */
  logPdf(y: number): number {
    const { m, mus, negHalfInvVar, logCoef, blockLo, blockHi, blockInvMaxSigma, blockMaxLogCoef } = this;
    let ref = this.pdfTerm(this.priorIndex, y);
    const j = this.lowerBound(y);
    if (j < m) ref = Math.max(ref, this.pdfTerm(j, y));
    if (j > 0) ref = Math.max(ref, this.pdfTerm(j - 1, y));
    const threshold = ref - SKIP_NATS;
    // One pass, relative to ref: the neighbours' terms are within a few nats of the largest, so
    // terms above ref are rare and take Math.exp; one far above it (only conceivable with
    // observations outside the bounds) moves ref up instead, as in a streaming log-sum-exp.
    let sum = 0;
    for (let b = 0, start = 0; start < m; b++, start += BLOCK) {
      const gap = y < blockLo[b]! ? blockLo[b]! - y : y > blockHi[b]! ? y - blockHi[b]! : 0;
      const t = gap * blockInvMaxSigma[b]!;
      if (blockMaxLogCoef[b]! - 0.5 * t * t <= threshold) continue;
      const end = start + BLOCK < m ? start + BLOCK : m;
      for (let i = start; i < end; i++) {
        const d = y - mus[i]!;
        const e = logCoef[i]! + d * d * negHalfInvVar[i]! - ref;
        if (e <= -SKIP_NATS) continue;
        if (e <= 0) sum += expNonPositive(e);
        else if (e <= 30) sum += Math.exp(e);
        else {
          sum = sum * Math.exp(-e) + 1;
          ref += e;
        }
      }
    }
    return ref + Math.log(sum) + this.logOffset - LOG_SQRT_2PI;
  }

  /** Exact log of component i's weighted mass on [lo, hi]. */
  private massTerm(i: number, lo: number, hi: number): number {
    const inv = this.invSigmas[i]!;
    return this.logW[i]! + logNormalMass((lo - this.mus[i]!) * inv, (hi - this.mus[i]!) * inv);
  }

  /**
   * log of the truncated mixture's mass on [lo, hi] (lo < hi, inside the bounds), for quantised
   * kinds. Component masses need erfc unless the cell is narrow against the component, where
   * a series about the cell's midpoint is as accurate (see {@link narrowCellFactor}) and
   * cheaper. Pruned and summed like {@link logPdf}, with the bound
   * w_i min(1, h / (sigma_i sqrt(2 pi))) exp(-d^2 / 2), d the cell's distance from the mean in sigmas.
   */
  logMass(lo: number, hi: number): number {
    const { m, mus, invSigmas, logW, logSigmas, logCoef, blockLo, blockHi, blockInvMaxSigma, blockMaxLogW, blockMinLogSigma } = this;
    const h = hi - lo;
    const logH = Math.log(h);
    const logHNorm = logH - LOG_SQRT_2PI;
    const mid = 0.5 * (lo + hi);
    let ref = this.massTerm(this.priorIndex, lo, hi);
    const j = this.lowerBound(mid);
    if (j < m) ref = Math.max(ref, this.massTerm(j, lo, hi));
    if (j > 0) ref = Math.max(ref, this.massTerm(j - 1, lo, hi));
    const threshold = ref - SKIP_NATS;
    let sum = 0;
    for (let b = 0, start = 0; start < m; b++, start += BLOCK) {
      const gap = hi < blockLo[b]! ? blockLo[b]! - hi : lo > blockHi[b]! ? lo - blockHi[b]! : 0;
      const t = gap * blockInvMaxSigma[b]!;
      const narrowing = logHNorm - blockMinLogSigma[b]!;
      if (blockMaxLogW[b]! - 0.5 * t * t + (narrowing < 0 ? narrowing : 0) <= threshold) continue;
      const end = start + BLOCK < m ? start + BLOCK : m;
      for (let i = start; i < end; i++) {
        const inv = invSigmas[i]!;
        const zm = (mid - mus[i]!) * inv;
        const tw = h * inv;
        const azm = zm < 0 ? -zm : zm;
        const dz = azm > 0.5 * tw ? azm - 0.5 * tw : 0;
        const narrowing = logHNorm - logSigmas[i]!;
        if (logW[i]! - 0.5 * dz * dz + (narrowing < 0 ? narrowing : 0) <= threshold) continue;
        let e: number;
        let f = 1;
        if (tw * (1 + azm) <= 1) {
          e = logCoef[i]! + logHNorm - 0.5 * zm * zm;
          f = narrowCellFactor(zm, tw);
        } else {
          e = logW[i]! + logNormalMass((lo - mus[i]!) * inv, (hi - mus[i]!) * inv);
        }
        const d = e - ref;
        if (d <= -SKIP_NATS) continue;
        if (d <= 0) sum += expNonPositive(d) * f;
        else if (d <= 30) sum += Math.exp(d) * f;
        else {
          sum = sum * Math.exp(-d) + f;
          ref = e;
        }
      }
    }
    return ref + Math.log(sum) + this.logOffset;
  }
}

/**
 * ∫ φ over a cell of width t centred on z, divided by t φ(z): Σ_k He_2k(z) (t/2)^2k / (2k+1)!,
 * He the probabilists' Hermite polynomials (Taylor expansion of φ about z). Summed to k = 5,
 * it is good to 4e-10 relative when t (1 + |z|) <= 1 (checked against quadrature), and far
 * cheaper than the two erfc a cell's exact mass needs.
 */
function narrowCellFactor(z: number, t: number): number {
  const z2 = z * z;
  const t2 = t * t;
  // He_{n+1} = z He_n - n He_{n-1}, stepping two at a time over the even ones.
  const he2 = z2 - 1;
  const he3 = z * he2 - 2 * z;
  const he4 = z * he3 - 3 * he2;
  const he5 = z * he4 - 4 * he3;
  const he6 = z * he5 - 5 * he4;
  const he7 = z * he6 - 6 * he5;
  const he8 = z * he7 - 7 * he6;
  const he9 = z * he8 - 8 * he7;
  const he10 = z * he9 - 9 * he8;
  return 1 + t2 * (he2 / 24 + t2 * (he4 / 1920 + t2 * (he6 / 322560 + t2 * (he8 / 92897280 + (t2 * he10) / 40874803200))));
}

/** Model-space description of a dimension. */
interface DimSpec {
  name: string;
  dim: Dimension;
  categorical: boolean;
  log: boolean;
  /** Quantisation step (natural units), 0 if continuous. */
  q: number;
  /** Bounds in model space (±Infinity if unbounded). */
  low: number;
  high: number;
  /** Bounds in natural units. */
  lowValue: number;
  highValue: number;
  /** Indices of the first and last multiples of q within the bounds. */
  kMin: number;
  kMax: number;
  priorMu: number;
  priorSigma: number;
  /** For choice: the options, and option value -> index. */
  options: readonly number[];
  optionIndex: Map<number, number>;
}

function dimSpec(name: string, dim: Dimension): DimSpec {
  const base = {
    name,
    dim,
    categorical: false,
    log: false,
    q: 0,
    low: -Infinity,
    high: Infinity,
    lowValue: -Infinity,
    highValue: Infinity,
    kMin: 0,
    kMax: 0,
    priorMu: 0,
    priorSigma: 1,
    options: [] as readonly number[],
    optionIndex: new Map<number, number>(),
  };
  switch (dim.kind) {
    case 'uniform':
    case 'quniform': {
      const q = dim.kind === 'quniform' ? dim.q : 0;
      const ks = q ? { kMin: firstMultiple(dim.low, q), kMax: lastMultiple(dim.high, q) } : {};
      return { ...base, ...ks, q, low: dim.low, high: dim.high, lowValue: dim.low, highValue: dim.high, priorMu: 0.5 * (dim.low + dim.high), priorSigma: dim.high - dim.low };
    }
    case 'loguniform':
    case 'qloguniform': {
      const q = dim.kind === 'qloguniform' ? dim.q : 0;
      const ks = q ? { kMin: firstMultiple(dim.low, q), kMax: lastMultiple(dim.high, q) } : {};
      const low = Math.log(dim.low);
      const high = Math.log(dim.high);
      return { ...base, ...ks, log: true, q, low, high, lowValue: dim.low, highValue: dim.high, priorMu: 0.5 * (low + high), priorSigma: high - low };
    }
    case 'normal':
      return { ...base, priorMu: dim.mu, priorSigma: dim.sigma };
    case 'lognormal':
      // exp of a very negative draw underflows to 0, whose log the densities cannot take.
      return { ...base, log: true, lowValue: Number.MIN_VALUE, priorMu: dim.mu, priorSigma: dim.sigma };
    case 'choice':
      return { ...base, categorical: true, options: dim.options, optionIndex: new Map(dim.options.map((o, i) => [o, i])) };
  }
}

/**
 * The score's ingredient for natural value x: the log density (continuous kinds) or log
 * probability (quantised kinds) under a dimension's truncated mixture. For log kinds it is the
 * density of log x: the Jacobian 1/x is common to l and g and cancels in their ratio.
 */
function candidateLogDensity(spec: DimSpec, mix: Mixture, x: number): number {
  if (spec.q === 0) return mix.logPdf(spec.log ? Math.log(x) : x);
  const q = spec.q;
  const k = Math.round(x / q);
  const cached = mix.cells.get(k);
  if (cached !== undefined) return cached;
  // The cell of values that round (and clamp) to x: the first and last multiples also collect
  // what rounding would have pushed outside the bounds, so the cells tile [low, high] exactly.
  let lo = k <= spec.kMin ? spec.lowValue : Math.max(k * q - q / 2, spec.lowValue);
  let hi = k >= spec.kMax ? spec.highValue : Math.min(k * q + q / 2, spec.highValue);
  if (spec.log) {
    lo = Math.log(lo);
    hi = Math.log(hi);
  }
  const value = mix.logMass(lo, hi);
  mix.cells.set(k, value);
  return value;
}

/**
 * @internal The log density (or, for quantised kinds, log probability of x's rounding cell) of
 * natural value x under the truncated mixture `est` on dimension `dim`, as the TPE scores
 * candidates. For log kinds it is the density of log x (see {@link candidateLogDensity}).
 */
export function parzenLogDensity(dim: Dimension, est: ParzenEstimator, x: number): number {
  const spec = dimSpec('x', dim);
  if (spec.categorical) throw new Error('parzenLogDensity: not for choice dimensions');
  const mix = Mixture.of(est, spec.low, spec.high);
  return candidateLogDensity(spec, mix, x);
}

/** Index of the first entry of cumulative weights exceeding u. */
function pickIndex(cum: Float64Array, m: number, u: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
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

// ---------------------------------------------------------------------------------------------
// The sampler.
// ---------------------------------------------------------------------------------------------

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
 */
export class TPE implements Sampler {
  private readonly log: TrialLog;
  private readonly rng: () => number;
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
    this.rng = seedrandom.alea(String(options.seed ?? 0));
    this.specs = Object.entries(space).map(([name, dim]) => dimSpec(name, dim));
    this.nStartupTrials = option(options.nStartupTrials, 20, 'nStartupTrials', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
    this.gamma = option(options.gamma, 0.25, 'gamma', (v) => Number.isFinite(v) && v > 0, 'a positive number');
    this.nEICandidates = option(options.nEICandidates, 24, 'nEICandidates', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    this.priorWeight = option(options.priorWeight, 1, 'priorWeight', (v) => Number.isFinite(v) && v > 0, 'a positive number');
    this.linearForgetting = option(options.linearForgetting, 25, 'linearForgetting', (v) => v === Infinity || (Number.isInteger(v) && v >= 1), 'a positive integer or Infinity');
    this.okValues = this.specs.map(() => new Float64Array(64));
    this.byValue = this.specs.map(() => new Int32Array(64));
    this.models = this.specs.map((s) => {
      const k = s.options.length;
      return { below: new Mixture(s.low, s.high), above: new Mixture(s.low, s.high), cumBelow: new Float64Array(k), logBelow: new Float64Array(k), logAbove: new Float64Array(k) };
    });
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
          const j = pickIndex(model.cumBelow, s.options.length, rng());
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
      const i = pickIndex(mix.cumW, mix.m, rng() * mix.total);
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

function option(value: number | undefined, fallback: number, name: string, ok: (v: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) throw new Error(`TPE: option ${name} must be ${what} (got ${String(value)})`);
  return value;
}

/**
 * Inserts idx into `sorted`, whose first idx entries are indices ordered by key[index], after
 * any equal keys, so ties stay in time order.
 */
function insertSorted(sorted: Int32Array, idx: number, key: Float64Array): void {
  const v = key[idx]!;
  let lo = 0;
  let hi = idx;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key[sorted[mid]!]! <= v) lo = mid + 1;
    else hi = mid;
  }
  sorted.copyWithin(lo + 1, lo, idx);
  sorted[lo] = idx;
}
