import { symmetricEigen } from '../numeric/eigen.ts';
import { gaussian, seededStream, type StatefulUniform } from '../numeric/random.ts';
import { integerAtLeast, nonNegative, numberOption, orInfinity, positive } from '../numeric/validate.ts';
import { checkAskCount, checkState, TrialLog, type Sampler, type SamplerOptions, type SamplerState, type Trial } from './sampler.ts';
import { quantize, validateSpace, type Dimension, type Point, type Space } from './space.ts';

export interface CMAESOptions extends SamplerOptions {
  /** Offspring per generation (default 4 + ⌊3 ln n⌋); doubled at every restart. */
  popSize?: number;
  /** Initial step size in the unit cube of the bounds (default 0.3). */
  sigma0?: number;
  /** Start of the first run's mean (default: the middle of the bounds, or the best told point). */
  x0?: Point;
  /** Restart with twice the population when a run has converged or stagnates (IPOP). Default true. */
  restarts?: boolean;
  /**
   * (With `restarts: false`, the search has converged when its one run ends.)
   * Consecutive restarts that end without improving the best loss (by more than `tolFun`,
   * relative) after which the search counts as converged ({@link CMAES.converged}). Default:
   * never (the search goes on while it is asked).
   */
  patience?: number;
  /** Relative improvement of the best loss that counts: for `patience`, and within a run (less over three windows of generations is stagnation). Default 1e-3. */
  tolFun?: number;
  /**
   * For `patience`: a restart whose best point lies within `tolX` of the previous best in
   * every dimension (as a share of the bounds, log-scaled where the dimension is) did not
   * improve, whatever its loss did. Default 1e-4.
   */
  tolX?: number;
}

/**
 * CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A Tutorial"), (μ/μ_w, λ) with rank-one
 * and rank-μ updates and cumulative step-size adaptation, plus IPOP restarts (Auger &
 * Hansen 2005). It searches the unit cube of the bounds (log-scaled for log dimensions);
 * samples outside the cube are mirrored back in for evaluation while the update uses
 * the unmirrored sample, so a mean near a bound is not biased inward.
 *
 * Where TPE models the whole space and keeps exploring, CMA-ES learns the local
 * correlations between parameters (C against gL, VT against ΔT) and converges to the
 * precision that spike times need. Continuous dimensions only: `choice` is refused,
 * `normal` dimensions are searched on mu ± 3 sigma.
 *
 * ```ts
 * const cma = new CMAES({ a: uniform(0.01, 0.1), d: loguniform(1, 10) }, { seed: 1 });
 * const points = cma.ask(cma.preferredBatch!); // one generation: 6 points in 2-D
 * cma.tell(points, points.map(loss));
 * ```
 */
export class CMAES implements Sampler {
  private readonly log: TrialLog;
  private readonly rng: StatefulUniform;
  private readonly names: string[];
  private readonly maps: DimensionMap[];
  private readonly n: number;
  private readonly sigma0: number;
  private readonly restarts: boolean;
  private run!: Run;
  private lambda: number;
  private x0: number[] | undefined;
  /** Asked but not yet told samples of the current run, by point object. */
  private pending = new Map<Point, { y: number[]; generation: number; run: number }>();
  private runIndex = 0;
  /** Best loss before the current run began, and restarts in a row that did not improve on it. */
  private bestBeforeRun = Infinity;
  /** The median loss of the first generation: improvements are judged against it, so a loss that sits on a floor above 0 (spike times move in steps of dt) still converges. */
  private lossScale = NaN;
  private staleRuns = 0;
  private endedBy: string | undefined;
  private readonly patience: number;
  private readonly tolFun: number;
  private readonly tolX: number;
  /** The best point before the current run began, in the unit cube. */
  private bestUnitBeforeRun: number[] | undefined;

  constructor(space: Space, options: CMAESOptions = {}) {
    validateSpace(space);
    this.log = new TrialLog(space);
    if (options.state) checkState(options.state, 'cmaes');
    this.rng = seededStream(options.seed ?? 0, options.state?.rng, 'cmaes');
    this.names = Object.keys(space);
    this.maps = this.names.map((name) => dimensionMap(name, space[name]!));
    this.n = this.names.length;
    if (this.n === 0) throw new Error('CMA-ES: the space has no dimensions');
    this.lambda = numberOption('CMA-ES', 'popSize', options.popSize, 4 + Math.floor(3 * Math.log(this.n)), integerAtLeast(2));
    this.sigma0 = numberOption('CMA-ES', 'sigma0', options.sigma0, 0.3, positive);
    this.restarts = options.restarts ?? true;
    this.patience = numberOption('CMA-ES', 'patience', options.patience, Infinity, orInfinity(integerAtLeast(1)));
    this.tolFun = numberOption('CMA-ES', 'tolFun', options.tolFun, 1e-3, nonNegative);
    this.tolX = numberOption('CMA-ES', 'tolX', options.tolX, 1e-4, nonNegative);
    if (options.x0) this.x0 = this.names.map((name, i) => this.maps[i]!.toUnit(checkedStart(options.x0!, name)));
    if (options.state) this.restore(options.state);
  }

