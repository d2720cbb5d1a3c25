import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  choice,
  lognormal,
  loguniform,
  normal,
  qloguniform,
  quniform,
  RandomSearch,
  samplePrior,
  TPE,
  uniform,
  type Point,
  type Sampler,
  type Space,
} from '../src/search/index.ts';
import { median } from '../src/numeric/quantile.ts';
import { normalCdf } from '../src/numeric/normal.ts';
import { linearForgettingWeights, parzen } from '../src/search/tpe/parzen-estimator.ts';
import { parzenLogDensity } from '../src/search/tpe/density.ts';

// ---------------------------------------------------------------------------------------------
// Benchmark functions
// ---------------------------------------------------------------------------------------------

const BRANIN_MIN = 0.397887;
function branin(p: Point): number {
  const x1 = p.x1!;
  const x2 = p.x2!;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}
const braninSpace: Space = { x1: uniform(-5, 10), x2: uniform(0, 15) };

const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));
const H_ALPHA = [1, 1.2, 3, 3.2];
/** Hartmann-6, minimum -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
function hartmann6(p: Point): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 6; j++) e += H_A[i]![j]! * (p[`x${j}`]! - H_P[i]![j]!) ** 2;
    s -= H_ALPHA[i]! * Math.exp(-e);
  }
  return s;
}
const hartmannSpace: Space = Object.fromEntries(Array.from({ length: 6 }, (_, j) => [`x${j}`, uniform(0, 1)]));

/** Runs a sampler for `evals` evaluations in batches; returns the best loss after each batch. */
function run(s: Sampler, f: (p: Point) => number, evals: number, batch = 1): number[] {
  const trace: number[] = [];
  for (let i = 0; i < evals; i += batch) {
    const points = s.ask(Math.min(batch, evals - i));
    s.tell(points, points.map(f));
    trace.push(s.best()!.loss);
  }
  return trace;
}

const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

// ---------------------------------------------------------------------------------------------

