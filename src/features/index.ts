/**
 * eFEL-compatible electrophysiological features of a current-clamp voltage trace.
 * @packageDocumentation
 */
export { computeFeatures } from './compute.ts';
export { FEATURE_NAMES } from './registry.ts';
export { interpolateTrace, type InterpolatedTrace } from './interpolate.ts';
export { DEFAULT_SETTINGS, type FeatureInput, type FeatureValue, type FeatureSettings } from './types.ts';
