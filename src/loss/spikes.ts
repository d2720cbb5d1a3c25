/**
 * Spike times (ms) of a sampled voltage trace: upward crossings of `threshold`,
 * interpolated linearly between samples. eFEL's default threshold is -20 mV.
 *
 * ```ts
 * detectSpikes([0, 1, 2, 3], [-60, 0, -60, -60]); // Float64Array [0.666…]
 * ```
 */
export function detectSpikes(times: ArrayLike<number>, v: ArrayLike<number>, threshold = -20): Float64Array {
  if (times.length !== v.length) throw new Error(`detectSpikes: ${times.length} times but ${v.length} voltages`);
  const out: number[] = [];
  for (let k = 1; k < v.length; k++) {
    const a = v[k - 1]! - threshold;
    const b = v[k]! - threshold;
    if (a < 0 && b >= 0) out.push(times[k - 1]! + ((times[k]! - times[k - 1]!) * a) / (a - b));
  }
  return Float64Array.from(out);
}

/**
 * Coincidence factor Γ (Kistler et al. 1997; Jolivet et al. 2008): 1 for identical
 * trains, about 0 for a model that fires at the right rate but at chance times.
 * A data spike coincides if a model spike lies within ±`delta` ms (each model spike
 * counts once). `duration` (ms) sets the model's rate for the chance level.
 *
 * ```ts
 * coincidenceFactor([10, 50, 90], [10, 50, 90], 100); // 1
 * coincidenceFactor([30, 70], [10, 50, 90], 100);     // -0.10: none within 2 ms, below chance
 * ```
 */
export function coincidenceFactor(model: ArrayLike<number>, data: ArrayLike<number>, duration: number, delta = 2): number {
  if (!(duration > 0)) throw new Error(`coincidenceFactor: duration must be > 0 ms, got ${duration}`);
  const nModel = model.length;
  const nData = data.length;
  if (nModel === 0 && nData === 0) return 1;
  if (nModel === 0 || nData === 0) return 0;
  let coincidences = 0;
  let j = 0;
  for (let k = 0; k < nData; k++) {
    const t = data[k]!;
    while (j < nModel && model[j]! < t - delta) j++;
    if (j < nModel && model[j]! <= t + delta) {
      coincidences++;
      j++;
    }
  }
  const rate = nModel / duration;
  const expected = 2 * rate * delta * nData;
  const norm = chanceNorm(rate, delta);
  return (coincidences - expected) / (0.5 * (nModel + nData)) / norm;
}

/**
 * Γ's normalisation 1 − 2·rate·δ, kept at 0.1 or more: past a model rate of 1/(2δ) (250 Hz
 * for δ = 2 ms) it would change sign and turn a model that fires at every step into Γ ≫ 1 —
 * a search finds that. Kept positive, such a model's Γ is far below 0.
 */
export function chanceNorm(rate: number, delta: number): number {
  return Math.max(1 - 2 * rate * delta, 0.1);
}

/**
 * A spike-train distance that changes smoothly while spikes move and counts stay
 * equal, so that a search can follow it: spikes are paired in order, and each pair
 * contributes ((t_model - t_data) / tau)^2, at most 1; each unpaired spike contributes 1.
 * The cap keeps the distance monotone: dropping a badly timed spike never pays.
 * Normalised by the number of data spikes (at least 1).
 *
 * ```ts
 * spikeTimeDistance([12, 50], [10, 50]); // 0.02 = (2/10)^2 / 2
 * ```
 */
export function spikeTimeDistance(model: ArrayLike<number>, data: ArrayLike<number>, tau = 10): number {
  const paired = Math.min(model.length, data.length);
  let sum = Math.abs(model.length - data.length);
  for (let k = 0; k < paired; k++) sum += Math.min(((model[k]! - data[k]!) / tau) ** 2, 1);
  return sum / Math.max(1, data.length);
}

/**
 * Relative spike-count error (n_model - n_data)^2 / max(1, n_data).
 *
 * ```ts
 * spikeCountError([10, 20, 30], [10, 20]); // 0.5
 * ```
 */
export function spikeCountError(model: ArrayLike<number>, data: ArrayLike<number>): number {
  return (model.length - data.length) ** 2 / Math.max(1, data.length);
}

/**
 * Interspike intervals compared in order: for each interval of the data, the squared
 * log-ratio (ln(ISI_model / ISI_data) / scale)^2, at most `cap`; an interval the model
 * lacks (or has in excess) costs `cap`. Averaged over the data's intervals. Unlike spike
 * times, an error in one interval does not carry into the later ones, so the basin
 * around the right firing pattern stays wide.
 *
 * ```ts
 * isiDistance([0, 10, 20], [0, 10, 20]); // 0
 * isiDistance([0, 10], [0, 10, 20]);     // 12.5: one of two intervals missing
 * ```
 */
export function isiDistance(model: ArrayLike<number>, data: ArrayLike<number>, scale = 0.1, cap = 25): number {
  const nData = Math.max(0, data.length - 1);
  const nModel = Math.max(0, model.length - 1);
  const paired = Math.min(nData, nModel);
  let sum = cap * Math.abs(nData - nModel);
  for (let k = 0; k < paired; k++) {
    const ratio = (model[k + 1]! - model[k]!) / (data[k + 1]! - data[k]!);
    sum += Math.min((Math.log(ratio) / scale) ** 2, cap);
  }
  return sum / Math.max(1, nData);
}

/**
 * First-spike latency error ((t_model - t_data) / scale)^2, at most `cap`; `cap` when
 * only one of the trains has spikes, 0 when neither has.
 *
 * ```ts
 * latencyDistance([15], [10]); // 1 = (5/5)^2
 * latencyDistance([], [10]);   // 25
 * ```
 */
export function latencyDistance(model: ArrayLike<number>, data: ArrayLike<number>, scale = 5, cap = 25): number {
  if (model.length === 0 && data.length === 0) return 0;
  if (model.length === 0 || data.length === 0) return cap;
  return Math.min(((model[0]! - data[0]!) / scale) ** 2, cap);
}
