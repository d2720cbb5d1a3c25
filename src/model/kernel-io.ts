import type { Method } from './types.ts';

/** What a kernel is specialised for. Kernels are cached per configuration. */
export interface KernelConfig {
  method: Method;
  /** Parameters read each step from an array instead of a per-neuron constant. */
  driven: { param: string; perNeuron: boolean }[];
  /** Variables written to the recording arrays: state, algebraic or parameter names. */
  record: string[];
  /**
   * Parameters θ to differentiate by: the kernel then also advances d(state)/dθ through
   * the same discrete scheme (forward sensitivities) and records d(recorded)/dθ.
   */
  sensitivities?: string[];
}

/** The arrays a kernel reads and writes. Struct of arrays: one Float64Array of length N per variable. */
export interface KernelIO {
  N: number;
  /** Steps to advance. */
  steps: number;
  /** Index of the first step since the last reset: times are (s0 + s) * dt, whatever blocks a run is cut into. */
  s0: number;
  dt: number;
  /** One array per ODE variable, in `spec.odes` order. Updated in place. */
  state: Float64Array[];
  /** One array per parameter, in `spec.paramNames` order. */
  params: Float64Array[];
  /** One array per driven parameter: length `steps` (shared) or `N * steps` (neuron-major). */
  driven: Float64Array[];
  /** One array per recorded variable, `N * nRec`, neuron-major. */
  rec: Float64Array[];
  nRec: number;
  /** Record at step s when (s + recPhase) % recEvery === 0. */
  recEvery: number;
  recPhase: number;
  /** Time of each neuron's last spike (ms), for the refractory period. */
  lastSpike: Float64Array;
  /** One uniform [0, 1) generator per neuron, for models with random draws. */
  rng: (() => number)[] | null;
  /** With sensitivities, `dTime[p]` is d(spike time)/d(θ p) through the interpolation inside the step. */
  onSpike: (neuron: number, time: number, dTime?: number[]) => void;
  /** With sensitivities: d(state k)/d(θ p) at index k * P + p, each of length N. Updated in place. */
  sens?: Float64Array[];
  /** With sensitivities: d(recorded r)/d(θ p) at index r * P + p, each `N * nRec`. */
  recSens?: Float64Array[];
}

export type Kernel = (io: KernelIO) => void;
/** Sets every neuron's state to its initial values (which may depend on its parameters). */
export type InitKernel = (N: number, params: Float64Array[], state: Float64Array[]) => void;
/** Sets d(initial state)/dθ: the derivative of each `init` expression by each θ. */
export type InitTangentKernel = (N: number, params: Float64Array[], sens: Float64Array[]) => void;
