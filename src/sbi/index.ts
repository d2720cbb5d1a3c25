export { BoxUniform, IndependentNormal, LogUniformBox, checkPrior, type Prior } from './prior.ts';
export { NPE, DENSITY_ESTIMATORS, type NPEOptions, type DensityEstimatorName, type AppendSummary } from './npe.ts';
export { Posterior, LEAKAGE_WARNING, LEAKAGE_ERROR, type PosteriorJSON, type Coverage, type ZScore, type SampleOptions, type AtObservation } from './posterior.ts';
export type { TrainOptions, TrainSummary } from './train.ts';
export { MAF, type MAFOptions } from './maf.ts';
export { MDN, type MDNOptions } from './mdn.ts';
export type { DensityEstimator, EstimatorJSON } from './estimator.ts';
export { c2st, type C2STOptions } from './c2st.ts';
export { twoMoons, gaussianLinear, slcp, SBI_TASKS, type SbiTask } from './tasks.ts';
