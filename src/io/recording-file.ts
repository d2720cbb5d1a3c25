import { open, readFile } from 'node:fs/promises';
import { isAbf, parseAbf, type AbfFile } from './abf.ts';
import { isIbw, parseIbw, type IbwWave } from './ibw.ts';
import { isHdf5, readNwb } from './nwb.ts';
import { readRecording, type RecordingOptions } from './recording.ts';
import { toMillivolts, toPicoamperes, unitKind, type ChannelInfo, type RecordedSweep, type Recording, type RecordingFormat } from './recorded.ts';
import { describeStimulus, stimulusFromEpochs } from './stimulus.ts';

/** Which sweeps and channels to take from a file; the CSV options apply to CSV files. */
export interface ReadRecordingOptions extends RecordingOptions {
  /** Sweep indices (0-based, in the file's recording order) to keep; default all. */
  sweeps?: readonly number[];
  /** Voltage channel (name or 0-based index) of an ABF file; default the first in mV. */
  channel?: string | number;
  /** Keep only sweeps of this protocol (NWB stimulus_description, ABF protocol file name, IBW PATTERN). */
  protocol?: string;
  /** A separate current file (an Igor wave of the same sweep, or a CSV with columns t, I). */
  current?: string;
}

/**
 * Reads a recording in any supported format, chosen by its first bytes (not its
 * extension): ABF 1 and 2, NWB 2 (HDF5), Igor binary waves (v2, v5), else CSV/whitespace
 * text. Every sweep has t (ms), v (mV) and I (pA): from a recorded current channel, else
 * the command rebuilt from the ABF epoch table, else the NWB stimulus series, else (an
 * Igor voltage wave alone) `options.current` or an error.
 *
 * ```ts
 * const rec = await readRecordingFile('B6_Ch3_IDRest_181.ibw', { current: 'B6_Ch0_IDRest_181.ibw' });
 * rec.sweeps[0].stimulus; // { kind: 'step', amplitude: 119…, start: 700, end: 2700, holding: … }
 * ```
 */
export async function readRecordingFile(path: string, options: ReadRecordingOptions = {}): Promise<Recording> {
  // an HDF5 file goes to h5wasm by path: no need to read it here first
  const head = await readHead(path);
  const bytes = isHdf5(head) ? head : await readBytes(path);
  const format = detectFormat(bytes);
  // a choice that the format has no use for is an error, not ignored
  if (options.channel !== undefined && format !== 'abf1' && format !== 'abf2') {
    throw new Error(`${path}: a channel (${options.channel}) is chosen in ABF files; this file is ${format}${format === 'csv' ? ' (name its columns instead: --v-col, --i-col)' : ''}`);
  }
  if (options.current !== undefined && format !== 'ibw') {
    throw new Error(`${path}: a separate current file (${options.current}) goes with an Igor voltage wave; this file is ${format}, which holds its own current or command`);
  }
  let rec: Recording;
  if (format === 'abf1' || format === 'abf2') rec = fromAbf(parseAbf(bytes, path), path, options);
  else if (format === 'ibw') rec = await fromIbw(parseIbw(bytes, path), path, options);
  else if (format === 'nwb') rec = await fromNwb(path);
  else rec = fromCsv(path, options);
  if (options.protocol !== undefined) {
    const known = [...new Set(rec.sweeps.map((s) => s.protocol ?? ''))];
    rec.sweeps = rec.sweeps.filter((s) => s.protocol === options.protocol);
    if (rec.sweeps.length === 0) throw new Error(`${path}: no sweep of protocol '${options.protocol}' (protocols: ${known.map((p) => `'${p}'`).join(', ')})`);
  }
  if (options.sweeps) {
    const byIndex = new Map(rec.sweeps.map((s) => [s.index, s]));
    rec.sweeps = options.sweeps.map((k) => {
      const s = byIndex.get(k);
      if (!s) throw new Error(`${path}: no sweep ${k} (sweeps: ${describeIndices([...byIndex.keys()])}${options.protocol ? ` of protocol '${options.protocol}'` : ''})`);
      return s;
    });
  }
  return rec;
}

