import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  custom,
  forBounds,
  identity,
  log,
  sigmoid,
  softplus,
  softplusUpper,
  type Transform,
} from '../src/gradient/transforms.ts';
import { ParameterVector, type ParameterSpec } from '../src/gradient/parameters.ts';
import { lbfgs, type FG, type IterationState } from '../src/optimize/lbfgs.ts';
import { levenbergMarquardt, type Residuals } from '../src/optimize/lm.ts';
import {
  combine,
  printEvery,
  saveLoss,
  saveParameters,
  stopAtLoss,
  stopOnPlateau,
  type Callback,
  type FitState,
} from '../src/gradient/callbacks.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/**
 * Central difference refined by one Richardson step (error O(h⁴)), so that a moderately large h
 * can be used and rounding stays far below the 1e-7 the derivatives are checked to.
 */
function numericDerivative(f: (u: number) => number, u: number): number {
  const h = 1e-3 * Math.max(1, Math.abs(u));
  const D = (k: number) => (f(u + k) - f(u - k)) / (2 * k);
  return (4 * D(h / 2) - D(h)) / 3;
}

function gaussianStream(seed: string): () => number {
  const u = seedrandom.alea(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Transforms
// ---------------------------------------------------------------------------------------------

/** Interior fractions of a bounded range, including ones within 1e-6 of either bound. */
const FRACTIONS = [1e-6, 1e-5, 1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3, 1 - 1e-5, 1 - 1e-6];
/** Distances from a single bound, from very close to very far. */
const DISTANCES = [1e-9, 1e-6, 1e-3, 0.1, 1, 7, 30, 100, 1e4, 1e8];

interface Case {
  t: Transform;
  xs: number[];
  lo: number;
  hi: number;
  /** Analytic derivative, to check the custom transform's default finite difference against. */
  exact?: (u: number) => number;
}

const cases: Case[] = [
  ...[
    [0, 1],
    [-2, 3],
    [1e-3, 1e3],
    [-70, -50],
  ].map(([lo, hi]) => ({ t: sigmoid(lo!, hi!), xs: FRACTIONS.map((q) => lo! + q * (hi! - lo!)), lo: lo!, hi: hi! })),
  { t: softplus(0), xs: DISTANCES, lo: 0, hi: Infinity },
  { t: softplus(-65), xs: DISTANCES.map((d) => -65 + d), lo: -65, hi: Infinity },
  { t: softplus(2), xs: DISTANCES.map((d) => 2 + d), lo: 2, hi: Infinity },
  { t: softplusUpper(10), xs: DISTANCES.map((d) => 10 - d), lo: -Infinity, hi: 10 },
  { t: softplusUpper(-1), xs: DISTANCES.map((d) => -1 - d), lo: -Infinity, hi: -1 },
  { t: identity(), xs: [-1e6, -3.5, -1e-9, 1e-9, 0.25, 42, 1e12], lo: -Infinity, hi: Infinity },
  { t: log(), xs: [1e-12, 1e-6, 0.01, 1, 3.7, 1e4, 1e9], lo: 0, hi: Infinity },
  {
    t: custom('sinh', Math.sinh, Math.asinh),
    xs: [-1e5, -2, -1e-3, 1e-3, 0.5, 10, 1e5],
    lo: -Infinity,
    hi: Infinity,
    exact: Math.cosh,
  },
];

describe('transforms', () => {
  for (const c of cases) {
    it(`${c.t.name}: forward(inverse(x)) recovers x to 1e-9 relative, near the bounds too`, () => {
      for (const x of c.xs) {
        const u = c.t.inverse(x);
        expect(Number.isFinite(u)).toBe(true);
        expect(relErr(c.t.forward(u), x)).toBeLessThan(1e-9);
      }
    });

    it(`${c.t.name}: derivative matches a finite difference to 1e-7 relative`, () => {
      const us = [...c.xs.map((x) => c.t.inverse(x)), -8, -2.5, -0.3, 0, 0.7, 3, 9].filter((u) => Math.abs(u) < 20);
      let checked = 0;
      for (const u of us) {
        const d = c.t.derivative(u);
        // forward(u) is only resolved to ε·|x|, so a difference quotient cannot see a slope
        // much below ε·|x|/h (e.g. softplus(-65) deep in its flat tail); skip those points.
        const h = 1e-3 * Math.max(1, Math.abs(u));
        if ((Number.EPSILON * Math.abs(c.t.forward(u))) / (h * Math.abs(d)) > 1e-9) continue;
        checked++;
        expect(relErr(d, numericDerivative((v) => c.t.forward(v), u))).toBeLessThan(1e-7);
        if (c.exact) expect(relErr(d, c.exact(u))).toBeLessThan(1e-7);
      }
      expect(checked).toBeGreaterThan(5);
    });

    it(`${c.t.name}: forward is increasing`, () => {
      const us = [-30, -5, -1, 0, 1, 5, 30];
      for (let i = 1; i < us.length; i++) expect(c.t.forward(us[i]!)).toBeGreaterThan(c.t.forward(us[i - 1]!));
    });
  }

  it('bounded transforms stay finite and within their bounds for u = ±1000', () => {
    for (const c of cases) {
      if (c.t.name === 'identity' || c.t.name === 'log' || c.t.name === 'sinh') continue;
      for (const u of [-1000, -100, 100, 1000]) {
        const x = c.t.forward(u);
        const d = c.t.derivative(u);
        expect(Number.isFinite(x), `${c.t.name} at ${u}`).toBe(true);
        expect(Number.isFinite(d)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(c.lo);
        expect(x).toBeLessThanOrEqual(c.hi);
      }
    }
    // The unbounded side keeps growing instead of saturating.
    expect(softplus(0).forward(1000)).toBeCloseTo(1000, 9);
    expect(softplusUpper(0).forward(-1000)).toBeCloseTo(-1000, 9);
  });

  it('inverse outside the range throws an error naming the value and the range', () => {
    expect(() => sigmoid(0, 1).inverse(1.5)).toThrow(/1\.5 is outside the range \(0, 1\)/);
    expect(() => sigmoid(0, 1).inverse(0)).toThrow(/0 is outside the range \(0, 1\)/);
    expect(() => sigmoid(-2, 3).inverse(-7)).toThrow(/-7 .*\(-2, 3\)/);
    expect(() => softplus(2).inverse(1)).toThrow(/1 is outside the range \(2, Infinity\)/);
    expect(() => softplusUpper(10).inverse(11)).toThrow(/11 is outside the range \(-Infinity, 10\)/);
    expect(() => log().inverse(-0.5)).toThrow(/-0\.5 is outside the range \(0, Infinity\)/);
    expect(() => identity().inverse(NaN)).toThrow(/NaN is outside the range/);
    expect(() => custom('sqrt', (u) => u * u, Math.sqrt).inverse(-4)).toThrow(/sqrt.*-4 is outside the range/);
  });

  it('reject invalid bounds', () => {
    expect(() => sigmoid(1, 1)).toThrow(/lo \(1\) must be less than hi \(1\)/);
    expect(() => sigmoid(2, 1)).toThrow(/less than/);
    expect(() => sigmoid(0, Infinity)).toThrow(/finite/);
    expect(() => softplus(NaN)).toThrow(/finite/);
    expect(() => forBounds(3, 3)).toThrow(/lo < hi/);
    expect(() => forBounds(Infinity, Infinity)).toThrow();
    expect(() => forBounds(0, NaN)).toThrow(/NaN/);
  });

  it('forBounds picks sigmoid, softplus, softplusUpper or identity', () => {
    expect(forBounds(0, 1).name).toBe('sigmoid(0, 1)');
    expect(forBounds(0, Infinity).name).toBe('softplus(0)');
    expect(forBounds(-Infinity, 5).name).toBe('softplusUpper(5)');
    expect(forBounds(-Infinity, Infinity).name).toBe('identity');
  });
});

// ---------------------------------------------------------------------------------------------
// ParameterVector
// ---------------------------------------------------------------------------------------------

describe('ParameterVector', () => {
  const specs: ParameterSpec[] = [
    { name: 'g', init: 2, lo: 0, hi: 10 },
    { name: 'E', init: -65, kind: 'masked' },
    { name: 'tau', init: 100, kind: 'normalized', lo: 1, learningRate: 0.5 },
    { name: 'gain', init: 0.7, kind: 'normalized' },
    { name: 'b', init: -3 },
    { name: 'c', init: 0.02, transform: log() },
  ];

  it('masked parameters stay at init and are not in u', () => {
    const pv = new ParameterVector(specs);
    expect(pv.names).toEqual(['g', 'tau', 'gain', 'b', 'c']);
    expect(pv.size).toBe(5);
    const u0 = pv.initial();
    expect(u0.length).toBe(5);
    const v0 = pv.values(u0);
    expect(Object.keys(v0)).toEqual(['g', 'E', 'tau', 'gain', 'b', 'c']);
    for (const s of specs) expect(relErr(v0[s.name]!, s.init)).toBeLessThan(1e-12);
    const moved = pv.values(Float64Array.from([5, -1, 3, -7, 2]));
    expect(moved.E).toBe(-65);
    expect(moved.g).toBeGreaterThan(0);
    expect(moved.g).toBeLessThan(10);
    expect(moved.b).toBe(-7);
    expect(relErr(moved.c!, Math.exp(2))).toBeLessThan(1e-15);
  });

  it('initial() returns a fresh copy', () => {
    const pv = new ParameterVector(specs);
    const u = pv.initial();
    u[0] = 123;
    expect(pv.initial()[0]).not.toBe(123);
  });

  it('normalized parameters are fitted in units of init', () => {
    const pv = new ParameterVector([
      { name: 'gain', init: 0.7, kind: 'normalized' },
      { name: 'tau', init: 100, kind: 'normalized' },
    ]);
    expect(Array.from(pv.initial())).toEqual([1, 1]);
    // The same step in u moves each parameter by the same fraction of its initial value.
    const v = pv.values(Float64Array.from([1.1, 1.1]));
    expect(v.gain).toBeCloseTo(0.77, 14);
    expect(v.tau).toBeCloseTo(110, 12);
    expect(Array.from(pv.jacobian(pv.initial()))).toEqual([0.7, 100]);
  });

  it('normalized bounds are respected, also with a negative init', () => {
    const pv = new ParameterVector([
      { name: 'v', init: -5, kind: 'normalized', lo: -10, hi: -1 },
      { name: 'w', init: 4, kind: 'normalized', lo: 0 },
    ]);
    const v0 = pv.values(pv.initial());
    expect(v0.v).toBeCloseTo(-5, 12);
    expect(v0.w).toBeCloseTo(4, 12);
    for (const u of [-1000, -20, -1, 0, 1, 20, 1000]) {
      const v = pv.values(Float64Array.from([u, u]));
      expect(v.v).toBeGreaterThanOrEqual(-10);
      expect(v.v).toBeLessThanOrEqual(-1);
      expect(v.w).toBeGreaterThanOrEqual(0);
    }
  });

  it('pullback equals a finite-difference gradient of a function of the constrained values', () => {
    const pv = new ParameterVector(specs);
    // F uses every fitted parameter nonlinearly, and the masked one too.
    const F = (p: Record<string, number>) =>
      p.g! ** 2 + Math.sin(p.tau! / 50) * p.b! + Math.exp(p.gain!) + p.E! * p.c! + p.b! ** 3 / 10;
    const gradX = (p: Record<string, number>) =>
      Float64Array.from([
        2 * p.g!,
        (Math.cos(p.tau! / 50) / 50) * p.b!,
        Math.exp(p.gain!),
        Math.sin(p.tau! / 50) + (3 * p.b! ** 2) / 10,
        p.E!,
      ]);
    const rng = seedrandom.alea('pullback');
    for (let trial = 0; trial < 5; trial++) {
      const u = pv.initial().map((v) => v + (rng() - 0.5));
      const gu = pv.pullback(u, gradX(pv.values(u)));
      for (let i = 0; i < pv.size; i++) {
        const fd = numericDerivative((ui) => {
          const w = u.slice();
          w[i] = ui;
          return F(pv.values(w));
        }, u[i]!);
        expect(relErr(gu[i]!, fd)).toBeLessThan(1e-7);
      }
    }
  });

  it('learning rates: per parameter, else the default', () => {
    const pv = new ParameterVector(specs);
    expect(Array.from(pv.learningRates(0.01))).toEqual([0.01, 0.5, 0.01, 0.01, 0.01]);
  });

  it('rejects bad specs with clear errors', () => {
    const bad = (s: ParameterSpec[]) => () => new ParameterVector(s);
    expect(bad([{ name: 'a', init: 1 }, { name: 'a', init: 2 }])).toThrow(/'a' is listed twice/);
    expect(bad([{ name: 'a', init: NaN }])).toThrow(/'a': init must be a finite number, got NaN/);
    expect(bad([{ name: 'a', init: Infinity, lo: 0 }])).toThrow(/finite/);
    expect(bad([{ name: 'a', init: 11, lo: 0, hi: 10 }])).toThrow(/'a': init 11 is outside \[0, 10\]/);
    expect(bad([{ name: 'a', init: -1, lo: 0 }])).toThrow(/outside \[0, Infinity\]/);
    expect(bad([{ name: 'a', init: 1, lo: 2, hi: 2 }])).toThrow(/lo \(2\) must be less than hi \(2\)/);
    expect(bad([{ name: 'a', init: 1, lo: 5, hi: 0 }])).toThrow(/less than/);
    expect(bad([{ name: 'a', init: 0, kind: 'normalized' }])).toThrow(/'a': a normalized parameter needs a non-zero init/);
    expect(bad([{ name: 'a', init: 0, lo: 0, hi: 1 }])).toThrow(/lies on a bound/);
    expect(bad([{ name: 'a', init: 1, kind: 'free', lo: 0 }])).toThrow(/'free' cannot have bounds/);
    expect(bad([{ name: 'a', init: 1, learningRate: -1 }])).toThrow(/learningRate/);
    expect(bad([{ name: 'a', init: -1, transform: log() }])).toThrow(/'a': cannot initialise: log\.inverse: -1 is outside/);
    expect(bad([{ name: 'a', init: 1, kind: 'bogus' as 'free' }])).toThrow(/unknown kind/);
    const pv = new ParameterVector([{ name: 'a', init: 1 }]);
    expect(() => pv.values(new Float64Array(2))).toThrow(/length 2, expected 1/);
  });
});

// ---------------------------------------------------------------------------------------------
// L-BFGS
// ---------------------------------------------------------------------------------------------

/** Extended Rosenbrock (Moré, Garbow & Hillstrom no. 21): independent pairs, minimum at 1. */
function rosenbrock(x: Float64Array): FG {
  let f = 0;
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const t = b - a * a;
    f += 100 * t * t + (1 - a) ** 2;
    g[i] = -400 * a * t - 2 * (1 - a);
    g[i + 1] = 200 * t;
  }
  return { f, g };
}

function standardStart(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
}

describe('lbfgs', () => {
  for (const n of [2, 10]) {
    it(`minimises the ${n}-D Rosenbrock function from the standard start`, async () => {
      const res = await lbfgs(rosenbrock, standardStart(n), { maxIterations: 500 });
      expect(maxAbsDiff(res.x, new Float64Array(n).fill(1))).toBeLessThan(1e-6);
      expect(res.iterations).toBeLessThan(200);
      expect(['gradient', 'function']).toContain(res.reason);
      expect(res.f).toBeLessThan(1e-12);
    });
  }

  it('converges on a 20-D convex quadratic to 1e-10', async () => {
    const n = 20;
    const rng = seedrandom.alea('quadratic');
    // A = BᵀB + I: symmetric positive definite with a spread of curvatures.
    const B = Array.from({ length: n }, () => Array.from({ length: n }, () => rng() - 0.5));
    const A = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => B.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1 : 0)),
    );
    const xStar = Float64Array.from({ length: n }, () => 4 * rng() - 2);
    const fg = async (x: Float64Array): Promise<FG> => {
      // async on purpose: fg may return a promise
      const e = x.map((v, i) => v - xStar[i]!);
      const g = Float64Array.from(A, (row) => row.reduce((s, a, j) => s + a * e[j]!, 0));
      return { f: 0.5 * dot(e, g), g };
    };
    const res = await lbfgs(fg, new Float64Array(n), { gradientTolerance: 1e-12 });
    expect(maxAbsDiff(res.x, xStar)).toBeLessThan(1e-10);
    expect(res.f).toBeLessThan(1e-20);
    expect(res.iterations).toBeLessThan(100);
  });

  it('every accepted step satisfies the strong Wolfe conditions', async () => {
    // Rosenbrock makes the search zoom (first trials overshoot); the shallow quadratic makes it
    // extrapolate (first trials fall short); the exponential is steep on one side.
    const problems: [(x: Float64Array) => FG, Float64Array][] = [
      [rosenbrock, standardStart(2)],
      [
        (x) => ({
          f: 0.005 * ((x[0]! - 100) ** 2 + 4 * (x[1]! + 50) ** 2),
          g: Float64Array.from([0.01 * (x[0]! - 100), 0.04 * (x[1]! + 50)]),
        }),
        new Float64Array(2),
      ],
      [
        (x) => ({
          f: x.reduce((s, v, i) => s + Math.exp((i + 1) * v) - (i + 1) * v, 0),
          g: x.map((v, i) => (i + 1) * (Math.exp((i + 1) * v) - 1)),
        }),
        new Float64Array(5).fill(2),
      ],
    ];
    for (const [fg, x0] of problems) {
      const states: IterationState[] = [{ iteration: 0, x: x0, ...fg(x0) }];
      const res = await lbfgs(fg, x0, {
        onIteration: (s) => {
          states.push(s);
        },
      });
      expect(['gradient', 'function']).toContain(res.reason);
      expect(states.length - 1).toBe(res.iterations);
      expect(res.iterations).toBeGreaterThan(5);
      for (let k = 1; k < states.length; k++) {
        const p = states[k - 1]!;
        const q = states[k]!;
        // The step is α·d with α > 0, so the conditions can be written with s = x_k − x_{k−1}.
        const s = q.x.map((v, i) => v - p.x[i]!);
        const slope0 = dot(p.g, s);
        expect(slope0).toBeLessThan(0);
        expect(q.f).toBeLessThanOrEqual(p.f + 1e-4 * slope0 + 1e-15 * Math.abs(p.f));
        expect(Math.abs(dot(q.g, s))).toBeLessThanOrEqual(0.9 * Math.abs(slope0) * (1 + 1e-12));
      }
    }
  });

  it('backs off from steps where f is NaN and still finds the minimum', async () => {
    let nanCalls = 0;
    // The minimum (1, 1) is inside; the unconstrained iterates from the standard start would
    // pass through the excluded region.
    const fg = (x: Float64Array): FG => {
      if (x[1]! > 1.1) {
        nanCalls++;
        return { f: NaN, g: Float64Array.from([NaN, NaN]) };
      }
      return rosenbrock(x);
    };
    const res = await lbfgs(fg, standardStart(2), { maxIterations: 500 });
    expect(nanCalls).toBeGreaterThan(0);
    expect(maxAbsDiff(res.x, [1, 1])).toBeLessThan(1e-6);
    expect(Number.isFinite(res.f)).toBe(true);
  });

  it('stops when the callback asks, and at the iteration limit', async () => {
    const stopped = await lbfgs(rosenbrock, standardStart(2), { onIteration: (s) => (s.iteration === 3 ? 'stop' : undefined) });
    expect(stopped.reason).toBe('callback');
    expect(stopped.iterations).toBe(3);
    const limited = await lbfgs(rosenbrock, standardStart(2), { maxIterations: 5 });
    expect(limited.reason).toBe('max-iterations');
    expect(limited.iterations).toBe(5);
    expect(limited.f).toBeLessThan(rosenbrock(standardStart(2)).f);
  });

  it('refuses a starting point where f is not finite', async () => {
    await expect(lbfgs(() => ({ f: NaN, g: new Float64Array(1) }), new Float64Array(1))).rejects.toThrow(/starting point/);
  });
});

