export { CurrentStep, type StepProtocol } from './current-step.ts';
export { FICurve, type FICurveProtocol } from './fi-curve.ts';
export { CurrentRamp, type RampProtocol } from './ramp.ts';
export { ReplaySweeps, type ReplayedSweep } from './replay-sweeps.ts';
