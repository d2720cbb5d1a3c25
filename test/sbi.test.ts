import { describe, expect, it } from 'vitest';
import { BoxUniform, IndependentNormal, LogUniformBox, NPE, Posterior, c2st, type Prior } from '../src/index.ts';
import { seededStream } from '../src/numeric/random.ts';
import { gaussian } from '../src/numeric/random.ts';

// A well-specified 2-D problem with a known posterior: θ ~ N(0, I), x = θ + N(0, 0.5²·I),
// so θ | x ~ N(0.8·x, 0.2·I).
const prior = new IndependentNormal([0, 0], [1, 1]);
function simulate(theta: number[][], seed: string): number[][] {
  const u = seededStream(seed);
  return theta.map((t) => t.map((v) => v + 0.5 * gaussian(u)));
}
function data(n: number, seed: string): { theta: number[][]; x: number[][] } {
  const theta = prior.sample(n, seededStream(`${seed}:theta`));
  return { theta, x: simulate(theta, `${seed}:x`) };
}

describe('priors', () => {
  it('sample inside their support and give log densities', () => {
    const u = seededStream(1);
    const box = new BoxUniform([-1, 0], [1, 2]);
    const draws = box.sample(500, u);
    expect(draws.every(([a, b]) => a! >= -1 && a! <= 1 && b! >= 0 && b! <= 2)).toBe(true);
    expect(box.logProb([[0, 1], [2, 1]])).toEqual([-Math.log(4), -Infinity]);
    const lu = new LogUniformBox([0.1], [10]);
    const l = lu.sample(2000, u).map(([v]) => Math.log10(v!));
    expect(l.filter((v) => v < 0).length / 2000).toBeGreaterThan(0.45);
    expect(lu.logProb([[1]])[0]).toBeCloseTo(-Math.log(Math.log(100)), 12);
    expect(prior.logProb([[0, 0]])[0]).toBeCloseTo(-Math.log(2 * Math.PI), 12);
  });

  it('reject non-finite or inverted bounds and objects that are not priors', () => {
    expect(() => new BoxUniform([0, -Infinity], [1, 1])).toThrow(/low\[1\].*finite/);
    expect(() => new BoxUniform([0, 0], [1, NaN])).toThrow(/finite/);
    expect(() => new BoxUniform([1], [0])).toThrow(/must exceed/);
    expect(() => new LogUniformBox([0], [1])).toThrow(/0 < low/);
    expect(() => new NPE({ prior: { dim: 2 } as unknown as Prior })).toThrow(/sample\(n, random\)/);
  });
});

