/**
 * eFEL's time_constant (Subthreshold.cpp): the membrane time constant from the first
 * monotonic decay in the first half of the stimulus, fitted as an exponential by a
 * golden-section search for the offset that makes log(V - V_end + offset) most linear.
 */
import { cppFeature, unavailable, type FeatureContext, type FeatureDef } from './context.ts';
import { findIndex, fivePointStencil, straightLineFit } from './numeric.ts';

/** |dV/dt| below this (mV/ms) counts as flat. */
const MIN_DERIVATIVE = 5e-3;
/** Fewest samples in the decay. */
const MIN_LENGTH = 10;
/** Length of the plateau that ends the decay, ms. */
const FLAT_LENGTH = 70;
const PHI = 1.618033988;

function timeConstant(ctx: FeatureContext): number[] {
  const { t, v } = ctx;
  // skip 10 samples after the stimulus start, in case of a transient
  const first = ctx.stimStartIndex + 10;
  if (first >= v.length) unavailable('the stimulus starts too late');
  const mid = findIndex(t, first, t.length, (x) => x >= (ctx.stimStart + ctx.stimEnd) / 2);
  if (mid >= v.length) unavailable('the stimulus ends after the trace');
  const partV = v.subarray(first, mid);
  const partT = t.subarray(first, mid);
  if (partV.length < 5) unavailable('too few samples in the first half of the stimulus');
  const dvdt = fivePointStencil(partV);
  const dt = fivePointStencil(partT);
  for (let i = 0; i < dvdt.length; i++) dvdt[i] = dvdt[i]! / dt[i]!;

  // the decay starts at the first 5 samples in a row that all fall
  let iStart = 0;
  for (;;) {
    let falling = true;
    for (let k = iStart; k < iStart + 5; k++) {
      if (dvdt[k]! > -MIN_DERIVATIVE) {
        falling = false;
        break;
      }
    }
    if (falling) break;
    if (iStart + 5 === dvdt.length) unavailable('could not find the decay');
    iStart++;
  }
  // it ends where dV/dt, averaged over the next FLAT_LENGTH ms, is flat
  let iFlat = iStart;
  for (; t[iFlat + first]! < t[mid]! - FLAT_LENGTH; iFlat++) {
    if (dvdt[iFlat]! + MIN_DERIVATIVE > 0) {
      let sum = 0;
      let length = 0;
      for (let k = 0; t[iFlat + k + first]! - t[iFlat + first]! < FLAT_LENGTH; k++) {
        sum += dvdt[iFlat + k]!;
        length++;
      }
      if (sum / length + MIN_DERIVATIVE > 0) break;
    }
  }
  if (iFlat - iStart < MIN_LENGTH) unavailable('the decay is too short');
  const tDecay = partT.subarray(iStart, iFlat);
  const vDecay = partV.subarray(iStart, iFlat);
  const vLast = vDecay[vDecay.length - 1]!;
  const logV = new Float64Array(vDecay.length);
  const fitWithOffset = (offset: number) => {
    for (let i = 0; i < logV.length; i++) logV[i] = Math.log(vDecay[i]! - vLast + offset);
    return straightLineFit(tDecay, logV);
  };

  // golden-section search for the offset in [0, 5]
  const x = [0, 0, MIN_DERIVATIVE * 1000];
  x[1] = (x[0]! * PHI + x[2]!) / (1 + PHI);
  let fit = fitWithOffset(x[1]!);
  let residuum = fit.normalizedStd;
  let right = true;
  while (x[2]! - x[0]! > 0.01) {
    const newX = right ? (x[1]! * PHI + x[2]!) / (1 + PHI) : (x[0]! + PHI * x[1]!) / (1 + PHI);
    fit = fitWithOffset(newX);
    if (fit.normalizedStd < residuum) {
      if (right) {
        x[0] = x[1]!;
        x[1] = newX;
      } else {
        x[2] = x[1]!;
        x[1] = newX;
      }
      residuum = fit.normalizedStd;
    } else {
      if (right) x[2] = newX;
      else x[0] = newX;
      right = !right;
    }
  }
  // (eFEL reports the last fit tried, not necessarily the best one)
  return [-1 / fit.slope];
}

export const timeConstantFeatures: readonly FeatureDef[] = [cppFeature('time_constant', 'scalar', timeConstant)];
