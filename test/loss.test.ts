import { describe, expect, it } from 'vitest';
import { coincidenceFactor, detectSpikes, isiDistance, latencyDistance, mse, rmse, spikeCountError, spikeTimeDistance, sweepLoss, subthresholdRmse } from '../src/loss/index.ts';

describe('trace losses', () => {
  it('mse and rmse', () => {
    expect(mse([1, 2, 3], [1, 2, 5])).toBeCloseTo(4 / 3, 15);
    expect(rmse([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 15);
    expect(() => mse([1], [1, 2])).toThrow(/differ in length/);
  });
});

describe('spike trains', () => {
  it('detects upward threshold crossings with interpolation', () => {
    const t = [0, 1, 2, 3, 4, 5];
    const v = [-60, -30, 10, 20, -50, -10];
    expect(Array.from(detectSpikes(t, v, -20))).toEqual([1.25, 4 + 30 / 40]);
  });

  it('coincidence factor: 1 for identical trains, about 0 for chance, penalises missing spikes', () => {
    const data = Array.from({ length: 50 }, (_, k) => 20 * k + 5);
    expect(coincidenceFactor(data, data, 1000)).toBeCloseTo(1, 12);
    // shifted by less than delta: still coincident
    expect(coincidenceFactor(data.map((t) => t + 1.5), data, 1000)).toBeCloseTo(1, 12);
    // shifted by half the period: no coincidence, below chance
    expect(coincidenceFactor(data.map((t) => t + 10), data, 1000)).toBeLessThan(0);
    // half the spikes: Gamma = (25 - 2*0.025*2*50) / (0.5 * 75) / (1 - 0.1)
    const half = data.filter((_, k) => k % 2 === 0);
    expect(coincidenceFactor(half, data, 1000)).toBeCloseTo((25 - 2 * 0.025 * 2 * 50) / 37.5 / 0.9, 12);
    // random trains at the same rate: about 0 on average
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const gammas = Array.from({ length: 200 }, () => {
      const train = Array.from({ length: 50 }, () => rnd() * 1000).sort((a, b) => a - b);
      return coincidenceFactor(train, data, 1000);
    });
    expect(Math.abs(gammas.reduce((a, b) => a + b) / gammas.length)).toBeLessThan(0.05);
  });

  it('spike-time distance grows smoothly with a shift and counts unpaired spikes', () => {
    const data = [10, 30, 50];
    expect(spikeTimeDistance(data, data)).toBe(0);
    expect(spikeTimeDistance([11, 31, 51], data, 10)).toBeCloseTo(0.01, 12);
    expect(spikeTimeDistance([12, 32, 52], data, 10)).toBeCloseTo(0.04, 12);
    expect(spikeTimeDistance([10, 30], data, 10)).toBeCloseTo(1 / 3, 12);
    // a pair far apart costs no more than a missing spike
    expect(spikeTimeDistance([10, 30, 90], data, 10)).toBeCloseTo(1 / 3, 12);
    expect(spikeCountError([1, 2], [1, 2, 3, 4])).toBe(1);
  });

  it('sweep loss leaves spikes out of the voltage term', () => {
    const times = Array.from({ length: 100 }, (_, k) => k);
    const data = { times, v: times.map(() => -70), spikes: [50] };
    const model = { times, v: times.map((t) => (t >= 48 && t <= 60 ? 0 : -65)), spikes: [50] };
    expect(subthresholdRmse(times, model.v, data.v, [model.spikes, data.spikes], [2, 10])).toBeCloseTo(5, 12);
    expect(sweepLoss(model, data, { voltageScale: 5 })).toBeCloseTo(1, 12);
    // a 2 ms late spike: (2/10)^2 from the spike time, (2/5)^2 from the latency
    expect(sweepLoss({ ...model, spikes: [52] }, data, { voltageScale: 5, tau: 10 })).toBeCloseTo(1 + 0.04 + 0.16, 12);
  });

  it('ISI distance compares intervals relative to the data, without carrying errors forward', () => {
    const data = [10, 30, 50, 70];
    expect(isiDistance(data, data)).toBe(0);
    // first interval 10% too long, the rest right: only one of three intervals is off
    expect(isiDistance([10, 32, 52, 72], data, 0.05)).toBeCloseTo((Math.log(1.1) / 0.05) ** 2 / 3, 12);
    // capped per interval; a missing interval costs the cap, so silence never pays
    expect(isiDistance([10, 100, 120, 140], data, 0.1, 25)).toBeCloseTo(25 / 3, 12);
    expect(isiDistance([10, 30], data, 0.1, 25)).toBeCloseTo(50 / 3, 12);
    expect(isiDistance([10], data, 0.1, 25)).toBe(25);
    expect(latencyDistance([], [5])).toBe(25);
    expect(latencyDistance([7], [5], 5)).toBeCloseTo(0.16, 12);
  });
});

describe('spike-train distances', () => {
  it('van Rossum: 0 for identical trains, analytic values for one spike', async () => {
    const { vanRossumDistance } = await import('../src/loss/index.ts');
    expect(vanRossumDistance([10, 50], [10, 50])).toBe(0);
    // one spike vs none: D² = ½; one spike shifted by d: D² = 1 - e^{-d/tau}
    expect(vanRossumDistance([10], [], 10)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vanRossumDistance([10], [15], 10)).toBeCloseTo(Math.sqrt(1 - Math.exp(-0.5)), 12);
  });

  it('van Rossum equals a direct numerical convolution to 1e-9 (random trains, unsorted, shared spikes)', async () => {
    const { vanRossumDistance } = await import('../src/loss/index.ts');
    const seedrandom = (await import('seedrandom')).default;
    const rng = seedrandom('van-rossum');
    // f(t) = Σ_{s <= t} e^{-(t - s)/tau}, filtered directly; (1/tau) ∫ (f - g)² dt by composite Simpson
    // on pieces between spikes (the integrand is smooth there), to 60 tau past the last spike
    const direct = (a: number[], b: number[], tau: number) => {
      const f = (train: number[], t: number) => train.reduce((s, x) => (x <= t ? s + Math.exp(-(t - x) / tau) : s), 0);
      const cuts = [...new Set([...a, ...b])].sort((x, y) => x - y);
      cuts.push(cuts[cuts.length - 1]! + 60 * tau);
      let integral = 0;
      for (let k = 0; k + 1 < cuts.length; k++) {
        const [lo, hi] = [cuts[k]!, cuts[k + 1]!];
        const n = 2 * Math.ceil(((hi - lo) / tau) * 200);
        const h = (hi - lo) / n;
        // evaluate just inside the piece, so a spike at its left edge counts and one at its right does not
        const sq = (t: number) => (f(a, Math.min(Math.max(t, lo), hi - 1e-12)) - f(b, Math.min(Math.max(t, lo), hi - 1e-12))) ** 2;
        let s = sq(lo) + sq(hi);
        for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * sq(lo + i * h);
        integral += (s * h) / 3;
      }
      return Math.sqrt(integral / tau);
    };
    for (let trial = 0; trial < 6; trial++) {
      const n = 3 + Math.floor(rng() * 12);
      const a = Array.from({ length: n }, () => Math.round(rng() * 5000) / 10);
      const b = [...a.slice(0, 2), ...Array.from({ length: n - 1 }, () => Math.round(rng() * 5000) / 10)]; // two shared spikes
      a.reverse(); // unsorted input
      const tau = [2, 10, 25][trial % 3]!;
      const want = direct(a, b, tau);
      expect(Math.abs(vanRossumDistance(a, b, tau) - want) / want).toBeLessThan(1e-9);
    }
  });

  it('Victor–Purpura: insert/delete cost 1, a shift costs q|Δt| up to 2', async () => {
    const { victorPurpuraDistance } = await import('../src/loss/index.ts');
    expect(victorPurpuraDistance([], [1, 2, 3], 0.1)).toBe(3);
    expect(victorPurpuraDistance([10], [13], 0.1)).toBeCloseTo(0.3, 12);
    expect(victorPurpuraDistance([10], [40], 0.1)).toBe(2); // cheaper to delete and insert
    expect(victorPurpuraDistance([10, 20], [11, 20, 90], 0.1)).toBeCloseTo(1.1, 12);
  });

  it('ISI distance: 0 for identical trains, |1/2 - 1| for twice the rate', async () => {
    const { isiDistanceKreuz } = await import('../src/loss/index.ts');
    const slow = Array.from({ length: 10 }, (_, k) => 20 * k);
    const fast = Array.from({ length: 20 }, (_, k) => 10 * k);
    expect(isiDistanceKreuz(slow, slow, 0, 200)).toBe(0);
    expect(isiDistanceKreuz(fast, slow, 0, 200)).toBeCloseTo(0.5, 12);
  });

  it('ISI distance equals its definition evaluated interval by interval', async () => {
    const { isiDistanceKreuz } = await import('../src/loss/index.ts');
    // the definition: on each piece between consecutive edges of either train, the
    // interval of each train containing the piece's midpoint
    const definition = (a: number[], b: number[], start: number, end: number) => {
      const edges = (x: number[]) => [start, ...[...x].sort((p, q) => p - q).filter((t) => t > start && t < end), end];
      const [ea, eb] = [edges(a), edges(b)];
      const cuts = [...new Set([...ea, ...eb])].sort((p, q) => p - q);
      const interval = (e: number[], t: number) => {
        const k = e.findIndex((x, i) => x <= t && t < e[i + 1]!);
        return e[k + 1]! - e[k]!;
      };
      let sum = 0;
      for (let k = 0; k + 1 < cuts.length; k++) {
        const mid = (cuts[k]! + cuts[k + 1]!) / 2;
        const [ia, ib] = [interval(ea, mid), interval(eb, mid)];
        sum += (1 - Math.min(ia, ib) / Math.max(ia, ib)) * (cuts[k + 1]! - cuts[k]!);
      }
      return sum / (end - start);
    };
    const a = [12, 40, 41.5, 90, 130, 171, 250];
    const b = [5, 40, 77, 120, 121, 180, 199, 260];
    expect(isiDistanceKreuz(a, b, 0, 300)).toBeCloseTo(definition(a, b, 0, 300), 12);
    expect(isiDistanceKreuz([...a].reverse(), b, 20, 200)).toBeCloseTo(definition(a, b, 20, 200), 12);
    expect(isiDistanceKreuz([], b, 0, 300)).toBeCloseTo(definition([], b, 0, 300), 12);
  });

  it('intrinsic reliability normalises Γ: trials that jitter by more than Δ lower the bar', async () => {
    const { intrinsicReliability, normalizedCoincidenceFactor, coincidenceFactor } = await import('../src/loss/index.ts');
    const base = Array.from({ length: 40 }, (_, k) => 25 * k + 5);
    const trials = [base, base.map((t, k) => t + (k % 2 ? 3 : 0)), base.map((t, k) => t + (k % 3 ? 0 : 3))];
    const R = intrinsicReliability(trials, 1000);
    expect(R).toBeLessThan(1);
    expect(R).toBeGreaterThan(0.3);
    const g = trials.reduce((s, tr) => s + coincidenceFactor(base, tr, 1000), 0) / 3;
    expect(normalizedCoincidenceFactor(base, trials, 1000)).toBeCloseTo(g / R, 12);
    expect(() => intrinsicReliability([base], 1000)).toThrow(/at least two trials/);
  });
});

describe('feature loss', () => {
  it('sums capped mean absolute z-scores; missing features score the cap', async () => {
    const { featureLoss } = await import('../src/loss/index.ts');
    const targets = { Spikecount: { mean: 6, sd: 1 }, ISI_values: { mean: 100, sd: 10 }, voltage_base: -75 };
    expect(featureLoss({ Spikecount: 6, ISI_values: [100, 100], voltage_base: -75 }, targets)).toBe(0);
    // |8-6|/1 + mean(|90-100|, |130-100|)/10 + |-67.5+75| / 7.5
    expect(featureLoss({ Spikecount: 8, ISI_values: [90, 130], voltage_base: -67.5 }, targets)).toBeCloseTo(2 + 2 + 1, 12);
    expect(featureLoss({ Spikecount: 6, ISI_values: null, voltage_base: -75 }, targets)).toBe(250);
    expect(featureLoss({ Spikecount: 600, ISI_values: [], voltage_base: -75 }, targets, { maxScore: 50 })).toBe(100);
  });
});

describe('soft coincidence (the default loss for fluctuating input)', () => {
  it('is 1 for identical trains and exp(-½(Δ/δ)²) per pair, with Γ’s chance level', async () => {
    const { softCoincidenceFactor } = await import('../src/loss/index.ts');
    const data = Array.from({ length: 50 }, (_, k) => 10 + 20 * k);
    expect(softCoincidenceFactor(data, data, 1000)).toBeCloseTo(1, 12);
    // every spike 1 ms late: coincidences 50·e^{-1/8}; rate 0.05/ms, expected 2·0.05·2·50 = 10; norm 1 - 0.2
    const late = data.map((t) => t + 1);
    expect(softCoincidenceFactor(late, data, 1000)).toBeCloseTo((50 * Math.exp(-0.125) - 10) / 50 / 0.8, 12);
    // within the hard window, hard Γ says 1; the soft one still sees the shift
    expect(coincidenceFactor(late, data, 1000)).toBeCloseTo(1, 12);
  });

  it('never rewards a model that fires at every step (Γ’s normalisation kept positive)', async () => {
    const { softCoincidenceFactor } = await import('../src/loss/index.ts');
    const data = [100, 300, 500];
    const burst = Array.from({ length: 4000 }, (_, k) => k * 0.25); // 4 kHz
    expect(coincidenceFactor(burst, data, 1000)).toBeLessThan(0);
    expect(softCoincidenceFactor(burst, data, 1000)).toBeLessThan(0);
  });

  it('its spike-time derivative matches finite differences', async () => {
    const { softCoincidence } = await import('../src/loss/coincidence.ts');
    const data = [10, 30, 52, 80];
    const model = [10.7, 29.1, 53.5, 79.6, 95];
    const { dModel } = softCoincidence(model, data, 100);
    for (let k = 0; k < model.length; k++) {
      const h = 1e-6;
      const up = model.map((t, i) => (i === k ? t + h : t));
      const down = model.map((t, i) => (i === k ? t - h : t));
      const fd = (softCoincidence(up, data, 100).gamma - softCoincidence(down, data, 100).gamma) / (2 * h);
      expect(dModel[k]!).toBeCloseTo(fd, 7);
    }
  });

  it('coincidenceLoss = 1 - Γ_soft + weight·(subthreshold RMSE / scale)²', async () => {
    const { coincidenceLoss, softCoincidenceFactor } = await import('../src/loss/index.ts');
    const times = Array.from({ length: 1000 }, (_, k) => k * 0.1);
    const data = { times, v: times.map(() => -70), spikes: [50] };
    const model = { times, v: times.map(() => -65), spikes: [51] };
    const expected = 1 - softCoincidenceFactor([51], [50], 100) + 0.1 * (5 / 5) ** 2;
    expect(coincidenceLoss(model, data, 100)).toBeCloseTo(expected, 12);
    expect(coincidenceLoss(model, data, 100, { voltageWeight: 0 })).toBeCloseTo(1 - softCoincidenceFactor([51], [50], 100), 12);
  });
});