describe('bit-identical suggestions', () => {
  // Computed by the TPE before its split into src/search/tpe/ (commit 66e0d89): any change to
  // the numerics, the order of random draws or the tie-breaking shows here first.
  it('seed 1, 3-D space (uniform, loguniform, quniform), first 30 suggestions told one by one', () => {
    const space: Space = { x: uniform(-5, 5), y: loguniform(0.01, 100), z: quniform(0, 10, 0.5) };
    const f = (p: Point) => (p.x! - 1.3) ** 2 + Math.log10(p.y!) ** 2 + 0.1 * (p.z! - 7) ** 2;
    const t = new TPE(space, { seed: 1 });
    const out: Point[] = [];
    for (let i = 0; i < 30; i++) {
      const [p] = t.ask(1);
      out.push(p!);
      t.tell([p!], [f(p!)]);
    }
    expect(out).toEqual([{"x":0.2604709565639496,"y":0.030943857675056866,"z":5},{"x":1.214375477284193,"y":0.046054670854630365,"z":3},{"x":-4.888742284383625,"y":0.12701819295306702,"z":5},{"x":-4.021432711742818,"y":0.10708493404151673,"z":7.5},{"x":4.5065918285399675,"y":0.010608065630884442,"z":9},{"x":3.229198376648128,"y":0.4714097441570771,"z":3.5},{"x":-2.7323731943033636,"y":0.4811949226725947,"z":9},{"x":1.6659565502777696,"y":0.01951417611484759,"z":0.5},{"x":-0.3027512994594872,"y":70.05782024113468,"z":0.5},{"x":3.5750385699793696,"y":11.003579089568857,"z":5},{"x":0.0996871036477387,"y":11.79702290503926,"z":3.5},{"x":-0.5637100269086659,"y":9.984237222639743,"z":4.5},{"x":2.1247893245890737,"y":0.010012104867652607,"z":6.5},{"x":2.2201846865937114,"y":8.456284198725903,"z":5.5},{"x":4.880839560646564,"y":8.926264288260292,"z":1},{"x":4.380461841356009,"y":81.06996245933172,"z":4.5},{"x":4.825972949620336,"y":92.17532137575765,"z":3},{"x":3.2366707385517657,"y":4.4232755329161275,"z":8.5},{"x":-3.2516634301282465,"y":0.20970611754092022,"z":6.5},{"x":3.958734320476651,"y":0.20877335939301722,"z":2.5},{"x":1.4950095830829881,"y":1.8148248308719332,"z":2},{"x":-1.0623879386718826,"y":2.398038296226513,"z":1.5},{"x":-1.774099716997478,"y":31.762289133225476,"z":6.5},{"x":2.58335769827773,"y":1.9842216370989012,"z":2},{"x":1.0566825598452645,"y":29.00420763728946,"z":7.5},{"x":0.3683136433705013,"y":30.786599061508543,"z":10},{"x":0.9916480530713437,"y":34.4603974871826,"z":7.5},{"x":2.4839733739372427,"y":3.6778906281157475,"z":7.5},{"x":2.5048442335409393,"y":0.8170462060969712,"z":6},{"x":2.5320501690925767,"y":0.9192559001073735,"z":8.5}]);
  });

  it('seed 1, every kind of dimension, 200 trials in batches of 5 (forgetting active), then 10 more', () => {
    const space: Space = { u: uniform(-1, 1), lu: loguniform(1e-3, 10), qu: quniform(0, 10, 0.5), qlu: qloguniform(2, 500, 4), n: normal(0, 1), ln: lognormal(1, 0.5), c: choice([-1, 0.5, 8]) };
    const f = (p: Point) => p.u! ** 2 + Math.log10(p.lu!) ** 2 + (p.qu! - 3) ** 2 + (p.qlu! - 100) ** 2 / 1e4 + p.n! ** 2 + (p.ln! - 2) ** 2 + (p.c === 0.5 ? 0 : 1);
    const t = new TPE(space, { seed: 1, nStartupTrials: 10 });
    for (let i = 0; i < 40; i++) {
      const pts = t.ask(5);
      t.tell(pts, pts.map(f));
    }
    expect(t.ask(10)).toEqual([{"u":-0.39199673672146557,"lu":0.4024637443902793,"qu":1.5,"qlu":20,"n":0.839218519093073,"ln":1.889323389474446,"c":8},{"u":-0.4101966802910598,"lu":7.475622257052939,"qu":1.5,"qlu":20,"n":0.43817362489629186,"ln":1.7605246244891166,"c":8},{"u":-0.3881237072127036,"lu":0.004332391536048862,"qu":1.5,"qlu":20,"n":0.4009580400687569,"ln":1.8855451479032141,"c":8},{"u":-0.2579878405850504,"lu":0.5259145816781718,"qu":1.5,"qlu":20,"n":-0.4464162005376891,"ln":1.7585680963215744,"c":8},{"u":0.7103179600933414,"lu":0.495647335753996,"qu":1.5,"qlu":20,"n":-0.4524859644817701,"ln":1.8821431136589113,"c":8},{"u":-0.4168163482006717,"lu":0.4736267405143998,"qu":0,"qlu":20,"n":-0.4626819529494881,"ln":1.7431555161563344,"c":8},{"u":0.9444506374129769,"lu":7.485452028536435,"qu":1.5,"qlu":84,"n":-0.06489464135267362,"ln":1.8752570711123355,"c":8},{"u":-0.4131843886259471,"lu":0.44597454644858553,"qu":1.5,"qlu":272,"n":0.8267110217951403,"ln":2.579652422075705,"c":8},{"u":0.1978226074108606,"lu":0.534516249305522,"qu":1.5,"qlu":276,"n":-0.06727954039200268,"ln":1.7433111942144044,"c":8},{"u":-0.40998314457890483,"lu":0.004166480585413764,"qu":1.5,"qlu":8,"n":0.39894468312264,"ln":1.8796748057194808,"c":8}]);
  });
});