  /**
   * The trials, the stream's position, the population size, the restart count, the start of
   * the next run, the current run (mean, step size, covariance and its eigendecomposition,
   * evolution paths, generation, the generation's told samples, the best losses) and the
   * asked samples not yet told. Infinite losses are stored as null.
   */
  state(): SamplerState {
    const r = this.run;
    const copy = (m: number[][]) => m.map((row) => [...row]);
    return {
      kind: 'cmaes',
      trials: this.log.state(),
      rng: this.rng.state(),
      lambda: this.lambda,
      runIndex: this.runIndex,
      x0: this.x0 ? [...this.x0] : null,
      bestBeforeRun: finiteOrNull(this.bestBeforeRun),
      bestUnitBeforeRun: this.bestUnitBeforeRun ? [...this.bestUnitBeforeRun] : null,
      lossScale: finiteOrNull(this.lossScale),
      staleRuns: this.staleRuns,
      endedBy: this.endedBy ?? null,
      run: r
        ? {
            ...r,
            mean: [...r.mean],
            C: copy(r.C),
            B: copy(r.B),
            D: [...r.D],
            pc: [...r.pc],
            ps: [...r.ps],
            weights: [...r.weights],
            told: r.told.map((t) => ({ y: [...t.y], loss: finiteOrNull(t.loss) })),
            bestHistory: r.bestHistory.map(finiteOrNull),
          }
        : null,
      pending: [...this.pending].map(([point, p]) => ({ point: { ...point }, y: [...p.y], generation: p.generation, run: p.run })),
    };
  }

  private restore(state: SamplerState): void {
    const s = state as SamplerState & { lambda: number; runIndex: number; x0: number[] | null; bestBeforeRun?: number | null; bestUnitBeforeRun?: number[] | null; lossScale?: number | null; staleRuns?: number; endedBy?: string | null; run: (Omit<Run, 'told' | 'bestHistory'> & { told: { y: number[]; loss: number | null }[]; bestHistory: (number | null)[] }) | null; pending: { point: Point; y: number[]; generation: number; run: number }[] };
    const runOk = s.run === null || (typeof s.run === 'object' && Array.isArray(s.run.mean) && s.run.mean.length === this.n);
    if (!Number.isInteger(s.lambda) || !Number.isInteger(s.runIndex) || !Array.isArray(s.pending) || !runOk) {
      throw new Error(`cmaes: cannot restore from a state without its population size, restart count, run and pending samples for ${this.n} dimensions`);
    }
    this.log.tell(s.trials.map((t) => t.params), s.trials.map((t) => t.loss as number));
    this.lambda = s.lambda;
    this.runIndex = s.runIndex;
    this.x0 = s.x0 ? [...s.x0] : undefined;
    this.bestBeforeRun = typeof s.bestBeforeRun === 'number' ? s.bestBeforeRun : Infinity;
    this.staleRuns = s.staleRuns ?? 0;
    this.bestUnitBeforeRun = Array.isArray(s.bestUnitBeforeRun) && s.bestUnitBeforeRun.length === this.n ? [...s.bestUnitBeforeRun] : undefined;
    this.lossScale = typeof s.lossScale === 'number' ? s.lossScale : NaN;
    this.endedBy = s.endedBy ?? undefined;
    if (s.run) {
      const infinite = (v: number | null) => (v === null ? Infinity : v);
      this.run = { ...s.run, told: s.run.told.map((t) => ({ y: t.y, loss: infinite(t.loss) })), bestHistory: s.run.bestHistory.map(infinite) };
    }
    for (const p of s.pending) this.pending.set(p.point, { y: p.y, generation: p.generation, run: p.run });
  }

  get trials(): readonly Trial[] {
    return this.log.trials;
  }

  best(): Trial | undefined {
    return this.log.best();
  }

