export { readRecording, resampleSweep, writeSweepCsv, type Sweep, type RecordingOptions, type ColumnRef } from './recording.ts';