// ---------------------------------------------------------------------------------------------
// Levenberg–Marquardt
// ---------------------------------------------------------------------------------------------

describe('levenbergMarquardt', () => {
  it('fits y = A·exp(−t/τ) + C to noisy data', async () => {
    const truth = { A: 2.5, tau: 7, C: -0.4 };
    const noise = gaussianStream('exp-fit');
    const t = Float64Array.from({ length: 200 }, (_, i) => i * 0.25);
    const y = t.map((ti) => truth.A * Math.exp(-ti / truth.tau) + truth.C + 1e-5 * noise());
    const model = (p: Float64Array): Residuals => {
      const [A, tau, C] = p as unknown as [number, number, number];
      const r = new Float64Array(t.length);
      const J = new Float64Array(t.length * 3);
      t.forEach((ti, i) => {
        const e = Math.exp(-ti / tau);
        r[i] = A * e + C - y[i]!;
        J[i * 3] = e;
        J[i * 3 + 1] = (A * e * ti) / (tau * tau);
        J[i * 3 + 2] = 1;
      });
      return { r, J };
    };
    const res = await levenbergMarquardt(model, Float64Array.from([1, 1, 0]));
    const [A, tau, C] = res.x;
    expect(relErr(A!, truth.A)).toBeLessThan(1e-3);
    expect(relErr(tau!, truth.tau)).toBeLessThan(1e-3);
    expect(relErr(C!, truth.C)).toBeLessThan(1e-3);
    expect(res.iterations).toBeLessThan(100);
    // The cost ends at the noise level: 0.5 · 200 · (1e-5)² = 1e-8.
    expect(res.cost).toBeLessThan(3e-8);
  });

  it('solves the Powell badly scaled function', async () => {
    const rj = (x: Float64Array): Residuals => {
      const [a, b] = x as unknown as [number, number];
      return {
        r: Float64Array.from([1e4 * a * b - 1, Math.exp(-a) + Math.exp(-b) - 1.0001]),
        J: Float64Array.from([1e4 * b, 1e4 * a, -Math.exp(-a), -Math.exp(-b)]),
      };
    };
    const res = await levenbergMarquardt(rj, Float64Array.from([0, 1]), { maxIterations: 500 });
    expect(res.cost).toBeLessThan(1e-20);
    expect(relErr(res.x[0]!, 1.098159e-5)).toBeLessThan(1e-5);
    expect(relErr(res.x[1]!, 9.106146)).toBeLessThan(1e-5);
  });

  it('solves Rosenbrock written as residuals', async () => {
    const rj = (x: Float64Array): Residuals => ({
      r: Float64Array.from([10 * (x[1]! - x[0]! ** 2), 1 - x[0]!]),
      J: Float64Array.from([-20 * x[0]!, 10, -1, 0]),
    });
    const seen: number[] = [];
    const res = await levenbergMarquardt(rj, Float64Array.from([-1.2, 1]), {
      onIteration: (s) => {
        seen.push(s.f);
      },
    });
    expect(maxAbsDiff(res.x, [1, 1])).toBeLessThan(1e-8);
    expect(seen.length).toBe(res.iterations);
    // Only steps that lower the cost are accepted.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeLessThan(seen[i - 1]!);
  });

  it('copes with a parameter the residuals do not depend on, and with non-finite trials', async () => {
    // x[1] has a zero Jacobian column, so diag(JᵀJ) has a zero; r is NaN for x[0] > 3, where
    // the first Gauss–Newton step from 0 lands (at about 11).
    let nanCalls = 0;
    const rj = (x: Float64Array): Residuals => {
      if (x[0]! > 3) {
        nanCalls++;
        return { r: Float64Array.from([NaN]), J: Float64Array.from([NaN, 0]) };
      }
      return { r: Float64Array.from([Math.exp(x[0]!) - Math.exp(2.5)]), J: Float64Array.from([Math.exp(x[0]!), 0]) };
    };
    const res = await levenbergMarquardt(rj, Float64Array.from([0, 7]), { lambda: 1e-6 });
    expect(nanCalls).toBeGreaterThan(0);
    expect(res.x[0]).toBeCloseTo(2.5, 8);
    expect(res.x[1]).toBe(7);
  });

  it('stops when the callback asks; refuses a non-finite start', async () => {
    const rj = (x: Float64Array): Residuals => ({ r: Float64Array.from([x[0]! ** 2 - 2]), J: Float64Array.from([2 * x[0]!]) });
    const res = await levenbergMarquardt(rj, Float64Array.from([10]), { onIteration: (s) => s.iteration === 2 });
    expect(res.reason).toBe('callback');
    expect(res.iterations).toBe(2);
    await expect(levenbergMarquardt(() => ({ r: Float64Array.from([NaN]), J: new Float64Array(1) }), new Float64Array(1))).rejects.toThrow(
      /starting point/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Callbacks
// ---------------------------------------------------------------------------------------------

function state(iteration: number, loss: number, params: Record<string, number> = { a: 1 }): FitState {
  return { iteration, loss, params };
}

describe('callbacks', () => {
  it('printEvery writes one line every n steps', () => {
    const lines: string[] = [];
    const cb = printEvery(3, (l) => lines.push(l));
    for (let i = 1; i <= 7; i++) expect(cb(state(i, 1 / i, { g: 0.5 * i, tau: 20 }))).toBeFalsy();
    expect(lines).toEqual(['step 3: loss 0.333333, g=1.5, tau=20', 'step 6: loss 0.166667, g=3, tau=20']);
    expect(() => printEvery(0)).toThrow(/positive integer/);
  });

  it('saveLoss and saveParameters record every step (parameters by copy)', () => {
    const losses: number[] = [];
    const params: Record<string, number>[] = [];
    const p = { a: 1 };
    const cb = combine(saveLoss(losses), saveParameters(params));
    cb(state(1, 3, p));
    p.a = 2;
    cb(state(2, 2, p));
    expect(losses).toEqual([3, 2]);
    expect(params).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('stopAtLoss stops once the loss reaches the target', () => {
    const cb = stopAtLoss(0.1);
    expect(cb(state(1, 0.5))).toBe(false);
    expect(cb(state(2, 0.1))).toBe(true);
    expect(cb(state(3, 0.01))).toBe(true);
  });

  it('stopOnPlateau stops after exactly `patience` non-improving steps', () => {
    const cb = stopOnPlateau({ patience: 3 });
    const run = (losses: number[]) => losses.map((l, i) => cb(state(i + 1, l)));
    // 10 → 9 improves; then three steps without improvement (a relative gain of 1e-8 is below
    // the default minDelta of 1e-6).
    expect(run([10, 9, 9, 9.5, 9 * (1 - 1e-8)])).toEqual([false, false, false, false, true]);

    const cb2 = stopOnPlateau({ patience: 2, minDelta: 0.1 });
    const out = [10, 9.5, 8, 7.9, 7.5, 7.4, 7.3].map((l, i) => cb2(state(i + 1, l)));
    // 9.5 is not 10 % better than 10; 8 is; 7.9 not; 7.5 not (6.25 %) → stop at the 2nd.
    expect(out).toEqual([false, false, false, false, true, true, true]);
    expect(() => stopOnPlateau({ patience: 0 })).toThrow(/patience/);
  });

  it('stopOnPlateau counts a non-finite loss as no improvement and resets on improvement', () => {
    const cb = stopOnPlateau({ patience: 2 });
    expect([5, NaN, 4, Infinity, 4, 3].map((l, i) => cb(state(i + 1, l)))).toEqual([false, false, false, false, true, false]);
  });

  it('combine runs every callback and stops if any asked', () => {
    const calls: string[] = [];
    const make = (name: string, stop: boolean): Callback => () => {
      calls.push(name);
      return stop;
    };
    expect(combine(make('a', false), make('b', true), make('c', false))(state(1, 1))).toBe(true);
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(combine(make('d', false), () => undefined)(state(1, 1))).toBe(false);
    expect(combine()(state(1, 1))).toBe(false);
  });
});
