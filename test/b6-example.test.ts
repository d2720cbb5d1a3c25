import { describe, expect, it } from 'vitest';
import { adex } from '../models/index.ts';
import { validateOnSweeps } from '../src/fit/validate.ts';
import { b6Sweep, fitB6, spikeFeatures } from '../examples/fit-b6-igor.ts';

// examples/fit-b6-igor.ts at a modest budget: AdEx fitted to two steps of BluePyEfe's B6 cell,
// read straight from its Igor waves, scored on the three held-out steps.
describe('examples/fit-b6-igor.ts', () => {
  it('fits AdEx to two Igor steps and predicts spike counts, frequency and latency of the three held out', async () => {
    const { fit, scores } = await fitB6({ maxEvals: 1500, seed: 1, workers: 2, resultsFile: false });
    expect(fit.evaluations).toBe(1500);
    expect(scores.map((s) => s.sweep)).toEqual([1, 3, 5]);
    // the data, as the fixture README states: 26, 68 and 89 spikes at about 119, 238 and 353 pA
    expect(scores.map((s) => s.data.count)).toEqual([26, 68, 89]);
    // Measured (seed 1, 1500 evaluations; the same point at 3000): model/data spikes 33/26, 66/68,
    // 97/89; mean frequency 16.7/13.4, 33.5/34.3, 48.7/44.6 Hz; first spike 22.8/40.6, 10.5/12.3,
    // 7.0/7.0 ms after onset — near threshold (119 pA) the model fires its first spike 18 ms early.
    for (const s of scores) {
      expect(Math.abs(s.model.count - s.data.count) / s.data.count, `sweep ${s.sweep} spikes`).toBeLessThan(0.35);
      expect(Math.abs(s.model.meanFrequency! - s.data.meanFrequency!) / s.data.meanFrequency!, `sweep ${s.sweep} mean frequency`).toBeLessThan(0.3);
      expect(Math.abs(s.model.firstSpikeLatency! - s.data.firstSpikeLatency!), `sweep ${s.sweep} first spike`).toBeLessThan(20);
    }
    const countError = (xs: { model: { count: number }; data: { count: number } }[]) => xs.reduce((a, s) => a + Math.abs(s.model.count - s.data.count), 0) / xs.reduce((a, s) => a + s.data.count, 0);
    expect(countError(scores)).toBeLessThan(0.15);
    // the fit, not AdEx's published parameters, makes the prediction: those miss by far more
    const held = await Promise.all([1, 3, 5].map(b6Sweep));
    const naive = await validateOnSweeps(adex, {}, held, { timeStep: 0.05 });
    const naiveScores = held.map((s, k) => ({ model: spikeFeatures(naive.recordings!.model.chunks[k]!.spikes, s.stimulus!.start), data: spikeFeatures(naive.recordings!.data.chunks[k]!.spikes, s.stimulus!.start) }));
    console.log(`held-out spike-count error: fitted ${countError(scores).toFixed(3)}, AdEx defaults ${countError(naiveScores).toFixed(3)}; Γ ${scores.map((s) => s.gamma.toFixed(2)).join(', ')}`);
    expect(countError(scores)).toBeLessThan(countError(naiveScores) / 2);
    // spike timing over a 2 s train of a real cell is not matched (Γ near 0.1): said, not asserted away
    for (const s of scores) expect(Number.isFinite(s.gamma)).toBe(true);
  }, 180_000);
});
