/**
 * eFEL's depolarisation-block check (Python layer: depol_block, depol_block_bool): the cell
 * is blocked if it stays above the mean AP onset voltage, or below -75 mV during the
 * stimulus, for more than 50 ms.
 */
import { pyFeature, type FeatureContext, type FeatureDef } from './context.ts';

const BLOCK_MIN_DURATION = 50; // ms
const LONG_HYPERPOL_THRESHOLD = -75; // mV

/** Indices i where v goes from <= level at i to > level at i + 1 (up), and back (down). */
function crossings(v: Float64Array, level: number): { up: number[]; down: number[] } {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i + 1 < v.length; i++) {
    const a = v[i]! > level;
    const b = v[i + 1]! > level;
    if (!a && b) up.push(i);
    else if (a && !b) down.push(i);
  }
  return { up, down };
}

/** [1] without a depolarisation block (also for a subthreshold trace), null with one. */
function depolBlock(ctx: FeatureContext): number[] | null {
  const { t, v } = ctx;
  const stimStartIdx = ctx.stimStartIndex;
  const stimEndIdx = ctx.stimEndIndex;
  // (numpy raises when the stimulus starts or ends after the trace)
  if (stimStartIdx >= t.length || stimEndIdx >= t.length) return null;
  const apBegin = ctx.get('AP_begin_voltage');
  if (apBegin === null) return [1];
  const threshold = apBegin.reduce((a, b) => a + b, 0) / apBegin.length;

  const depol = crossings(v, threshold);
  if (depol.up.length > depol.down.length) depol.down.push(stimEndIdx);
  if (depol.up.length === 0) return null;
  let longest = -Infinity;
  for (let k = 0; k < depol.up.length; k++) {
    if (k >= depol.down.length) return null;
    longest = Math.max(longest, t[depol.down[k]!]! - t[depol.up[k]!]!);
  }
  if (longest > BLOCK_MIN_DURATION) return null;

  const hyper = crossings(v, LONG_HYPERPOL_THRESHOLD);
  const down = hyper.down.filter((i) => i > stimStartIdx && i < stimEndIdx);
  if (down.length !== 0) {
    const up = hyper.up.filter((i) => i > stimStartIdx && i < stimEndIdx && i > down[0]!);
    if (up.length < down.length) up.push(stimEndIdx);
    let longestHyper = -Infinity;
    for (let k = 0; k < down.length; k++) {
      if (k >= up.length) return null;
      longestHyper = Math.max(longestHyper, t[up[k]!]! - t[down[k]!]!);
    }
    if (longestHyper > BLOCK_MIN_DURATION) return null;
  }
  return [1];
}

export const depolBlockFeatures: readonly FeatureDef[] = [
  pyFeature('depol_block', 'scalar', depolBlock),
  pyFeature('depol_block_bool', 'scalar', (ctx) => (ctx.get('depol_block') === null ? [1] : [0])),
];
