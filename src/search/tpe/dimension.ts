/**
 * A search dimension as the TPE models it: in model space (log x for log kinds, option index
 * for choice), with its bounds, quantisation cells and prior.
 */
import { firstMultiple, lastMultiple, type Dimension } from '../space.ts';

/** Model-space description of a dimension. */
export interface DimSpec {
  name: string;
  dim: Dimension;
  categorical: boolean;
  log: boolean;
  /** Quantisation step (natural units), 0 if continuous. */
  q: number;
  /** Bounds in model space (±Infinity if unbounded). */
  low: number;
  high: number;
  /** Bounds in natural units. */
  lowValue: number;
  highValue: number;
  /** Indices of the first and last multiples of q within the bounds. */
  kMin: number;
  kMax: number;
  priorMu: number;
  priorSigma: number;
  /** For choice: the options, and option value -> index. */
  options: readonly number[];
  optionIndex: Map<number, number>;
}


/**
 * The model-space description of dimension `dim` named `name`; the prior is hyperopt's: the
 * middle of the bounds with the bounds' width as sigma (in logs for log kinds), or the
 * dimension's own normal.
 *
 * ```ts
 * const s = dimSpec('g', loguniform(1, 100));
 * s.log; // true
 * [s.low, s.high]; // [0, 4.605...]: the bounds in logs
 * ```
 */
export function dimSpec(name: string, dim: Dimension): DimSpec {
  const base = {
    name,
    dim,
    categorical: false,
    log: false,
    q: 0,
    low: -Infinity,
    high: Infinity,
    lowValue: -Infinity,
    highValue: Infinity,
    kMin: 0,
    kMax: 0,
    priorMu: 0,
    priorSigma: 1,
    options: [] as readonly number[],
    optionIndex: new Map<number, number>(),
  };
  switch (dim.kind) {
    case 'uniform':
    case 'quniform': {
      const q = dim.kind === 'quniform' ? dim.q : 0;
      const ks = q ? { kMin: firstMultiple(dim.low, q), kMax: lastMultiple(dim.high, q) } : {};
      return { ...base, ...ks, q, low: dim.low, high: dim.high, lowValue: dim.low, highValue: dim.high, priorMu: 0.5 * (dim.low + dim.high), priorSigma: dim.high - dim.low };
    }
    case 'loguniform':
    case 'qloguniform': {
      const q = dim.kind === 'qloguniform' ? dim.q : 0;
      const ks = q ? { kMin: firstMultiple(dim.low, q), kMax: lastMultiple(dim.high, q) } : {};
      const low = Math.log(dim.low);
      const high = Math.log(dim.high);
      return { ...base, ...ks, log: true, q, low, high, lowValue: dim.low, highValue: dim.high, priorMu: 0.5 * (low + high), priorSigma: high - low };
    }
    case 'normal':
      return { ...base, priorMu: dim.mu, priorSigma: dim.sigma };
    case 'lognormal':
      // exp of a very negative draw underflows to 0, whose log the densities cannot take.
      return { ...base, log: true, lowValue: Number.MIN_VALUE, priorMu: dim.mu, priorSigma: dim.sigma };
    case 'choice':
      return { ...base, categorical: true, options: dim.options, optionIndex: new Map(dim.options.map((o, i) => [o, i])) };
  }
}
