/** A target feature value with its spread (the SD across trials or cells). */
export interface FeatureTarget {
  mean: number;
  sd: number;
}

/** A feature as extractors return it: a number, a list (per spike), or null when undefined. */
export type FeatureValue = number | number[] | null;

export interface FeatureLossOptions {
  /** The score of a feature that is missing or undefined, and the cap of every score (BluePyOpt's max_score). Default 250. */
  maxScore?: number;
}

/**
 * Feature loss as BluePyOpt scores eFEL features: for each feature the mean absolute
 * z-score |value - mean| / sd over its elements, capped at `maxScore`; a feature the
 * model does not produce (null, empty list, NaN) scores `maxScore`. The loss is the sum.
 * A target given as a plain number gets an SD of 10 % of its magnitude (at least 1e-3).
 *
 * ```ts
 * const values = computeFeatures({ t: sweep.t, v: sweep.v, stimStart: 50, stimEnd: 550 }, ['Spikecount', 'mean_frequency']);
 * featureLoss(values, { Spikecount: 10, mean_frequency: { mean: 20, sd: 2 } }); // sum of the two z-scores
 * ```
 */
export function featureLoss(
  values: Record<string, FeatureValue | undefined>,
  targets: Record<string, FeatureTarget | number>,
  o: FeatureLossOptions = {},
): number {
  const cap = o.maxScore ?? 250;
  let total = 0;
  for (const [name, target] of Object.entries(targets)) {
    const t = typeof target === 'number' ? { mean: target, sd: Math.max(0.1 * Math.abs(target), 1e-3) } : target;
    if (!(t.sd > 0) || !Number.isFinite(t.mean)) throw new Error(`featureLoss: target for '${name}' needs a finite mean and sd > 0`);
    const value = values[name];
    const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((x) => !Number.isFinite(x))) {
      total += cap;
      continue;
    }
    const z = list.reduce((s, x) => s + Math.abs(x - t.mean), 0) / list.length / t.sd;
    total += Math.min(z, cap);
  }
  return total;
}
