/**
 * Spike detection and spike-timing features (eFEL's SpikeEvent.cpp: peak_indices,
 * peak_time, time_to_first_spike, mean_frequency, adaptation_index, ...).
 */
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';

/**
 * Peaks: the maximum of V between each upward crossing of the threshold and the next
 * downward crossing (a crossing needs one sample strictly on each side). The trace must
 * cross the threshold both ways at least once.
 */
function peakIndices(ctx: FeatureContext): number[] {
  const v = ctx.v;
  const th = ctx.settings.threshold;
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 1; i < v.length; i++) {
    if (v[i]! > th && v[i - 1]! < th) up.push(i);
    else if (v[i]! < th && v[i - 1]! > th) down.push(i);
  }
  if (down.length === 0 || up.length === 0) unavailable('voltage never crosses the threshold both ways');
  // the trace may start above the threshold: drop downward crossings before the first upward one
  let d0 = 0;
  while (d0 < down.length && down[d0]! < up[0]!) d0++;
  const n = Math.min(up.length, down.length - d0);
  const peaks: number[] = [];
  for (let k = 0; k < n; k++) {
    let best = -1e9;
    let at = -1;
    for (let j = up[k]!; j <= down[d0 + k]!; j++) {
      if (best < v[j]!) {
        best = v[j]!;
        at = j;
      }
    }
    if (at >= 0) peaks.push(at);
  }
  return peaks;
}

function peakTimes(ctx: FeatureContext): number[] {
  return ctx.need('peak_indices').map((i) => ctx.t[i]!);
}

function allIsiValues(ctx: FeatureContext): number[] {
  const pt = ctx.need('peak_time');
  if (pt.length < 2) unavailable('two spikes are needed for ISIs');
  const isi: number[] = [];
  for (let i = 1; i < pt.length; i++) isi.push(pt[i]! - pt[i - 1]!);
  return isi;
}

function meanFrequency(ctx: FeatureContext): number[] {
  let last = 0;
  let count = 0;
  for (const time of ctx.need('peak_time')) {
    if (time >= ctx.stimStart && time <= ctx.stimEnd) {
      last = time;
      count++;
    }
  }
  if (last === ctx.stimStart) unavailable('division by zero');
  return [(count * 1000) / (last - ctx.stimStart)];
}

/** Mean of (ISI[i] - ISI[i-1]) / (ISI[i] + ISI[i-1]) over the ISIs of the given spike times. */
function adaptation(spikeTimes: readonly number[]): number {
  const isi: number[] = [];
  for (let i = 1; i < spikeTimes.length; i++) isi.push(spikeTimes[i]! - spikeTimes[i - 1]!);
  let adi = 0;
  for (let i = 1; i < isi.length; i++) adi += (isi[i]! - isi[i - 1]!) / (isi[i]! + isi[i - 1]!);
  return adi / (isi.length - 1);
}

function spikesDuringStimulus(ctx: FeatureContext): number[] {
  return ctx.need('peak_time').filter((x) => x >= ctx.stimStart && x <= ctx.stimEnd);
}

function adaptationIndex(ctx: FeatureContext): number[] {
  const { spikeSkipf, maxSpikeSkip } = ctx.settings;
  const times = spikesDuringStimulus(ctx);
  const skip = Math.min(Math.trunc(times.length * spikeSkipf + 0.5), maxSpikeSkip);
  const kept = times.slice(skip);
  if (kept.length < 4) unavailable('at least 4 spikes are needed for adaptation_index');
  return [adaptation(kept)];
}

function adaptationIndex2(ctx: FeatureContext): number[] {
  if (ctx.need('peak_time').length < 4) unavailable('at least 4 spikes are needed for adaptation_index2');
  const times = spikesDuringStimulus(ctx);
  if (times.length < 4) unavailable('at least 4 spikes in the stimulus are needed for adaptation_index2');
  return [adaptation(times.slice(1))];
}

function numberInitialSpikes(ctx: FeatureContext): number[] {
  const pt = ctx.need('peak_time');
  const initialLength = (ctx.stimEnd - ctx.stimStart) * ctx.settings.initialPerc;
  let start = pt.findIndex((x) => x >= ctx.stimStart);
  if (start < 0) start = pt.length;
  let end = pt.findIndex((x) => x >= ctx.stimStart + initialLength);
  if (end < 0) end = pt.length;
  return [end - start];
}

function isNotStuck(ctx: FeatureContext): number[] {
  const moving = ctx.need('peak_time').some((x) => x > ctx.stimEnd * 0.5 && x < ctx.stimEnd);
  if (!moving) unavailable('no spike in the second half of the stimulus');
  return [1];
}

export const spikeTimeFeatures: readonly FeatureDef[] = [
  cppFeature('peak_indices', 'list', peakIndices),
  cppFeature('peak_time', 'list', peakTimes),
  cppFeature('all_ISI_values', 'list', allIsiValues),
  cppFeature('time_to_first_spike', 'scalar', (ctx) => [ctx.need('peak_time')[0]! - ctx.stimStart]),
  cppFeature('time_to_second_spike', 'scalar', (ctx) => {
    const pt = ctx.need('peak_time');
    if (pt.length < 2) unavailable('two spikes are needed');
    return [pt[1]! - ctx.stimStart];
  }),
  cppFeature('time_to_last_spike', 'scalar', (ctx) => {
    const pt = ctx.need('peak_time');
    return [pt[pt.length - 1]! - ctx.stimStart];
  }),
  cppFeature('inv_time_to_first_spike', 'scalar', (ctx) => [1000 / ctx.need('time_to_first_spike')[0]!]),
  cppFeature('doublet_ISI', 'scalar', (ctx) => {
    const pt = ctx.need('peak_time');
    if (pt.length < 2) unavailable('two spikes are needed');
    return [pt[1]! - pt[0]!];
  }),
  cppFeature('mean_frequency', 'scalar', meanFrequency),
  cppFeature('adaptation_index', 'scalar', adaptationIndex),
  cppFeature('adaptation_index2', 'scalar', adaptationIndex2),
  cppFeature('number_initial_spikes', 'scalar', numberInitialSpikes),
  cppFeature('is_not_stuck', 'scalar', isNotStuck),
];
