/**
 * Draws each spike into a sampled voltage trace: the first sample at or after the spike
 * time is set to `peak`. Models that reset within the step that crosses their threshold
 * (integrate-and-fire, AdEx, Izhikevich) never show their spikes in the sampled voltage,
 * so a recording-style trace (one that `detectSpikes` or eFEL reads) needs them drawn.
 * Returns a copy; `times` of the samples start at `t0` and are `sampleDt` apart.
 *
 * ```ts
 * const shown = drawSpikes(chunk.values.get('v')!, chunk.spikes[0]!, 0.1, 30);
 * ```
 */
export function drawSpikes(v: ArrayLike<number>, spikes: ArrayLike<number>, sampleDt: number, peak: number, t0 = 0): Float64Array {
  const out = Float64Array.from(v);
  for (let k = 0; k < spikes.length; k++) {
    const r = Math.ceil((spikes[k]! - t0) / sampleDt - 1e-9);
    if (r >= 0 && r < out.length) out[r] = peak;
  }
  return out;
}

/**
 * True for models whose spike ends in a reset, whose sampled voltage therefore never shows it.
 *
 * ```ts
 * resetsAtSpike(lif);           // true: its spikes need drawSpikes
 * resetsAtSpike(hodgkinHuxley); // false
 * ```
 */
export function resetsAtSpike(model: { spec: { spike?: unknown; reset: readonly unknown[] } }): boolean {
  return model.spec.spike !== undefined && model.spec.reset.length > 0;
}