  /**
   * Why the search has converged, once `patience` restarts in a row ended without improving the
   * best loss by more than `tolFun` (relative); undefined before.
   *
   * ```ts
   * const cma = new CMAES(space, { seed: 1, patience: 2 });
   * while (!cma.converged()) { const p = cma.ask(cma.preferredBatch); cma.tell(p, p.map(loss)); }
   * cma.converged(); // 'converged: 2 restarts in a row did not improve the best loss (0.0123) by more than 0.1 %'
   * ```
   */
  converged(): string | undefined {
    return this.endedBy;
  }

  /** Restarts so far (IPOP). */
  get restartsDone(): number {
    return this.runIndex;
  }

  /** The current population size λ: a batch of this size is one generation. */
  get preferredBatch(): number {
    return this.lambda;
  }

  /** n samples of the current search distribution (a generation may span several asks). */
  ask(n: number): Point[] {
    checkAskCount(n);
    if (!this.run) this.run = this.newRun();
    const points: Point[] = [];
    for (let k = 0; k < n; k++) {
      const r = this.run;
      const z = Array.from({ length: this.n }, () => gaussian(this.rng));
      const y = new Array<number>(this.n).fill(0);
      for (let i = 0; i < this.n; i++) {
        let s = 0;
        for (let j = 0; j < this.n; j++) s += r.B[i]![j]! * r.D[j]! * z[j]!;
        y[i] = s;
      }
      const point: Point = {};
      this.names.forEach((name, i) => (point[name] = this.maps[i]!.fromUnit(mirror(r.mean[i]! + r.sigma * y[i]!))));
      this.pending.set(point, { y, generation: r.generation, run: this.runIndex });
      points.push(point);
    }
    return points;
  }

  /**
   * Records results. The distribution is updated once λ samples of the current generation
   * are told; points never asked (a resumed history) only move the first run's start to the best of them.
   */
  tell(params: Point[], losses: number[]): void {
    const trials = this.log.tell(params, losses);
    if (!this.run) {
      const best = this.log.best();
      if (best && !this.x0) this.x0 = this.names.map((name, i) => this.maps[i]!.toUnit(best.params[name]!));
      return;
    }
    params.forEach((p, k) => {
      const key = this.pending.has(p) ? p : this.pendingEqual(p);
      if (key === undefined) return;
      const info = this.pending.get(key)!;
      this.pending.delete(key);
      if (info.run !== this.runIndex || info.generation !== this.run.generation) return;
      // a failed evaluation ranks last, so the distribution moves away from it
      this.run.told.push({ y: info.y, loss: trials[k]!.ok ? trials[k]!.loss : Infinity });
    });
    while (this.run.told.length >= this.lambda) this.update();
  }

  /** An asked sample equal to `p` (a copy of it, e.g. after a restored state), if any. */
  private pendingEqual(p: Point): Point | undefined {
    for (const q of this.pending.keys()) if (this.names.every((name) => q[name] === p[name])) return q;
    return undefined;
  }