describe('samplers: bookkeeping', () => {
  it('same seed and history give identical suggestions; another seed does not', () => {
    const history = Array.from({ length: 30 }, (_, i) => ({ x1: -5 + (i * 7.3) % 15, x2: (i * 4.1) % 15 }));
    const make = (seed: number | string) => {
      const t = new TPE(braninSpace, { seed });
      t.tell(history, history.map(branin));
      return t;
    };
    const a = make(1).ask(5);
    expect(make(1).ask(5)).toEqual(a);
    expect(make('other').ask(5)).not.toEqual(a);
    // The same history told in other batches is the same history.
    const c = new TPE(braninSpace, { seed: 1 });
    c.tell(history.slice(0, 11), history.slice(0, 11).map(branin));
    c.tell(history.slice(11), history.slice(11).map(branin));
    expect(c.ask(5)).toEqual(a);
    // In the startup phase, and for random search, likewise.
    expect(new TPE(braninSpace, { seed: 3 }).ask(4)).toEqual(new TPE(braninSpace, { seed: 3 }).ask(4));
    expect(new RandomSearch(braninSpace, { seed: 3 }).ask(4)).toEqual(new RandomSearch(braninSpace, { seed: 3 }).ask(4));
    expect(new RandomSearch(braninSpace, { seed: 3 }).ask(4)).not.toEqual(new RandomSearch(braninSpace, { seed: 4 }).ask(4));
    // Default seed is 0.
    expect(new TPE(braninSpace).ask(3)).toEqual(new TPE(braninSpace, { seed: 0 }).ask(3));
  });

  it('ask(n) gives n distinct points, random during startup, from the model after', () => {
    const t = new TPE(braninSpace, { seed: 5, nStartupTrials: 5 });
    const first = t.ask(8); // 5 prior draws, then 3 model suggestions from an empty history
    expect(first).toHaveLength(8);
    expect(new Set(first.map((p) => `${p.x1},${p.x2}`)).size).toBe(8);
    t.tell(first, first.map(branin));
    const batch = t.ask(8);
    expect(new Set(batch.map((p) => `${p.x1},${p.x2}`)).size).toBe(8);
    expect(t.ask(0)).toEqual([]);
    expect(() => t.ask(-1)).toThrow(/non-negative integer/);
    expect(() => t.ask(1.5)).toThrow(/non-negative integer/);
  });

  it('NaN and infinite losses are recorded as failed, ignored by the model, never best', () => {
    for (const s of [new TPE(braninSpace, { seed: 2, nStartupTrials: 3 }), new RandomSearch(braninSpace, { seed: 2 })]) {
      const pts = s.ask(4);
      s.tell(pts, [NaN, Infinity, -Infinity, NaN]);
      expect(s.trials).toHaveLength(4);
      expect(s.trials.every((t) => !t.ok)).toBe(true);
      expect(s.best()).toBeUndefined();
      // Still suggests (from the prior: no ok trial to model).
      const more = s.ask(3);
      for (const p of more) expect(p.x1! >= -5 && p.x1! <= 10 && p.x2! >= 0 && p.x2! <= 15).toBe(true);
      s.tell(more, [5, NaN, 3]);
      expect(s.best()).toEqual({ params: more[2], loss: 3, ok: true });
      expect(s.trials.filter((t) => t.ok)).toHaveLength(2);
      // -Infinity is a failure, not a perfect result.
      s.tell([more[0]!], [-Infinity]);
      expect(s.best()!.loss).toBe(3);
    }
  });

  it('a TPE fed mostly failures models only the ok trials', () => {
    const t = new TPE(braninSpace, { seed: 4 });
    const rng = seedrandom.alea('failures');
    for (let i = 0; i < 60; i++) {
      const p = samplePrior(braninSpace, rng);
      t.tell([p], [i % 3 === 0 ? branin(p) : NaN]);
    }
    for (const p of t.ask(10)) {
      expect(Number.isFinite(p.x1!) && Number.isFinite(p.x2!)).toBe(true);
      expect(p.x1! >= -5 && p.x1! <= 10 && p.x2! >= 0 && p.x2! <= 15).toBe(true);
    }
    expect(t.best()!.ok).toBe(true);
  });

  it('tell validates its input and copies the points', () => {
    const s = new TPE({ a: uniform(0, 1), l: loguniform(1, 10), c: choice([1, 2]) });
    expect(() => s.tell([{ a: 0.5, l: 2, c: 1 }], [])).toThrow('tell: 1 points but 0 losses');
    expect(() => s.tell([{ a: 0.5, c: 1 } as Point], [1])).toThrow("tell: point 0: 'l' must be a finite number (got undefined)");
    expect(() => s.tell([{ a: 0.5, l: -2, c: 1 }], [1])).toThrow(/'l' must be positive/);
    expect(() => s.tell([{ a: 0.5, l: 2, c: 3 }], [1])).toThrow("tell: point 0: 'c' = 3 is not one of the options (1, 2)");
    expect(() => s.tell([{ a: 0.5, l: 2, c: 1 }], ['x' as unknown as number])).toThrow(/loss 0 is not a number/);
    expect(s.trials).toHaveLength(0);
    // null (a NaN read back from JSON) is a failure; extra keys are dropped; points outside the
    // bounds (e.g. from an older file) are accepted.
    const p = { a: 0.5, l: 2, c: 1, extra: 7 };
    s.tell([p, { a: 3, l: 20, c: 2 }], [null as unknown as number, 1]);
    p.a = 0.9;
    expect(s.trials[0]).toEqual({ params: { a: 0.5, l: 2, c: 1 }, loss: NaN, ok: false });
    expect(s.best()!.params).toEqual({ a: 3, l: 20, c: 2 });
  });

  it('rejects invalid TPE options', () => {
    expect(() => new TPE(braninSpace, { gamma: 0 })).toThrow('TPE: option gamma must be a positive number (got 0)');
    expect(() => new TPE(braninSpace, { nEICandidates: 0 })).toThrow(/nEICandidates must be a positive integer/);
    expect(() => new TPE(braninSpace, { nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    expect(() => new TPE(braninSpace, { linearForgetting: 0.5 })).toThrow(/linearForgetting/);
    expect(() => new TPE(braninSpace, { priorWeight: -1 })).toThrow(/priorWeight/);
    expect(() => new TPE(braninSpace, { linearForgetting: Infinity })).not.toThrow();
  });

  it('suggestions respect every kind of dimension', () => {
    const space: Space = {
      u: uniform(-1, 1),
      lu: loguniform(1e-3, 10),
      qu: quniform(0, 10, 0.5),
      qlu: qloguniform(2, 500, 4),
      n: normal(0, 1),
      ln: lognormal(1, 0.5),
      c: choice([-1, 0.5, 8]),
    };
    const t = new TPE(space, { seed: 9, nStartupTrials: 10 });
    const f = (p: Point) => p.u! ** 2 + Math.log10(p.lu!) ** 2 + (p.qu! - 3) ** 2 + (p.qlu! - 100) ** 2 / 1e4 + p.n! ** 2 + (p.ln! - 2) ** 2 + (p.c === 0.5 ? 0 : 1);
    for (let i = 0; i < 12; i++) {
      const pts = t.ask(5);
      for (const p of pts) {
        expect(p.u! >= -1 && p.u! <= 1).toBe(true);
        expect(p.lu! >= 1e-3 && p.lu! <= 10).toBe(true);
        expect(p.qu! >= 0 && p.qu! <= 10 && Number.isInteger(p.qu! * 2)).toBe(true);
        expect(p.qlu! >= 4 && p.qlu! <= 500 && p.qlu! % 4 === 0).toBe(true);
        expect(Number.isFinite(p.n!)).toBe(true);
        expect(p.ln!).toBeGreaterThan(0);
        expect([-1, 0.5, 8]).toContain(p.c);
      }
      t.tell(pts, pts.map(f));
    }
  });
});

describe('Parzen estimator and densities', () => {
  it('matches hand-computed components for three observations, with clipping', () => {
    // Observations in time order 0.2, 0.9, 0.25; prior N(0.5, 1) as for uniform(0, 1).
    // Sorted with the prior: 0.2, 0.25, [0.5], 0.9. Gaps 0.05, 0.25, 0.4.
    // sigma(0.2) = 0.05 (end: one neighbour) -> clipped up to 1 / min(100, 3 + 2) = 0.2;
    // sigma(0.25) = max(0.05, 0.25) = 0.25; prior keeps 1; sigma(0.9) = 0.4 (end).
    const est = parzen([0.2, 0.9, 0.25], 0.5, 1);
    expect(est.priorIndex).toBe(2);
    expect(Array.from(est.mus)).toEqual([0.2, 0.25, 0.5, 0.9]);
    expectClose(Array.from(est.sigmas), [0.2, 0.25, 1, 0.4]);
    expectClose(Array.from(est.weights), [0.25, 0.25, 0.25, 0.25]);
    // Clipped from above too: one distant neighbour gap larger than the prior sigma.
    const wide = parzen([0.01, 0.02], 0.5, 0.1);
    expectClose(Array.from(wide.sigmas), [0.1 / 4, 0.1, 0.1]);
    // Prior weight enters the normalisation.
    expectClose(Array.from(parzen([0.2, 0.9, 0.25], 0.5, 1, 2).weights), [0.2, 0.2, 0.4, 0.2]);
  });

  it('gives a lone observation half the prior sigma, on either side of the prior', () => {
    const above = parzen([0.8], 0.5, 1);
    expect(Array.from(above.mus)).toEqual([0.5, 0.8]);
    expect(Array.from(above.sigmas)).toEqual([1, 0.5]);
    expect(Array.from(above.weights)).toEqual([0.5, 0.5]);
    expect(above.priorIndex).toBe(0);
    const below = parzen([0.1], 0.5, 1);
    expect(Array.from(below.mus)).toEqual([0.1, 0.5]);
    expect(Array.from(below.sigmas)).toEqual([0.5, 1]);
    expect(below.priorIndex).toBe(1);
    const none = parzen([], 0.5, 1);
    expect(Array.from(none.mus)).toEqual([0.5]);
    expect(Array.from(none.weights)).toEqual([1]);
  });

  it('forgets linearly by recency, not by value', () => {
    // hyperopt: linspace(1/n, 1, n - 25) then 25 ones.
    const w = linearForgettingWeights(30, 25);
    expectClose(Array.from(w.subarray(0, 5)), [1 / 30, (1 / 30) * 0.75 + 0.25, (1 / 30 + 1) / 2, (1 / 30) * 0.25 + 0.75, 1]);
    expect(Array.from(w.subarray(5)).every((v) => v === 1)).toBe(true);
    expect(Array.from(linearForgettingWeights(25, 25)).every((v) => v === 1)).toBe(true);
    expectClose(Array.from(linearForgettingWeights(26, 25)), [1 / 26, ...Array(25).fill(1)]);
    // 30 observations: the oldest gets the smallest weight wherever its value sorts.
    const increasing = Array.from({ length: 30 }, (_, i) => i / 30);
    const total = w.reduce((a, b) => a + b, 0) + 1;
    const inc = parzen(increasing, 0.5, 1);
    expect(inc.weights[0]).toBeCloseTo(1 / 30 / total, 12); // oldest = smallest value
    const dec = parzen([...increasing].reverse(), 0.5, 1);
    expect(dec.weights[dec.weights.length - 1]).toBeCloseTo(1 / 30 / total, 12); // oldest = largest value
    expect(dec.weights[0]).toBeCloseTo(1 / total, 12);
  });

  it('truncated densities integrate to 1 over the bounds', () => {
    const est = parzen([0.05, 0.1, 0.12, 0.7, 0.99], 0.5, 1);
    expect(simpson((x) => Math.exp(parzenLogDensity(uniform(0, 1), est, x)), 0, 1, 4000)).toBeCloseTo(1, 8);
    // Log-uniform: a density of log x, so integrate over log x.
    const lo = Math.log(0.01);
    const hi = Math.log(100);
    const logEst = parzen([Math.log(0.02), Math.log(5), Math.log(80)], (lo + hi) / 2, hi - lo);
    expect(simpson((u) => Math.exp(parzenLogDensity(loguniform(0.01, 100), logEst, Math.exp(u))), lo, hi, 4000)).toBeCloseTo(1, 8);
    // Quantised: the cells' probabilities sum to 1 (to the 4e-10 of the narrow-cell series),
    // including the end cells that absorb the values rounding would push outside [1, 10].
    const qEst = parzen([2, 2, 4, 9], 5.5, 9);
    let sum = 0;
    for (let v = 2; v <= 10; v += 2) sum += Math.exp(parzenLogDensity(quniform(1, 10, 2), qEst, v));
    expect(sum).toBeCloseTo(1, 9);
    const qlEst = parzen([Math.log(3), Math.log(30)], Math.log(Math.sqrt(200)), Math.log(200));
    sum = 0;
    for (let v = 3; v <= 198; v += 3) sum += Math.exp(parzenLogDensity(qloguniform(1, 200, 3), qlEst, v));
    expect(sum).toBeCloseTo(1, 9);
  });

  it('quantised cell probabilities match direct sums of component masses', () => {
    const est = parzen([2.3, 2.31, 5, 7.77], 5, 10);
    const mass = (lo: number, hi: number) =>
      est.mus.reduce((acc, mu, i) => acc + est.weights[i]! * (normalCdf((hi - mu) / est.sigmas[i]!) - normalCdf((lo - mu) / est.sigmas[i]!)), 0);
    const dim = quniform(0, 10, 0.01);
    for (const x of [0, 2.3, 2.31, 5.55, 9.99, 10]) {
      const lo = Math.max(0, x - 0.005);
      const hi = Math.min(10, x + 0.005);
      const direct = mass(lo, hi) / mass(0, 10);
      expect(Math.abs(Math.exp(parzenLogDensity(dim, est, x)) / direct - 1)).toBeLessThan(1e-9);
    }
  });

  it('stays finite far from every component', () => {
    const est = parzen([0, 0.1, 0.2], 0, 1);
    const far = parzenLogDensity(normal(0, 1), est, 1e3);
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeCloseTo(-0.5 * 1e6 - Math.log(Math.sqrt(2 * Math.PI)) + Math.log(1 / 4), 3); // the prior's tail
    const cell = parzenLogDensity(quniform(0, 100, 1), parzen([1, 2], 50, 100), 100);
    expect(Number.isFinite(cell)).toBe(true);
  });

});

describe('optimisation quality (10 seeds each)', () => {
  it('TPE beats random search on Branin at 200 evaluations', () => {
    const tpe = SEEDS.map((seed) => run(new TPE(braninSpace, { seed }), branin, 200).at(-1)!);
    const rnd = SEEDS.map((seed) => run(new RandomSearch(braninSpace, { seed }), branin, 200).at(-1)!);
    expect(median(tpe)).toBeLessThan(median(rnd));
    expect(median(tpe)).toBeLessThan(BRANIN_MIN + 0.1);
  });

  it("TPE gets close to Branin's minimum", () => {
    // Within 0.05 of the minimum by 500 evaluations for most seeds, within 0.2 by 200.
    // (Within 0.05 by 200 is reached by only ~40% of seeds, by this TPE as by hyperopt 0.3.0's
    // own tpe.suggest, which hit it on 36 of 100 seeds: that is the algorithm, not this port.)
    const traces = SEEDS.map((seed) => run(new TPE(braninSpace, { seed }), branin, 500));
    expect(traces.filter((t) => t[499]! < BRANIN_MIN + 0.05).length).toBeGreaterThanOrEqual(7);
    expect(traces.filter((t) => t[199]! < BRANIN_MIN + 0.2).length).toBeGreaterThanOrEqual(7);
  });

  it('TPE in batches of 8 still beats random search on Branin', () => {
    const tpe = SEEDS.map((seed) => run(new TPE(braninSpace, { seed }), branin, 200, 8).at(-1)!);
    const rnd = SEEDS.map((seed) => run(new RandomSearch(braninSpace, { seed }), branin, 200).at(-1)!);
    expect(median(tpe)).toBeLessThan(median(rnd));
    expect(tpe.filter((v) => v < BRANIN_MIN + 0.2).length).toBeGreaterThanOrEqual(7);
  });

  it('TPE beats random search on Hartmann-6 at 150 evaluations', () => {
    const tpe = SEEDS.map((seed) => run(new TPE(hartmannSpace, { seed }), hartmann6, 150).at(-1)!);
    const rnd = SEEDS.map((seed) => run(new RandomSearch(hartmannSpace, { seed }), hartmann6, 150).at(-1)!);
    expect(median(tpe)).toBeLessThan(median(rnd) - 0.2);
    expect(median(tpe)).toBeLessThan(-2.7); // minimum -3.32237
  });

  it('optimises choice, quniform and loguniform dimensions', () => {
    const space: Space = { x: uniform(0, 1), k: quniform(0, 20, 1), g: loguniform(1e-3, 1e3), c: choice([1, 3, 7, 9]) };
    const f = (p: Point) => (p.x! - 0.3) ** 2 + 0.01 * (p.k! - 13) ** 2 + 0.05 * (Math.log10(p.g!) - 1) ** 2 + (p.c === 7 ? 0 : 0.5);
    let found = 0;
    let late7 = 0;
    for (const seed of SEEDS) {
      const t = new TPE(space, { seed });
      run(t, f, 150);
      const b = t.best()!.params;
      if (b.c === 7 && Math.abs(b.k! - 13) <= 1) found++;
      late7 += t.trials.slice(-50).filter((tr) => tr.params.c === 7).length;
    }
    expect(found).toBeGreaterThanOrEqual(8);
    // Random search would pick the best option a quarter of the time. (TPE does not settle on it:
    // as it keeps picking 7, the above set fills with 7s too and l/g for 7 drifts back towards 1.)
    expect(late7 / (50 * SEEDS.length)).toBeGreaterThan(0.45);
  });
});

function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}
