/**
 * A truncated Gaussian mixture (the TPE's l(x) and g(x) on one dimension, in its model space:
 * log x for log kinds), renormalised to the dimension's bounds, with the lookup tables that make
 * its log densities and log cell masses cheap.
 */
import { lowerBound } from '../../numeric/bisect.ts';
import { LOG_SQRT_2PI, logNormalMass, narrowCellFactor, normalCdf } from '../../numeric/normal.ts';
import { parzenInto, type ParzenEstimator, type RankWeights } from './parzen-estimator.ts';

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
 *
 * ```ts
 * const mix = Mixture.of(parzen([0.2, 0.9, 0.25], 0.5, 1), 0, 1); // truncated to [0, 1]
 * mix.logPdf(0.3); // log density at 0.3
 * mix.logMass(0.25, 0.35); // log probability of [0.25, 0.35]
 * ```
 */
export class Mixture {
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
    const j = lowerBound(mus, y, 0, m); // the first component whose mean is >= y
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
    const j = lowerBound(mus, mid, 0, m);
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
