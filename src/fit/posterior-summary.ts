import { quantile } from '../numeric/quantile.ts';
import type { DensityEstimatorName } from '../sbi/npe.ts';
import type { Prior } from '../sbi/prior.ts';
import type { Coverage } from '../sbi/posterior.ts';
import type { TrainOptions } from '../sbi/train.ts';

/** The settings of method 'sbi' in {@link OptNeuronOptions}. */
export interface SbiSettings {
  /** Prior over the fitted variables, in their order (default: BoxUniform over their bounds). */
  prior?: Prior;
  /** 'maf' (default), 'nsf' (neural spline flow: multimodal posteriors) or 'mdn'. */
  densityEstimator?: DensityEstimatorName;
  /** Training settings (sbi's defaults). */
  train?: TrainOptions;
  /**
   * Rounds of truncated sequential NPE (Deistler et al. 2022; default 1): round 1 simulates
   * from the prior, later rounds from the prior truncated to the current posterior's
   * high-density region at x_o; `maxEvals` is split evenly between rounds.
   */
  rounds?: number;
  /** x_o itself, when the target is not Results (e.g. features of recorded sweeps); default: summary(target) or zeros. */
  observation?: number[];
  /** Simulations held out for {@link Posterior.coverage} (default 10 % of maxEvals, at most 200; 0: none). */
  coverageSimulations?: number;
}

/** What a fit by method 'sbi' reports of its posterior (`fit.posterior`, and the results file's `posterior`). */
export interface PosteriorSummary {
  /** The fitted variables, in the order of the vectors below. */
  names: string[];
  /** 1,000 draws from the posterior at x_o. */
  samples: number[][];
  mean: number[];
  sd: number[];
  q05: number[];
  q50: number[];
  q95: number[];
  /** Correlation matrix of the draws. */
  correlations: number[][];
  /** Share of draws inside the prior's support (leakage is rejected). */
  acceptanceRate: number;
  /** The posterior's maximum, by name. */
  map: Record<string, number>;
  /** x_o: the target's summary statistics (or zeros: getLoss's terms at a perfect fit). */
  observation: number[];
  /** The prior's bounds, where it has any (plot limits). */
  bounds?: { low: number[]; high: number[] };
  simulations: number;
  invalidSimulations: number;
  /** The density estimator ('maf', 'nsf', 'mdn') and the rounds of truncated sequential NPE. */
  estimator: string;
  rounds: number;
  /** Of the last round's training. */
  epochs: number;
  trainSeconds: number;
  stopReason: string;
  /** Calibration on held-out simulations, when any were kept. */
  coverage?: Pick<Coverage, 'levels' | 'expected' | 'miscalibrated' | 'message'>;
}

/**
 * Where the posterior's pair plot is drawn from: fit/ may not import plot/, so the package
 * entry (src/index.ts) installs the writer from report/ here.
 */
export const sbiHooks: { writePlot?: (summary: PosteriorSummary, file: string, truth?: Record<string, number>) => Promise<void> } = {};

/** Mean, SD, 5/50/95 % quantiles and correlations of draws. */
export function describe(samples: number[][]): Pick<PosteriorSummary, 'samples' | 'mean' | 'sd' | 'q05' | 'q50' | 'q95' | 'correlations'> {
  const D = samples[0]?.length ?? 0;
  const cols = Array.from({ length: D }, (_, i) => samples.map((s) => s[i]!));
  const mean = cols.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
  const sd = cols.map((c, i) => Math.sqrt(c.reduce((a, b) => a + (b - mean[i]!) ** 2, 0) / Math.max(1, c.length - 1)));
  const correlations = cols.map((a, i) =>
    cols.map((b, j) => {
      if (i === j) return 1;
      let s = 0;
      for (let k = 0; k < a.length; k++) s += (a[k]! - mean[i]!) * (b[k]! - mean[j]!);
      return s / Math.max(1, a.length - 1) / (sd[i]! * sd[j]! || 1);
    }),
  );
  return {
    samples,
    mean,
    sd,
    q05: cols.map((c) => quantile(c, 0.05)),
    q50: cols.map((c) => quantile(c, 0.5)),
    q95: cols.map((c) => quantile(c, 0.95)),
    correlations,
  };
}