  private newRun(): Run {
    const n = this.n;
    const mean = this.x0 ?? Array.from({ length: n }, () => (this.runIndex === 0 ? 0.5 : this.rng()));
    this.x0 = undefined;
    const mu = Math.floor(this.lambda / 2);
    const raw = Array.from({ length: mu }, (_, i) => Math.log((this.lambda + 1) / 2) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => w / sum);
    const muEff = 1 / weights.reduce((a, w) => a + w * w, 0);
    const cs = (muEff + 2) / (n + muEff + 5);
    const c1 = 2 / ((n + 1.3) ** 2 + muEff);
    return {
      mean: [...mean],
      // a restart searches the whole box anew (IPOP): at least 0.3, however local the first run was
      sigma: this.runIndex === 0 ? this.sigma0 : Math.max(this.sigma0, 0.3),
      C: identity(n),
      B: identity(n),
      D: new Array<number>(n).fill(1),
      pc: new Array<number>(n).fill(0),
      ps: new Array<number>(n).fill(0),
      generation: 0,
      told: [],
      weights,
      muEff,
      cs,
      ds: 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cs,
      cc: (4 + muEff / n) / (n + 4 + (2 * muEff) / n),
      c1,
      cmu: Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff)),
      chiN: Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)),
      bestHistory: [],
      eigenAt: 0,
    };
  }

  private update(): void {
    const r = this.run;
    const n = this.n;
    const generation = r.told.splice(0, this.lambda).sort((a, b) => a.loss - b.loss);
    if (Number.isNaN(this.lossScale)) {
      const finite = generation.map((g) => Math.abs(g.loss)).filter(Number.isFinite);
      this.lossScale = finite.length > 0 ? finite[Math.floor(finite.length / 2)]! : NaN;
    }
    const mu = r.weights.length;
    const yw = new Array<number>(n).fill(0);
    for (let k = 0; k < mu; k++) for (let i = 0; i < n; i++) yw[i]! += r.weights[k]! * generation[k]!.y[i]!;
    for (let i = 0; i < n; i++) r.mean[i]! += r.sigma * yw[i]!;
    // C^(-1/2) yw = B D^-1 B^T yw
    const bty = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) bty[j]! += r.B[i]![j]! * yw[i]!;
    const whitened = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) whitened[i]! += (r.B[i]![j]! * bty[j]!) / r.D[j]!;
    const cs = Math.sqrt(r.cs * (2 - r.cs) * r.muEff);
    for (let i = 0; i < n; i++) r.ps[i] = (1 - r.cs) * r.ps[i]! + cs * whitened[i]!;
    const psNorm = Math.hypot(...r.ps);
    r.generation++;
    const hsig = psNorm / Math.sqrt(1 - (1 - r.cs) ** (2 * r.generation)) < (1.4 + 2 / (n + 1)) * r.chiN ? 1 : 0;
    const cc = Math.sqrt(r.cc * (2 - r.cc) * r.muEff);
    for (let i = 0; i < n; i++) r.pc[i] = (1 - r.cc) * r.pc[i]! + hsig * cc * yw[i]!;
    const decay = 1 - r.c1 - r.cmu + (1 - hsig) * r.c1 * r.cc * (2 - r.cc);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        for (let k = 0; k < mu; k++) rankMu += r.weights[k]! * generation[k]!.y[i]! * generation[k]!.y[j]!;
        const c = decay * r.C[i]![j]! + r.c1 * r.pc[i]! * r.pc[j]! + r.cmu * rankMu;
        r.C[i]![j] = c;
        r.C[j]![i] = c;
      }
    }
    r.sigma *= Math.exp(Math.min(1, (r.cs / r.ds) * (psNorm / r.chiN - 1)));
    // eigendecomposition every few generations: its O(n^3) cost then stays below the sampling's
    if (r.generation - r.eigenAt >= Math.max(1, Math.floor(1 / ((r.c1 + r.cmu) * n * 10)))) {
      r.eigenAt = r.generation;
      const { values, vectors } = symmetricEigen(r.C);
      r.B = vectors;
      r.D = values.map((v) => Math.sqrt(Math.max(v, 1e-20)));
    }
    r.bestHistory.push(generation[0]!.loss);
    const ended = this.runEnded(r);
    if (ended) this.judgeRun(ended);
    // without restarts, the end of the one run is the end of the search
    if (ended && !this.restarts) this.endedBy ??= `converged: ${ended}`;
    if (this.restarts && ended) {
      this.runIndex++;
      this.lambda *= 2;
      this.pending.clear();
      this.run = this.newRun();
    }
  }

  /** Hansen's stopping rules in the unit cube (step below 1e-7, flat history, an ill-conditioned C, stagnation): which ended the run, if any. */
  private runEnded(r: Run): string | undefined {
    const n = this.n;
    const maxD = Math.max(...r.D);
    if (r.sigma * maxD < 1e-7) return 'step size below 1e-7';
    if (maxD * maxD > 1e14 * Math.min(...r.D) ** 2) return 'covariance ill-conditioned';
    const window = 10 + Math.ceil((30 * n) / this.lambda);
    if (r.bestHistory.length >= window) {
      const recent = r.bestHistory.slice(-window);
      const finite = recent.filter(Number.isFinite);
      if (finite.length === window && Math.max(...finite) - Math.min(...finite) <= 1e-9 * Math.max(1, Math.abs(Math.min(...finite)))) return 'best loss flat';
      // no generation in the last 3 windows better than before them by tolFun (relative): stagnation.
      // Spike-time losses keep improving by crumbs (spikes move in steps of dt), so "better at all" would never end a run.
      if (r.bestHistory.length >= 3 * window + 20) {
        const before = Math.min(...r.bestHistory.slice(0, -3 * window));
        if (Math.min(...r.bestHistory.slice(-3 * window)) >= before - this.tolerance(before)) return 'stagnation';
      }
    }
    return undefined;
  }

  /**
   * The smallest improvement on `best` that counts: tolFun relative to the larger of |best| and
   * the first generation's median loss — but never more than 10 % of |best|, so a loss still
   * falling by factors (Rosenbrock's valley) is progress however small it has become.
   */
  private tolerance(best: number): number {
    const scale = Number.isFinite(this.lossScale) ? Math.max(Math.abs(best), this.lossScale) : Math.abs(best);
    return Math.max(Math.min(this.tolFun * scale, 0.1 * Math.abs(best)), this.zero());
  }

  /** Losses this close to 0 are 0: 1e-9 of the first generation's median (0 before it). */
  private zero(): number {
    return Number.isFinite(this.lossScale) ? 1e-9 * this.lossScale : 0;
  }

  /** After a run ends: counts the restarts that did not improve the best, and declares convergence after `patience` of them. */
  private judgeRun(why: string): void {
    const trial = this.log.best();
    const best = trial?.loss ?? Infinity;
    const unit = trial ? this.names.map((name, i) => this.maps[i]!.toUnit(trial.params[name] as number)) : undefined;
    // a loss without noise keeps falling by more than 10 % per restart while the point has long stopped moving
    const moved = !unit || !this.bestUnitBeforeRun || unit.some((u, i) => Math.abs(u - this.bestUnitBeforeRun![i]!) > this.tolX);
    const improved = moved && best < this.bestBeforeRun - this.tolerance(this.bestBeforeRun);
    // the first run has nothing to improve on: it only sets the mark
    this.staleRuns = improved || this.runIndex === 0 ? 0 : this.staleRuns + 1;
    this.bestBeforeRun = Math.min(this.bestBeforeRun, best);
    if (unit) this.bestUnitBeforeRun = unit;
    // nothing left to improve: no restart can pay
    if (this.endedBy === undefined && this.patience < Infinity && Math.abs(best) <= this.zero()) {
      this.endedBy = `converged: the best loss (${best.toPrecision(4)}) is 0 within 1e-9 of the first generation's (last run: ${why})`;
    }
    if (this.endedBy === undefined && this.staleRuns >= this.patience) {
      this.endedBy = `converged: ${this.staleRuns} restart${this.staleRuns === 1 ? '' : 's'} in a row did not improve the best loss (${best.toPrecision(4)}) by more than ${(100 * this.tolFun).toPrecision(2)} % or move the best point by more than ${(100 * this.tolX).toPrecision(2)} % of the bounds (last run: ${why})`;
    }
  }
}

