/**
 * The table of supported features: name -> definition, and the list of names.
 */
import { ahpFeatures } from './ahp.ts';
import { apAmplitudeFeatures } from './ap-amplitude.ts';
import { apKineticsFeatures } from './ap-kinetics.ts';
import { apOnsetFeatures } from './ap-onset.ts';
import { apWidthFeatures } from './ap-width.ts';
import { burstFeatures } from './bursts.ts';
import type { FeatureDef } from './context.ts';
import { depolBlockFeatures } from './depol-block.ts';
import { isiFeatures } from './isi.ts';
import { spikeTimeFeatures } from './spike-times.ts';
import { subthresholdFeatures } from './subthreshold.ts';
import { timeConstantFeatures } from './time-constant.ts';

const ALL: readonly FeatureDef[] = [
  ...spikeTimeFeatures,
  ...isiFeatures,
  ...burstFeatures,
  ...apAmplitudeFeatures,
  ...apOnsetFeatures,
  ...apWidthFeatures,
  ...apKineticsFeatures,
  ...ahpFeatures,
  ...subthresholdFeatures,
  ...timeConstantFeatures,
  ...depolBlockFeatures,
];

function buildTable(defs: readonly FeatureDef[]): ReadonlyMap<string, FeatureDef> {
  const table = new Map<string, FeatureDef>();
  for (const def of defs) {
    if (table.has(def.name)) throw new Error(`features: '${def.name}' is defined twice`);
    table.set(def.name, def);
  }
  return table;
}

/** Definitions by name. */
export const FEATURE_TABLE: ReadonlyMap<string, FeatureDef> = buildTable(ALL);

/**
 * Names of the supported features (eFEL's names), sorted.
 *
 * ```ts
 * FEATURE_NAMES.includes('Spikecount'); // true
 * ```
 */
export const FEATURE_NAMES: readonly string[] = Object.freeze([...FEATURE_TABLE.keys()].sort());
