export { readRecording, resampleSweep, writeSweepCsv, type Sweep, type RecordingOptions, type ColumnRef } from './recording.ts';
export { checkSweeps, currentFactor, type RecordingWarning, type CheckOptions } from './check.ts';
export { drawSpikes, resetsAtSpike } from './draw-spikes.ts';