interface Run {
  mean: number[];
  sigma: number;
  C: number[][];
  B: number[][];
  D: number[];
  pc: number[];
  ps: number[];
  generation: number;
  told: { y: number[]; loss: number }[];
  weights: number[];
  muEff: number;
  cs: number;
  ds: number;
  cc: number;
  c1: number;
  cmu: number;
  chiN: number;
  bestHistory: number[];
  eigenAt: number;
}

interface DimensionMap {
  toUnit(x: number): number;
  fromUnit(u: number): number;
}

function dimensionMap(name: string, dim: Dimension): DimensionMap {
  switch (dim.kind) {
    case 'uniform':
      return linear(dim.low, dim.high, (x) => x);
    case 'quniform':
      return linear(dim.low, dim.high, (x) => quantize(x, dim.low, dim.high, dim.q));
    case 'normal':
      return linear(dim.mu - 3 * dim.sigma, dim.mu + 3 * dim.sigma, (x) => x);
    case 'loguniform':
      return logarithmic(dim.low, dim.high, (x) => x);
    case 'qloguniform':
      return logarithmic(dim.low, dim.high, (x) => quantize(x, dim.low, dim.high, dim.q));
    case 'lognormal':
      return logarithmic(Math.exp(dim.mu - 3 * dim.sigma), Math.exp(dim.mu + 3 * dim.sigma), (x) => x);
    case 'choice':
      throw new Error(`CMA-ES: '${name}' is a choice dimension; CMA-ES searches continuous dimensions only (use tpe)`);
  }
}

function linear(low: number, high: number, round: (x: number) => number): DimensionMap {
  return { toUnit: (x) => (x - low) / (high - low), fromUnit: (u) => round(Math.min(high, Math.max(low, low + u * (high - low)))) };
}

function logarithmic(low: number, high: number, round: (x: number) => number): DimensionMap {
  const a = Math.log(low);
  const b = Math.log(high);
  return { toUnit: (x) => (Math.log(x) - a) / (b - a), fromUnit: (u) => round(Math.min(high, Math.max(low, Math.exp(a + u * (b - a))))) };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Folds the real line onto [0, 1] by reflection at the bounds. */
function mirror(u: number): number {
  const t = ((u % 2) + 2) % 2;
  return t > 1 ? 2 - t : t;
}

function checkedStart(x0: Point, name: string): number {
  const v = x0[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`CMA-ES: x0.${name} must be a finite number (got ${String(v)})`);
  return v;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}
