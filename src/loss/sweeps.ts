import { isiDistance, latencyDistance, spikeCountError, spikeTimeDistance } from './spikes.ts';
import { tracedSource, type TracedSource } from './traced.ts';

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
 *
 * ```ts
 * const loss = sweepLoss(
 *   { times: sweep.t, v: modelV, spikes: detectSpikes(sweep.t, modelV) },
 *   { times: sweep.t, v: sweep.v, spikes: detectSpikes(sweep.t, sweep.v) },
 * );
 * ```
 */
export function sweepLoss(model: SweepTrace, data: SweepTrace, o: SweepLossOptions = {}): number {
  // under gradient fitting the model's voltage and spike times carry their sensitivities
  const tracedV = tracedSource(model.v);
  const tracedSpikes = tracedSource(model.spikes);
  const v = tracedV ? tracedV.values : model.v;
  if (v.length !== data.v.length) {
    throw new Error(`sweepLoss: model has ${v.length} voltage samples, data ${data.v.length}: sample both at the same times`);
  }
  const ms = model.spikes;
  const ds = data.spikes;
  const countWeight = o.countWeight ?? 1;
  const timeWeight = o.timeWeight ?? 1;
  const isiWeight = o.isiWeight ?? 1;
  const latencyWeight = o.latencyWeight ?? 1;
  const voltageWeight = o.voltageWeight ?? 1;
  const tau = o.tau ?? 10;
  const isiScale = o.isiScale ?? 0.1;
  const latencyScale = o.latencyScale ?? 5;
  let loss =
    countWeight * spikeCountError(ms, ds) +
    timeWeight * spikeTimeDistance(ms, ds, tau) +
    isiWeight * isiDistance(ms, ds, isiScale) +
    latencyWeight * latencyDistance(ms, ds, latencyScale);
  const voltage = voltageTerm(v, data, [ms, ds], voltageWeight, o.voltageScale ?? 5, o.spikeWindow ?? [2, 10]);
  loss += voltage.value;
  if (!tracedV && !tracedSpikes) return loss;

  // d(loss)/d(model spike times), term by term, where the caps are not reached
  const dTimes = new Float64Array(ms.length);
  const nData = Math.max(1, ds.length);
  const paired = Math.min(ms.length, ds.length);
  for (let k = 0; k < paired; k++) {
    const x = (ms[k]! - ds[k]!) / tau;
    if (x * x < 1) dTimes[k]! += (timeWeight * 2 * x) / tau / nData;
  }
  const intervals = Math.min(ms.length, ds.length) - 1;
  for (let k = 0; k < intervals; k++) {
    const isiModel = ms[k + 1]! - ms[k]!;
    const logRatio = Math.log(isiModel / (ds[k + 1]! - ds[k]!));
    if ((logRatio / isiScale) ** 2 < 25) {
      const d = (isiWeight * 2 * logRatio) / isiScale ** 2 / isiModel / Math.max(1, ds.length - 1);
      dTimes[k + 1]! += d;
      dTimes[k]! -= d;
    }
  }
  if (paired > 0) {
    const x = (ms[0]! - ds[0]!) / latencyScale;
    if (x * x < 25) dTimes[0]! += (latencyWeight * 2 * x) / latencyScale;
  }
  return tracedLoss(loss, tracedV, tracedSpikes, dTimes, voltage.dv);
}

/**
 * @internal weight · (RMSE of `v` against `data.v` away from every spike window of `trains` /
 * scale)², and its derivative by each voltage sample (0 inside the windows; undefined when
 * the term is off or no sample is kept). The voltage term of {@link sweepLoss} and of
 * {@link coincidenceLoss}.
 */
export function voltageTerm(
  v: ArrayLike<number>,
  data: Pick<SweepTrace, 'times' | 'v'>,
  trains: ArrayLike<number>[],
  weight: number,
  scale: number,
  window: [number, number],
): { value: number; dv: Float64Array | undefined } {
  if (!(weight > 0)) return { value: 0, dv: undefined };
  const mask = subthresholdMask(data.times, trains, window);
  const kept = mask.reduce((n, m) => n + m, 0);
  if (kept === 0) return { value: 0, dv: undefined };
  let sum = 0;
  for (let k = 0; k < v.length; k++) if (mask[k]) sum += (v[k]! - data.v[k]!) ** 2;
  const w = (weight * 2) / kept / scale ** 2;
  const dv = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) if (mask[k]) dv[k] = w * (v[k]! - data.v[k]!);
  return { value: (weight * sum) / kept / scale ** 2, dv };
}

/**
 * @internal A loss as the traced scalar gradient fitting needs: `value`, with gradient
 * Σ dTimes·d(spike times)/dθ + Σ dv·d(voltage)/dθ from the traced sources that exist.
 */
export function tracedLoss(
  value: number,
  tracedV: TracedSource | undefined,
  tracedSpikes: TracedSource | undefined,
  dTimes: ArrayLike<number>,
  dv: Float64Array | undefined,
): number {
  const source = (tracedV ?? tracedSpikes)!;
  const grad = new Float64Array(source.jacobian.length);
  for (let p = 0; p < grad.length; p++) {
    let g = 0;
    if (tracedSpikes) for (let k = 0; k < dTimes.length; k++) g += dTimes[k]! * tracedSpikes.jacobian[p]![k]!;
    if (tracedV && dv) {
      const column = tracedV.jacobian[p]!;
      for (let k = 0; k < dv.length; k++) if (dv[k] !== 0) g += dv[k]! * column[k]!;
    }
    grad[p] = g;
  }
  return source.scalar(value, grad) as number;
}

/**
 * 1 for each sample outside every spike window [t - before, t + after] of the given trains.
 *
 * ```ts
 * subthresholdMask([0, 1, 2, 3, 4, 5], [[2]], [1, 1]); // Uint8Array [1, 0, 0, 0, 1, 1]
 * ```
 */
export function subthresholdMask(times: ArrayLike<number>, trains: ArrayLike<number>[], [before, after]: [number, number]): Uint8Array {
  const spikes = trains.flatMap((s) => Array.from(s)).sort((x, y) => x - y);
  const mask = new Uint8Array(times.length);
  let j = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    // skip spikes whose window has passed; the next one decides whether t is inside a window
    while (j < spikes.length && spikes[j]! + after < t) j++;
    mask[k] = j < spikes.length && spikes[j]! - before <= t ? 0 : 1;
  }
  return mask;
}

/**
 * RMSE over the samples that lie outside every spike window; undefined if none does.
 *
 * ```ts
 * const rmseAway = subthresholdRmse(sweep.t, modelV, sweep.v, [modelSpikes, dataSpikes], [2, 10]);
 * ```
 */
export function subthresholdRmse(
  times: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  trains: ArrayLike<number>[],
  window: [number, number],
): number | undefined {
  const mask = subthresholdMask(times, trains, window);
  let sum = 0;
  let n = 0;
  for (let k = 0; k < times.length; k++) {
    if (!mask[k]) continue;
    sum += (a[k]! - b[k]!) ** 2;
    n++;
  }
  return n === 0 ? undefined : Math.sqrt(sum / n);
}
