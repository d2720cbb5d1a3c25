import { isiDistance, latencyDistance, spikeCountError, spikeTimeDistance } from './spikes.ts';

/** One recorded sweep as the loss sees it: voltage at `times`, and spike times. */
export interface SweepTrace {
  times: ArrayLike<number>;
  v: ArrayLike<number>;
  spikes: ArrayLike<number>;
}

export interface SweepLossOptions {
  /** Weight of the spike-count term. Default 1. */
  countWeight?: number;
  /** Weight of the spike-time term. Default 1. */
  timeWeight?: number;
  /** Time scale of the spike-time term (ms): a pair of spikes this far apart costs 1. Default 10. */
  tau?: number;
  /** Weight of the interspike-interval term. Default 1. */
  isiWeight?: number;
  /** Log-ratio of intervals that costs 1 (0.1: about 10 %). Default 0.1. */
  isiScale?: number;
  /** Weight of the first-spike latency term. Default 1. */
  latencyWeight?: number;
  /** First-spike latency error (ms) that costs 1. Default 5. */
  latencyScale?: number;
  /** Weight of the subthreshold-voltage term. Default 1. */
  voltageWeight?: number;
  /** Voltage RMSE (mV) that costs 1. Default 5. */
  voltageScale?: number;
  /** Time around each spike left out of the voltage term (ms before, after). Default [2, 10]. */
  spikeWindow?: [number, number];
}

/**
 * The default loss for fitting a spiking trace. A plain voltage MSE punishes a spike
 * that is 1 ms late as hard as a missing one, and is flat between those, so searches
 * cannot follow it; this loss changes smoothly with the parameters:
 *
 *   count   * (n_model - n_data)^2 / max(1, n_data)                       {@link spikeCountError}
 * + time    * spikes paired in order, min(((t_model - t_data) / tau)^2, 1)  {@link spikeTimeDistance}
 * + isi     * intervals paired in order, min((ln ratio / isiScale)^2, 25)  {@link isiDistance}
 * + latency * min(((first spike_model - first spike_data) / latencyScale)^2, 25)
 * + voltage * (RMSE of v away from every spike of either trace / voltageScale)^2
 *
 * The interval and latency terms keep the basin wide (an interval error does not carry
 * into later spikes); the spike-time term makes the bottom sharp. Every spike term is
 * capped and charges a missing spike or interval the cap, so silence never pays.
 *
 * Model and data voltages must be sampled at the same times.
 */
export function sweepLoss(model: SweepTrace, data: SweepTrace, o: SweepLossOptions = {}): number {
  if (model.v.length !== data.v.length) {
    throw new Error(`sweepLoss: model has ${model.v.length} voltage samples, data ${data.v.length}: sample both at the same times`);
  }
  const countWeight = o.countWeight ?? 1;
  const timeWeight = o.timeWeight ?? 1;
  const voltageWeight = o.voltageWeight ?? 1;
  let loss = countWeight * spikeCountError(model.spikes, data.spikes) + timeWeight * spikeTimeDistance(model.spikes, data.spikes, o.tau ?? 10);
  loss += (o.isiWeight ?? 1) * isiDistance(model.spikes, data.spikes, o.isiScale ?? 0.1);
  loss += (o.latencyWeight ?? 1) * latencyDistance(model.spikes, data.spikes, o.latencyScale ?? 5);
  if (voltageWeight > 0) {
    const rmse = subthresholdRmse(data.times, model.v, data.v, [model.spikes, data.spikes], o.spikeWindow ?? [2, 10]);
    if (rmse !== undefined) loss += voltageWeight * (rmse / (o.voltageScale ?? 5)) ** 2;
  }
  return loss;
}

/** RMSE over the samples that lie outside every spike window; undefined if none does. */
export function subthresholdRmse(
  times: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  trains: ArrayLike<number>[],
  [before, after]: [number, number],
): number | undefined {
  const spikes = trains.flatMap((s) => Array.from(s)).sort((x, y) => x - y);
  let sum = 0;
  let n = 0;
  let j = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    // skip spikes whose window has passed; the next one decides whether t is inside a window
    while (j < spikes.length && spikes[j]! + after < t) j++;
    if (j < spikes.length && spikes[j]! - before <= t) continue;
    sum += (a[k]! - b[k]!) ** 2;
    n++;
  }
  return n === 0 ? undefined : Math.sqrt(sum / n);
}
