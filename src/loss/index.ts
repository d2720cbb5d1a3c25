export { mse, rmse } from './trace.ts';
export { detectSpikes, coincidenceFactor, spikeTimeDistance, spikeCountError, isiDistance, latencyDistance } from './spikes.ts';
export { sweepLoss, subthresholdRmse, type SweepTrace, type SweepLossOptions } from './sweeps.ts';
