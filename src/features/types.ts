/**
 * Public and internal types of the eFEL-compatible feature extraction.
 */

/** A current-clamp voltage trace and the stimulus window to extract features from. */
export interface FeatureInput {
  /** Sample times, ms, strictly increasing. */
  t: ArrayLike<number>;
  /** Membrane potential, mV, one value per sample time. */
  v: ArrayLike<number>;
  /** Start of the stimulus, ms. */
  stimStart: number;
  /** End of the stimulus, ms. */
  stimEnd: number;
  /** Spike detection threshold, mV (eFEL "Threshold"). Default -20. */
  threshold?: number;
  /** dV/dt threshold for the action-potential onset, mV/ms (eFEL "DerivativeThreshold"). Default 10. */
  derivativeThreshold?: number;
  /** The trace is linearly interpolated to this time step first, as eFEL does (eFEL "interp_step"). Default 0.1 ms. */
  interpStep?: number;
}

/** A feature value: a number for scalar features, one number per spike (or per burst, ...) for list features, null where eFEL gives None. */
export type FeatureValue = number | number[] | null;

/** eFEL settings the features read. Only the first three are exposed through {@link FeatureInput}; the rest keep eFEL's defaults. */
export interface FeatureSettings {
  threshold: number;
  derivativeThreshold: number;
  interpStep: number;
  downDerivativeThreshold: number;
  derivativeWindow: number;
  spikeSkipf: number;
  maxSpikeSkip: number;
  burstFactor: number;
  strictBurstFactor: number;
  voltageBaseStartPerc: number;
  voltageBaseEndPerc: number;
  initialPerc: number;
  sahpStart: number;
  ignoreFirstISI: boolean;
  precisionThreshold: number;
  risePercStart: number;
  risePercEnd: number;
  apPhaseslopeRange: number;
  initburstFreqThreshold: number;
  initburstSahpStart: number;
  initburstSahpEnd: number;
  decayStartAfterStim: number;
  decayEndAfterStim: number;
}

/**
 * eFEL's default settings (efel/settings.py).
 *
 * ```ts
 * DEFAULT_SETTINGS.threshold; // -20 (mV)
 * ```
 */
export const DEFAULT_SETTINGS: Readonly<FeatureSettings> = Object.freeze({
  threshold: -20,
  derivativeThreshold: 10,
  interpStep: 0.1,
  downDerivativeThreshold: -12,
  derivativeWindow: 3,
  spikeSkipf: 0.1,
  maxSpikeSkip: 2,
  burstFactor: 1.5,
  strictBurstFactor: 2,
  voltageBaseStartPerc: 0.9,
  voltageBaseEndPerc: 1.0,
  initialPerc: 0.1,
  sahpStart: 5,
  ignoreFirstISI: true,
  precisionThreshold: 1e-10,
  risePercStart: 0,
  risePercEnd: 1,
  apPhaseslopeRange: 2,
  initburstFreqThreshold: 50,
  initburstSahpStart: 5,
  initburstSahpEnd: 100,
  decayStartAfterStim: 1,
  decayEndAfterStim: 10,
});

/** The trace after validation and interpolation, with the settings in force. */
export interface PreparedTrace {
  /** Interpolated times (ms). */
  readonly t: Float64Array;
  /** Interpolated voltages (mV), same length as t. */
  readonly v: Float64Array;
  readonly stimStart: number;
  readonly stimEnd: number;
  readonly settings: Readonly<FeatureSettings>;
}
