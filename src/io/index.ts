export { readRecording, resampleSweep, writeSweepCsv, type Sweep, type RecordingOptions, type ColumnRef } from './recording.ts';
export { checkSweeps, currentFactor, type RecordingWarning, type CheckOptions } from './check.ts';
export { drawSpikes, resetsAtSpike } from './draw-spikes.ts';
export { readRecordingFile, detectFormat, type ReadRecordingOptions } from './recording-file.ts';
export { parseAbf, type AbfFile, type AbfCommand } from './abf.ts';
export { parseIbw, type IbwWave } from './ibw.ts';
export { readNwb, type NwbFile, type NwbSweep } from './nwb.ts';
export { describeStimulus, countSpikes, restingPotential } from './stimulus.ts';
export type { Recording, RecordedSweep, RecordingFormat, ChannelInfo, Epoch, StimulusInfo, RecordingTag } from './recorded.ts';
