import { describe, expect, it } from 'vitest';
import { BoxUniform, NPE } from '../src/index.ts';
import { NSF } from '../src/sbi/nsf.ts';
import { gaussian, seededStream } from '../src/numeric/random.ts';

/** An NSF moved away from its identity start, so every spline and linear map is non-trivial. */
function perturbed(dim: number, contextDim: number, seed: string): NSF {
  const random = seededStream(seed);
  const nsf = new NSF(dim, contextDim, random, { numTransforms: 3, hiddenFeatures: 8 });
  for (const p of nsf.params()) for (let i = 0; i < p.length; i++) p[i] += 0.6 * (random() - 0.5);
  return nsf;
}

describe('neural spline flow', () => {
  it('parameter and input gradients of the loss match central differences', () => {
    const D = 3;
    const C = 2;
    const n = 5;
    const nsf = perturbed(D, C, 'nsf-grad');
    const random = seededStream('nsf-grad-data');
    const theta = Float64Array.from({ length: n * D }, () => 5 * (random() - 0.5)); // some outside ±3: the linear tails
    const ctx = Float64Array.from({ length: n * C }, () => 2 * (random() - 0.5));
    nsf.zeroGrad();
    const inputGrad = new Float64Array(n * D);
    nsf.loss(theta, ctx, n, true, inputGrad);
    const h = 1e-6;
    const grads = nsf.grads();
    let checked = 0;
    nsf.params().forEach((p, k) => {
      const g = grads[k]!;
      // every parameter of the small arrays, a spread of the large ones
      const step = Math.max(1, Math.floor(p.length / 12));
      for (let i = 0; i < p.length; i += step) {
        const keep = p[i]!;
        p[i] = keep + h;
        const up = nsf.loss(theta, ctx, n, false);
        p[i] = keep - h;
        const down = nsf.loss(theta, ctx, n, false);
        p[i] = keep;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(g[i]! - fd), `array ${k}, entry ${i}: ${g[i]} vs ${fd}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(100);
    for (let i = 0; i < n * D; i++) {
      const keep = theta[i]!;
      theta[i] = keep + h;
      const up = nsf.loss(theta, ctx, n, false);
      theta[i] = keep - h;
      const down = nsf.loss(theta, ctx, n, false);
      theta[i] = keep;
      expect(inputGrad[i]).toBeCloseTo((up - down) / (2 * h), 6);
    }
  });

  it('its density integrates to 1 and its draws have the moments of that density', () => {
    const nsf = perturbed(2, 1, 'nsf-mass');
    const ctx = new Float64Array([0.4]);
    // midpoint rule over [−8, 8]²
    const m = 320;
    const step = 16 / m;
    const grid = new Float64Array(m * m * 2);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) grid.set([-8 + (i + 0.5) * step, -8 + (j + 0.5) * step], 2 * (i * m + j));
    const lp = nsf.logProb(grid, new Float64Array(m * m).fill(0.4), m * m);
    let mass = 0;
    const mean = [0, 0];
    for (let k = 0; k < m * m; k++) {
      const p = Math.exp(lp[k]!) * step * step;
      mass += p;
      mean[0] += p * grid[2 * k]!;
      mean[1] += p * grid[2 * k + 1]!;
    }
    expect(Math.abs(mass - 1)).toBeLessThan(2e-3);
    const n = 40_000;
    const draws = nsf.sample(n, ctx, seededStream('nsf-draws'));
    for (let i = 0; i < 2; i++) {
      let s = 0;
      let s2 = 0;
      for (let r = 0; r < n; r++) {
        s += draws[2 * r + i]!;
        s2 += draws[2 * r + i]! ** 2;
      }
      const sd = Math.sqrt(s2 / n - (s / n) ** 2);
      // within 4 standard errors of the grid's mean
      expect(Math.abs(s / n - mean[i]! / mass)).toBeLessThan((4 * sd) / Math.sqrt(n));
    }
  });

  it('refuses spline settings it cannot honour', () => {
    expect(() => new NPE({ prior: new BoxUniform([0], [1]), densityEstimator: 'nsf', numBins: 100 })).toThrow('NPE: numBins must be an integer from 2 to 64 (got 100)');
    expect(() => new NSF(2, 1, seededStream(1), { numBins: 1.5 })).toThrow('NSF: numBins must be an integer from 2 to 64 (got 1.5)');
    expect(() => new NSF(2, 1, seededStream(1), { tailBound: 0 })).toThrow('NSF: tailBound must be a finite number > 0 (got 0)');
  });

  it('saved and loaded, it gives the same densities and the same draws', () => {
    const nsf = perturbed(3, 2, 'nsf-roundtrip');
    const ctx = new Float64Array([0.3, -1]);
    const draws = nsf.sample(4, ctx, seededStream('rt'));
    const again = NSF.fromJSON(JSON.parse(JSON.stringify(nsf.toJSON())));
    const ctxs = new Float64Array(8);
    for (let r = 0; r < 4; r++) ctxs.set(ctx, 2 * r);
    expect(Array.from(again.logProb(draws, ctxs, 4))).toEqual(Array.from(nsf.logProb(draws, ctxs, 4)));
    expect(Array.from(again.sample(4, ctx, seededStream('rt')))).toEqual(Array.from(draws));
  });

  it('NPE with it finds both modes of a sign-symmetric posterior in equal measure', async () => {
    // x = (θ1² + ε, θ2 + ε), ε ~ N(0, 0.1²): at x_o = (1, 0.5), θ1 is ±1 (SD ≈ 0.05) with equal weight and θ2 ≈ 0.5 (SD 0.1)
    const prior = new BoxUniform([-2, -2], [2, 2]);
    const theta = prior.sample(5000, seededStream('modes:theta'));
    const u = seededStream('modes:x');
    const x = theta.map(([a, b]) => [a! * a! + 0.1 * gaussian(u), b! + 0.1 * gaussian(u)]);
    const npe = new NPE({ prior, densityEstimator: 'nsf', seed: 1 });
    npe.appendSimulations(theta, x);
    const posterior = await npe.train();
    const draws = posterior.sample(4000, { x: [1, 0.5] });
    const right = draws.filter((d) => d[0]! > 0);
    const left = draws.filter((d) => d[0]! < 0);
    const mean = (rows: number[][], i: number) => rows.reduce((s, r) => s + r[i]!, 0) / rows.length;
    expect(Math.abs(right.length / draws.length - 0.5)).toBeLessThan(0.06);
    expect(Math.abs(mean(right, 0) - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(left, 0) + 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(draws, 1) - 0.5)).toBeLessThan(0.05);
    // almost nothing between the modes: a single affine flow would put mass there
    expect(draws.filter((d) => Math.abs(d[0]!) < 0.5).length / draws.length).toBeLessThan(0.03);
  }, 300_000);
});