/**
 * The format the first bytes say: ABF, HDF5 (NWB), Igor wave, else text (CSV).
 *
 * ```ts
 * detectFormat(readFileSync('cell.dat')); // 'abf2', whatever the extension
 * ```
 */
export function detectFormat(bytes: Uint8Array): RecordingFormat {
  const abf = isAbf(bytes);
  if (abf) return abf;
  if (isHdf5(bytes)) return 'nwb';
  if (isIbw(bytes) && bytes.length >= 64 && !looksLikeText(bytes)) return 'ibw';
  return 'csv';
}

/** "0–15" or "0, 2, 5". */
function describeIndices(ks: number[]): string {
  const sorted = [...ks].sort((a, b) => a - b);
  return sorted.length > 2 && sorted.every((k, i) => i === 0 || k === sorted[i - 1]! + 1) ? `${sorted[0]}–${sorted.at(-1)}` : sorted.join(', ');
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let k = 0; k < n; k++) {
    const b = bytes[k]!;
    if (b === 0 || (b < 9 && b !== 0)) return false;
  }
  return true;
}

async function readHead(path: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(8);
      const { bytesRead } = await handle.read(head, 0, 8, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new Error(`cannot read data file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new Error(`cannot read data file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function timeAxis(n: number, dt: number): Float64Array {
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++) t[k] = k * dt;
  return t;
}

function pickChannel(channels: ChannelInfo[], ref: string | number | undefined, kind: 'voltage' | 'current', path: string): ChannelInfo | undefined {
  const list = () => channels.map((c) => `${c.index} '${c.name}' (${c.unit})`).join(', ');
  if (ref !== undefined) {
    const c = typeof ref === 'number' || /^\d+$/.test(ref) ? channels[Number(ref)] : channels.find((x) => x.name === ref);
    if (!c) throw new Error(`${path}: no channel ${typeof ref === 'number' ? ref : `'${ref}'`} (channels: ${list()})`);
    return c;
  }
  return channels.find((c) => c.kind === kind);
}

function fromAbf(abf: AbfFile, path: string, o: ReadRecordingOptions): Recording {
  const list = () => abf.channels.map((c) => `${c.index} '${c.name}' (${c.unit})`).join(', ');
  const vChannel = pickChannel(abf.channels, o.channel, 'voltage', path);
  if (!vChannel) throw new Error(`${path}: no voltage channel (channels: ${list()}); choose one (--channel NAME; channel: 'NAME')`);
  const vFactor = toMillivolts(vChannel.unit);
  if (vFactor === undefined) throw new Error(`${path}: channel '${vChannel.name}' is in ${vChannel.unit}, not a voltage (channels: ${list()})`);
  const iChannel = abf.channels.find((c) => c.kind === 'current' && c !== vChannel);
  const protocol = abf.protocolPath.split(/[\\/]/).pop()?.replace(/\.pro$/i, '') ?? '';
  const t = timeAxis(abf.pointsPerSweep, 1000 / abf.sampleRateHz);
  const sweeps: RecordedSweep[] = [];
  const commandWarnings = new Set<string>();
  for (let s = 0; s < abf.sweepCount; s++) {
    const v = abf.data(vChannel.index, s);
    if (vFactor !== 1) for (let k = 0; k < v.length; k++) v[k]! *= vFactor;
    const command = abf.command(s);
    for (const w of command?.warnings ?? []) commandWarnings.add(`${path}: ${w}`);
    let I: Float64Array;
    let currentSource: RecordedSweep['currentSource'];
    let stimulus;
    const commandScale = command ? toPicoamperes(command.unit) : undefined;
    if (command && commandScale !== undefined) stimulus = stimulusFromEpochs(command.epochs, command.holding, commandScale);
    if (iChannel) {
      I = abf.data(iChannel.index, s);
      const f = toPicoamperes(iChannel.unit)!;
      if (f !== 1) for (let k = 0; k < I.length; k++) I[k]! *= f;
      currentSource = 'recorded';
      stimulus ??= describeStimulus(I, 1000 / abf.sampleRateHz);
    } else if (command && commandScale !== undefined) {
      I = command.values;
      if (commandScale !== 1) for (let k = 0; k < I.length; k++) I[k]! *= commandScale;
      currentSource = 'command';
    } else {
      I = new Float64Array(v.length);
      currentSource = 'none';
    }
    sweeps.push({
      name: abf.sweepCount > 1 ? `${path}#${s}` : path,
      index: s,
      t,
      v,
      I,
      sampleDt: 1000 / abf.sampleRateHz,
      currentUnit: 'pA',
      protocol,
      stimulus,
      epochs: command && command.epochs.length > 1 ? command.epochs.map((e) => ({ ...e, level: commandScale !== undefined ? e.level * commandScale : e.level })) : undefined,
      currentSource,
      metadata: { voltageChannel: vChannel.name, currentChannel: iChannel?.name, command: command ? `${command.name} (${command.unit})` : undefined },
    });
  }
  return {
    format: abf.format,
    path,
    protocol,
    channels: abf.channels,
    sweeps,
    tags: abf.tags,
    metadata: { fileVersion: abf.fileVersion, operationMode: abf.operationMode === 3 ? 'gap-free' : abf.operationMode === 5 ? 'episodic' : abf.operationMode, protocolPath: abf.protocolPath, creator: abf.creator, sampleRateHz: abf.sampleRateHz, warnings: [...currentWarnings(sweeps, path), ...commandWarnings] },
  };
}

function currentWarnings(sweeps: RecordedSweep[], path: string): string[] {
  return sweeps.some((s) => s.currentSource === 'none') ? [`${path}: no current channel and no command waveform: the current is taken as zero`] : [];
}

function xFactor(w: IbwWave, path: string, warnings: string[]): number {
  const u = w.xUnit.trim().toLowerCase();
  if (u === 's') return 1000;
  if (u === 'ms') return 1;
  if (u === '') {
    // no unit: Igor's scaling is in seconds by convention (0.00025 for 4 kHz); an interval of
    // 10 ms or more would be an unusual recording in seconds and a usual one in ms: say so
    if (w.dx >= 0.01) warnings.push(`${path}: the wave names no x unit; its interval ${w.dx} is read as seconds (${w.dx * 1000} ms)`);
    return 1000;
  }
  throw new Error(`${path}: x unit '${w.xUnit}' is not a time unit (s or ms)`);
}

async function fromIbw(w: IbwWave, path: string, o: ReadRecordingOptions): Promise<Recording> {
  const warnings: string[] = [];
  const kind = unitKind(w.dataUnit);
  if (kind !== 'voltage') {
    throw new Error(`${path}: the wave is in '${w.dataUnit}', not a voltage: give the voltage wave as the data and this one as the current (--current ${path}; current: '${path}')`);
  }
  const dt = w.dx * xFactor(w, path, warnings);
  const v = w.values;
  const f = toMillivolts(w.dataUnit)!;
  if (f !== 1) for (let k = 0; k < v.length; k++) v[k]! *= f;
  let I: Float64Array;
  let currentSource: RecordedSweep['currentSource'] = 'none';
  const channels: ChannelInfo[] = [{ index: 0, name: w.name, unit: w.dataUnit, kind: 'voltage' }];
  if (o.current !== undefined) {
    I = await readCurrentFile(o.current, v.length, dt, path);
    currentSource = 'recorded';
    channels.push({ index: 1, name: o.current, unit: 'pA', kind: 'current' });
  } else {
    throw new Error(`${path}: an Igor wave holds one channel (voltage here): give the current wave of the same sweep (--current FILE.ibw; current: 'FILE.ibw')`);
  }
  const note = parseNote(w.note);
  const protocol = note['PATTERN'] ?? '';
  return {
    format: 'ibw',
    path,
    protocol,
    channels,
    sweeps: [{ name: path, index: 0, t: timeAxis(v.length, dt), v, I, sampleDt: dt, currentUnit: 'pA', protocol, stimulus: describeStimulus(I, dt), currentSource, metadata: { wave: w.name, version: w.version, note } }],
    tags: [],
    metadata: { version: w.version, warnings },
  };
}

/** The current of a paired file, in pA, checked against the voltage's length and interval. */
async function readCurrentFile(path: string, n: number, dt: number, voltagePath: string): Promise<Float64Array> {
  const bytes = await readBytes(path);
  const format = detectFormat(bytes);
  let I: Float64Array;
  let cdt: number;
  if (format === 'ibw') {
    const w = parseIbw(bytes, path);
    const f = toPicoamperes(w.dataUnit);
    if (f === undefined) throw new Error(`${path}: the current wave is in '${w.dataUnit}', not a current unit (pA, nA, A)`);
    I = w.values;
    if (f !== 1) for (let k = 0; k < I.length; k++) I[k]! *= f;
    cdt = w.dx * xFactor(w, path, []);
  } else if (format === 'csv') {
    const [s] = readRecording(path, { v: 'I', I: null });
    I = s!.v;
    cdt = s!.sampleDt;
  } else {
    throw new Error(`${path}: a separate current file must be an Igor wave or a CSV, not ${format}`);
  }
  if (I.length !== n) throw new Error(`${path}: ${I.length} current samples, but the voltage ${voltagePath} has ${n}: not the same sweep?`);
  if (Math.abs(cdt - dt) > 1e-6 * dt) throw new Error(`${path}: current sampled every ${cdt} ms, the voltage ${voltagePath} every ${dt} ms`);
  return I;
}

function parseNote(note: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of note.split(/[;\r\n]/)) {
    const k = part.indexOf(':');
    if (k > 0) out[part.slice(0, k).trim()] ??= part.slice(k + 1).trim();
  }
  return out;
}

async function fromNwb(path: string): Promise<Recording> {
  const nwb = await readNwb(path);
  const sweeps: RecordedSweep[] = nwb.sweeps.map((s, index) => ({
    name: `${path}#${s.name}`,
    index,
    t: timeAxis(s.v.length, s.sampleDt),
    v: s.v,
    I: s.I ?? new Float64Array(s.v.length),
    sampleDt: s.sampleDt,
    currentUnit: 'pA',
    protocol: s.protocol,
    stimulus: s.I ? describeStimulus(s.I, s.sampleDt) : undefined,
    currentSource: s.I ? 'stimulus-series' : 'none',
    metadata: { series: s.name, stimulusSeries: s.stimulusName, startingTime: s.startingTime, sweepNumber: s.sweepNumber },
  }));
  const protocols = [...new Set(sweeps.map((s) => s.protocol))];
  return {
    format: 'nwb',
    path,
    protocol: protocols.length === 1 ? protocols[0] : undefined,
    channels: [{ index: 0, name: 'CurrentClampSeries', unit: 'mV', kind: 'voltage' }, { index: 1, name: 'CurrentClampStimulusSeries', unit: 'pA', kind: 'current' }],
    sweeps,
    tags: [],
    metadata: { nwbVersion: nwb.nwbVersion, order: nwb.order, skipped: nwb.skipped, warnings: currentWarnings(sweeps, path) },
  };
}

function fromCsv(path: string, o: ReadRecordingOptions): Recording {
  const sweeps = readRecording(path, o).map((s, index): RecordedSweep => ({
    ...s,
    index,
    stimulus: describeStimulus(s.I, s.sampleDt),
    currentSource: o.I === null ? 'none' : 'recorded',
    metadata: {},
  }));
  return { format: 'csv', path, channels: [], sweeps, tags: [], metadata: {} };
}
