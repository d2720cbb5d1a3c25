import type { Sweep } from './recording.ts';

/** File formats {@link readRecordingFile} reads. */
export type RecordingFormat = 'abf1' | 'abf2' | 'ibw' | 'nwb' | 'csv';

/** One recorded (ADC) channel of a file. */
export interface ChannelInfo {
  /** 0-based position among the file's channels (the `--channel` index). */
  index: number;
  name: string;
  /** Unit as the file states it ('mV', 'pA', 'volts', ...). */
  unit: string;
  /** What the unit says the channel measures. */
  kind: 'voltage' | 'current' | 'other';
}

/** One epoch of a command waveform (ABF epoch table), in the sweep's time (ms). */
export interface Epoch {
  /** Clampex's letter: A, B, C, ... */
  label: string;
  kind: 'step' | 'ramp' | 'pulse' | 'other';
  start: number;
  end: number;
  /** Level at the end of the epoch, in pA (current clamp) or the command's own unit. */
  level: number;
}

/** The stimulus of a sweep: the first part of the command that leaves the holding level. */
export interface StimulusInfo {
  kind: 'step' | 'ramp' | 'other' | 'none';
  /** Change from the holding level (pA): a step's height, a ramp's final height. */
  amplitude: number;
  /** Onset and offset (ms). */
  start: number;
  end: number;
  /** The holding current (pA). */
  holding: number;
}

/** A sweep as read from a file: a {@link Sweep} (t ms, v mV, I pA) with where it came from. */
export interface RecordedSweep extends Sweep {
  /** 0-based index in the file's recording order. */
  index: number;
  /** Protocol or stimulus description of the sweep (NWB: stimulus_description). */
  protocol?: string;
  stimulus?: StimulusInfo;
  /** The command's epochs (ABF), when the protocol has several. */
  epochs?: Epoch[];
  /** Where `I` comes from: a recorded current channel, the command rebuilt from the protocol, or none (zero). */
  currentSource: 'recorded' | 'command' | 'stimulus-series' | 'none';
  metadata: Record<string, unknown>;
}

/** A tag or comment placed during the recording (ABF). */
export interface RecordingTag {
  /** Time from the start of the recording (ms). */
  time: number;
  comment: string;
}

/** What {@link readRecordingFile} returns for any format. */
export interface Recording {
  format: RecordingFormat;
  path: string;
  protocol?: string;
  channels: ChannelInfo[];
  sweeps: RecordedSweep[];
  tags: RecordingTag[];
  metadata: Record<string, unknown>;
}

/** 'voltage' for V/mV/volts, 'current' for A/pA/nA/amperes, else 'other'. */
export function unitKind(unit: string): ChannelInfo['kind'] {
  const u = unit.trim().toLowerCase();
  if (/^(m|µ|u)?v$|^(milli)?volts?$/.test(u)) return 'voltage';
  if (/^(f|p|n|µ|u|m)?a$|^(pico|nano|micro|milli)?amp(ere)?s?$/.test(u)) return 'current';
  return 'other';
}

/** Factor from a voltage unit to mV, or undefined. */
export function toMillivolts(unit: string): number | undefined {
  const u = unit.trim().toLowerCase();
  if (u === 'mv' || u === 'millivolts' || u === 'millivolt') return 1;
  if (u === 'v' || u === 'volts' || u === 'volt') return 1000;
  if (u === 'uv' || u === 'µv') return 1e-3;
  return undefined;
}

/** Factor from a current unit to pA, or undefined. */
export function toPicoamperes(unit: string): number | undefined {
  const u = unit.trim().toLowerCase().replace(/^amperes?$|^amps?$/, 'a');
  const table: Record<string, number> = { fa: 1e-3, pa: 1, na: 1e3, ua: 1e6, µa: 1e6, ma: 1e9, a: 1e12 };
  return table[u];
}
