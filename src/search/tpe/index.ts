/**
 * The Tree-structured Parzen Estimator, split as optuna splits its TPE: the sampler
 * (`sampler.ts`), the adaptive Parzen estimator (`parzen-estimator.ts`), the truncated mixture
 * it becomes on a dimension (`mixture.ts`), the dimension's model-space description
 * (`dimension.ts`) and the candidates' scores (`density.ts`).
 *
 * @packageDocumentation
 */
export { TPE, type TPEOptions } from './sampler.ts';
