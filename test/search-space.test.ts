import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { choice, lognormal, loguniform, normal, qloguniform, quniform, RandomSearch, samplePrior, TPE, uniform, validateSpace, type Dimension, type Space } from '../src/search/index.ts';
import { median } from '../src/numeric/quantile.ts';

describe('search space', () => {
  it('constructors reject bad input with messages naming the problem', () => {
    expect(() => uniform(3, 1)).toThrow('uniform: low (3) must be below high (1)');
    expect(() => uniform(1, 1)).toThrow(/must be below high/);
    expect(() => uniform(NaN, 1)).toThrow(/low \(NaN\) must be a finite number/);
    expect(() => uniform(0, Infinity)).toThrow(/high \(Infinity\) must be a finite number/);
    expect(() => loguniform(0, 10)).toThrow(/low \(0\) must be positive/);
    expect(() => loguniform(-1, 10)).toThrow(/bounds are values, not logs/);
    expect(() => quniform(0, 1, 0)).toThrow(/q \(0\) must be a positive finite number/);
    expect(() => quniform(0, 1, -0.1)).toThrow(/q \(-0.1\)/);
    expect(() => quniform(0.2, 0.3, 1)).toThrow(/no multiple of q \(1\) lies within \[0.2, 0.3\]/);
    expect(() => qloguniform(0, 10, 1)).toThrow(/must be positive/);
    expect(() => normal(0, 0)).toThrow('normal: sigma (0) must be a positive finite number');
    expect(() => lognormal(0, -1)).toThrow(/sigma \(-1\)/);
    expect(() => normal(Infinity, 1)).toThrow(/mu \(Infinity\) must be a finite number/);
    expect(() => choice([])).toThrow('choice: options must not be empty');
    expect(() => choice([1, NaN])).toThrow(/option NaN is not a finite number/);
    expect(() => choice([1, 2, 1])).toThrow(/option 1 appears twice/);
  });

  it('validateSpace names the dimension', () => {
    const bad = { a: uniform(0, 1), b: { kind: 'uniform', low: 3, high: 1 } } as Space;
    expect(() => validateSpace(bad)).toThrow("search space: dimension 'b': low (3) must be below high (1)");
    expect(() => validateSpace({})).toThrow('search space: no dimensions');
    expect(() => validateSpace({ c: { kind: 'beta' } as unknown as Dimension })).toThrow(/dimension 'c': unknown kind 'beta'/);
    expect(() => new TPE(bad)).toThrow(/dimension 'b'/);
    expect(() => new RandomSearch(bad)).toThrow(/dimension 'b'/);
    expect(() => validateSpace({ a: uniform(0, 1), q: quniform(0, 10, 2), c: choice([1, 2]) })).not.toThrow();
  });

  it('choice copies its options', () => {
    const options = [1, 2, 3];
    const d = choice(options);
    options[0] = 99;
    expect(d).toEqual({ kind: 'choice', options: [1, 2, 3] });
  });

  it('samplePrior respects bounds, quantisation and log-uniformity', () => {
    const rng = seedrandom.alea('prior');
    const space: Space = {
      u: uniform(-2, 3),
      lu: loguniform(1, 100),
      qu: quniform(1, 10, 2),
      qf: quniform(0, 1, 0.1),
      qlu: qloguniform(1, 1000, 5),
      n: normal(2, 3),
      ln: lognormal(0, 1),
      c: choice([3, 7, 11]),
    };
    const draws = Array.from({ length: 20000 }, () => samplePrior(space, rng));
    const col = (k: string) => draws.map((d) => d[k]!);
    const all = (k: string, ok: (v: number) => boolean) => expect(col(k).filter((v) => !ok(v))).toEqual([]);
    all('u', (v) => v >= -2 && v <= 3);
    all('lu', (v) => v >= 1 && v <= 100);
    // Log-uniform on [1, 100]: median 10 (a uniform prior would give 50.5), a quarter below sqrt(10).
    expect(median(col('lu'))).toBeGreaterThan(9);
    expect(median(col('lu'))).toBeLessThan(11);
    expect(col('lu').filter((v) => v < Math.sqrt(10)).length / draws.length).toBeCloseTo(0.25, 1);
    // quniform(1, 10, 2): multiples of 2 in [1, 10]; [1, 3) rounds to 2 (0 is moved inside), [9, 10] to 10.
    expect(new Set(col('qu'))).toEqual(new Set([2, 4, 6, 8, 10]));
    expect(col('qu').filter((v) => v === 2).length / draws.length).toBeCloseTo(2 / 9, 1);
    all('qf', (v) => v >= 0 && v <= 1 && Math.abs(v / 0.1 - Math.round(v / 0.1)) < 1e-9);
    all('qlu', (v) => v >= 5 && v <= 1000 && v % 5 === 0);
    const n = col('n');
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(sd).toBeCloseTo(3, 1);
    const ln = col('ln');
    expect(Math.min(...ln)).toBeGreaterThan(0);
    expect(median(ln.map(Math.log))).toBeCloseTo(0, 1);
    const c = col('c');
    expect(new Set(c)).toEqual(new Set([3, 7, 11]));
    expect(c.filter((v) => v === 7).length / c.length).toBeCloseTo(1 / 3, 1);
  });
});
