export { mse, rmse } from './trace.ts';
export { detectSpikes, coincidenceFactor, spikeTimeDistance, spikeCountError, isiDistance, latencyDistance } from './spikes.ts';
export { sweepLoss, subthresholdRmse, subthresholdMask, type SweepTrace, type SweepLossOptions } from './sweeps.ts';
export { softCoincidenceFactor, coincidenceLoss, type CoincidenceLossOptions } from './coincidence.ts';
export { intrinsicReliability, normalizedCoincidenceFactor, vanRossumDistance, victorPurpuraDistance, isiDistanceKreuz } from './spike-distances.ts';
export { featureLoss, type FeatureTarget, type FeatureLossOptions } from './features.ts';
export { toNumber, type LossValue } from './value.ts';
