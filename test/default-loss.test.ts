import { describe, expect, it } from 'vitest';
import { chooseTraceLoss } from '../src/fit/trace-fit.ts';
import { ouCurrent, syntheticSweeps } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';

describe('the default loss of fit-trace, chosen by the stimulus', () => {
  it('steps get the sweep loss, a fluctuating current the coincidence loss', () => {
    const steps = syntheticSweeps(izhikevich, { amplitudes: [10, 15], start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1 });
    expect(chooseTraceLoss(steps).loss).toBe('sweep');
    const I = ouCurrent({ mean: 5, sd: 3, tau: 5, duration: 1000, sampleDt: 0.1, seed: 1 });
    const choice = chooseTraceLoss([{ I }]);
    expect(choice.loss).toBe('coincidence');
    expect(choice.why).toMatch(/fluctuating input/);
  });

  it('the OU current has the asked mean, SD and correlation time', () => {
    const I = ouCurrent({ mean: 142, sd: 237, tau: 5, duration: 200_000, sampleDt: 0.1, seed: 3 });
    const n = I.length;
    const mean = I.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(I.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    // autocorrelation at one τ: e^{-1}
    let c = 0;
    for (let k = 0; k + 50 < n; k++) c += (I[k]! - mean) * (I[k + 50]! - mean);
    const rho = c / (n - 50) / sd ** 2;
    expect(Math.abs(mean - 142)).toBeLessThan(5);
    expect(Math.abs(sd / 237 - 1)).toBeLessThan(0.03);
    expect(Math.abs(rho - Math.exp(-1))).toBeLessThan(0.03);
  });
});