describe('NPE: bad input, each a clear error', () => {
  it('θ rows of the wrong dimension for the prior', () => {
    const npe = new NPE({ prior });
    expect(() => npe.appendSimulations([[1, 2, 3]], [[0]])).toThrow(/θ row 0 has 3 values but the prior has dimension 2/);
  });

  it('x rows of different lengths', () => {
    const npe = new NPE({ prior });
    expect(() => npe.appendSimulations([[0, 0], [1, 1]], [[0, 0], [1]])).toThrow(/x rows have different lengths \(row 1 has 1/);
    npe.appendSimulations([[0, 0]], [[1, 2]]);
    expect(() => npe.appendSimulations([[0, 0]], [[1, 2, 3]])).toThrow(/different lengths/);
  });

  it('drops and counts rows with NaN/Inf; every simulation invalid is an error', async () => {
    const npe = new NPE({ prior });
    expect(npe.appendSimulations([[0, 0], [1, NaN], [0, 1]], [[1, 2], [1, 2], [Infinity, 0]])).toEqual({ added: 1, dropped: 2 });
    const bad = new NPE({ prior });
    bad.appendSimulations([[0, 0], [1, 1]], [[NaN, 1], [1, Infinity]]);
    await expect(bad.train()).rejects.toThrow(/all 2 simulations are invalid \(NaN or ±Infinity/);
    await expect(new NPE({ prior }).train()).rejects.toThrow(/no simulations/);
  });

  it('unknown density estimator, bad training options and x_o of the wrong length', async () => {
    expect(() => new NPE({ prior, densityEstimator: 'realnvp' as never })).toThrow(/unknown densityEstimator 'realnvp' \(available: maf, nsf, mdn\)/);
    const { theta, x } = data(200, 'small');
    const npe = new NPE({ prior, seed: 1 });
    npe.appendSimulations(theta, x);
    await expect(npe.train({ batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    const posterior = await npe.train({ maxEpochs: 2 });
    expect(() => posterior.sample(10, { x: [1] })).toThrow(/give \{ x \} with 2 values/);
    expect(() => Posterior.fromJSON(posterior.toJSON(), new BoxUniform([0], [1]))).toThrow(/prior has dimension 1 but the posterior is over 2/);
  });

  it('near-zero acceptance names leakage; under 1 % warns', { timeout: 120_000 }, async () => {
    const { theta, x } = data(500, 'leak');
    const npe = new NPE({ prior, seed: 1 });
    npe.appendSimulations(theta, x);
    const json = (await npe.train({ maxEpochs: 5 })).toJSON();
    const tiny = Posterior.fromJSON(json, new BoxUniform([0.999, 0.999], [1, 1]));
    expect(() => tiny.sample(100, { x: [0, 0] })).toThrow(/leakage: only \d+ of \d+ draws .* fall inside the prior's support/);
    const small = Posterior.fromJSON(json, new BoxUniform([-0.1, -0.1], [0.1, 0.1]));
    const warnings: string[] = [];
    small.sample(20, { x: [3, 3], onWarning: (m) => warnings.push(m) });
    expect(small.acceptanceRate).toBeLessThan(0.01);
    expect(warnings.join()).toMatch(/posterior leakage: only .* % of draws fall inside the prior's support/);
  });
});

describe('NPE on a well-specified Gaussian problem', () => {
  it('is seeded: same seed and data, same posterior and draws, with one thread or two; saved and loaded it gives the same densities; with warmStart a second round starts from the first round\'s weights', { timeout: 120_000 }, async () => {
    const { theta, x } = data(1000, 'seed');
    const train = async (seed: number) => {
      const npe = new NPE({ prior, seed });
      npe.appendSimulations(theta, x);
      return npe.train({ maxEpochs: 3 });
    };
    const [a, b, c] = [await train(1), await train(1), await train(2)];
    expect(a.sample(5, { x: [0.5, 0] })).toEqual(b.sample(5, { x: [0.5, 0] }));
    // each batch's gradient is the mean of its two halves' whether a second thread computes one of them or not
    for (const densityEstimator of ['maf', 'nsf', 'mdn'] as const) {
      const weights = async (threads: 1 | 2) => {
        const npe = new NPE({ prior, seed: 1, densityEstimator });
        npe.appendSimulations(theta, x);
        return (await npe.train({ maxEpochs: 3, threads })).toJSON();
      };
      expect(await weights(2), densityEstimator).toEqual(await weights(1));
    }
    // warmStart: a second round continues from the first's weights (sbi's retrain_from_scratch=False); the first posterior keeps its own
    const rounds = new NPE({ prior, seed: 1 });
    rounds.appendSimulations(theta.slice(0, 500), x.slice(0, 500));
    const first = await rounds.train({ maxEpochs: 30 });
    const probe = [[0.1, 0.2], [-1, 0.5]];
    const before = first.logProb(probe, { x: [0.5, 0] });
    const firstBest = rounds.lastTraining!.bestValidationLoss;
    rounds.appendSimulations(theta.slice(500), x.slice(500));
    await rounds.train({ maxEpochs: 1, warmStart: true });
    const warm = rounds.lastTraining!.validationLosses[0]!;
    await rounds.train({ maxEpochs: 1 });
    const cold = rounds.lastTraining!.validationLosses[0]!;
    expect(first.logProb(probe, { x: [0.5, 0] })).toEqual(before);
    // one epoch after the first round's best (1.41 here): 1.29 warm, 2.82 from scratch
    expect(warm).toBeLessThan(firstBest);
    expect(cold - warm).toBeGreaterThan(1);
    const three = new NPE({ prior });
    three.appendSimulations(theta, x);
    await expect(three.train({ threads: 3 as never })).rejects.toThrow(/NPE.train: threads must be 1 or 2 \(got 3\)/);
    expect(a.sample(5, { x: [0.5, 0] })).not.toEqual(c.sample(5, { x: [0.5, 0] }));
    const again = Posterior.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), prior);
    const pts = [[0.1, 0.2], [-1, 0.5]];
    expect(again.logProb(pts, { x: [0.5, 0] })).toEqual(a.logProb(pts, { x: [0.5, 0] }));
  });

  // θ ~ U(0, 1)², x = θ + N(0, 0.1²·I), x_o = (0.95, 0.5): the posterior of θ1 is a normal cut
  // off by the prior's bound at 1 (mean 0.95 − 0.1·φ(0.5)/Φ(0.5) = 0.8991), that of θ2 ≈ N(0.5, 0.1²)
  it('logitTheta: a posterior piled against the bound has no leakage, integrates to 1 over the box and has the truncated mean', { timeout: 300_000 }, async () => {
    const box = new BoxUniform([0, 0], [1, 1]);
    const theta = box.sample(3000, seededStream('logit:theta'));
    const u = seededStream('logit:x');
    const x = theta.map((t) => t.map((v) => v + 0.1 * gaussian(u)));
    // the MDN trains in seconds; the logit map lives in NPE and Posterior, the same for every estimator
    const npe = new NPE({ prior: box, seed: 1, densityEstimator: 'mdn', logitTheta: true });
    npe.appendSimulations(theta, x);
    const posterior = await npe.train();
    const xo = [0.95, 0.5];
    const draws = posterior.sample(5000, { x: xo });
    expect(posterior.acceptanceRate).toBe(1);
    const mean = (i: number) => draws.reduce((s, d) => s + d[i]!, 0) / draws.length;
    expect(Math.abs(mean(0) - 0.8991)).toBeLessThan(0.03);
    expect(Math.abs(mean(1) - 0.5)).toBeLessThan(0.03);
    // midpoint rule on a 100 × 100 grid: the density (with the logit map's Jacobian) integrates to 1
    const grid: number[][] = [];
    for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) grid.push([(i + 0.5) / 100, (j + 0.5) / 100]);
    const mass = posterior.logProb(grid, { x: xo }).reduce((s, l) => s + Math.exp(l) / 1e4, 0);
    expect(Math.abs(mass - 1)).toBeLessThan(0.03);
    const again = Posterior.fromJSON(JSON.parse(JSON.stringify(posterior.toJSON())), box);
    expect(again.logProb([[0.9, 0.5]], { x: xo })).toEqual(posterior.logProb([[0.9, 0.5]], { x: xo }));
    expect(() => new NPE({ prior, logitTheta: true })).toThrow(/logitTheta needs a BoxUniform prior/);
  });

  for (const densityEstimator of ['maf', 'mdn'] as const) {
    it(`${densityEstimator}: posterior mean, SD and MAP match θ | x ~ N(0.8·x, 0.2·I); coverage within ±5 % of nominal`, async () => {
      const { theta, x } = data(3000, `gauss-${densityEstimator}`);
      const npe = new NPE({ prior, seed: 1, densityEstimator });
      npe.appendSimulations(theta, x);
      const posterior = await npe.train();
      expect(npe.lastTraining!.stopReason).toMatch(/not improved for 20 epochs/);
      const xo = [1, -0.5];
      const draws = posterior.sample(5000, { x: xo });
      expect(posterior.acceptanceRate).toBe(1); // a normal prior's support is everywhere
      for (let i = 0; i < 2; i++) {
        const col = draws.map((d) => d[i]!);
        const mean = col.reduce((p, q) => p + q, 0) / col.length;
        const sd = Math.sqrt(col.reduce((p, q) => p + (q - mean) ** 2, 0) / col.length);
        expect(Math.abs(mean - 0.8 * xo[i]!)).toBeLessThan(0.05);
        expect(Math.abs(sd / Math.sqrt(0.2) - 1)).toBeLessThan(0.1);
      }
      // the mode of a learned density is less certain than its mean: within a third of the posterior SD (0.45)
      const map = posterior.map({ x: xo });
      expect(Math.abs(map[0]! - 0.8)).toBeLessThan(0.15);
      expect(Math.abs(map[1]! + 0.4)).toBeLessThan(0.15);
      const test = data(1000, `gauss-${densityEstimator}-held-out`);
      const cov = posterior.coverage(test.theta, test.x, { samples: 100 });
      cov.levels.forEach((p, k) => expect(Math.abs(cov.expected[k]! - p), `coverage at ${p}`).toBeLessThanOrEqual(0.05));
      expect(cov.miscalibrated).toBe(false);
      expect(cov.ranks).toHaveLength(1000);
      // SBC ranks of a calibrated posterior are uniform on 0..100: their mean is ≈ 50
      const meanRank = cov.ranks.reduce((s, r) => s + r[0]!, 0) / cov.ranks.length;
      expect(Math.abs(meanRank - 50)).toBeLessThan(4);
    }, 300_000);
  }

  it('c2st: 0.5 for two samples of one distribution, 1 for disjoint ones', { timeout: 120_000 }, () => {
    const u = seededStream(9);
    const A = Array.from({ length: 1000 }, () => [gaussian(u), gaussian(u)]);
    const B = Array.from({ length: 1000 }, () => [gaussian(u), gaussian(u)]);
    const C = B.map(([a, b]) => [a! + 10, b!]);
    expect(Math.abs(c2st(A, B) - 0.5)).toBeLessThan(0.05);
    expect(c2st(A, C)).toBeGreaterThan(0.99);
  });
});
