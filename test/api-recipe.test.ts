import { describe, expect, it } from 'vitest';
import { fitRecording } from '../examples/fit-recording-api.ts';

describe("the README's recipe for fitting a recording with OptNeuron", () => {
  it('recovers the parameters the example sweeps were made with', async () => {
    const fit = await fitRecording({ maxEvals: 2000, seed: 1, resultsFile: false });
    const truth: Record<string, number> = { a: 0.02, b: 0.2, c: -65, d: 8 };
    for (const [p, value] of Object.entries(truth)) expect(Math.abs(fit.params[p]! - value) / Math.abs(value)).toBeLessThan(0.02);
  }, 120_000);
});
