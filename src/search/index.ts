/**
 * Black-box search: search spaces, and samplers that suggest points to evaluate
 * (random search, the Tree-structured Parzen Estimator, CMA-ES and `auto`, TPE then CMA-ES).
 *
 * @packageDocumentation
 */

/** Search-space primitives; see each constructor for its prior. */
export { choice, lognormal, loguniform, normal, qloguniform, quniform, samplePrior, uniform, validateSpace } from './space.ts';
/** A dimension's kind and prior, a space of named dimensions, and a point of it. */
export type { Dimension, Point, Space } from './space.ts';
/** The ask/tell interface every black-box method implements, its options and its record of one evaluation. */
export type { Sampler, SamplerOptions, SamplerState, Trial } from './sampler.ts';
/** Random search: independent draws from the prior. */
export { RandomSearch } from './random.ts';
/** The Tree-structured Parzen Estimator (hyperopt's algorithm) and its options. */
export { TPE, type TPEOptions } from './tpe/index.ts';
/** CMA-ES with IPOP restarts, and its options. */
export { CMAES, type CMAESOptions } from './cmaes.ts';
/** neurofit's default search: TPE exploration, then CMA-ES from its best point. */
export { AutoSampler, type AutoOptions } from './auto.ts';
