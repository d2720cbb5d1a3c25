import { ByteReader, latin1, numericView } from './binary.ts';
import { unitKind, type ChannelInfo, type Epoch, type RecordingTag } from './recorded.ts';

/**
 * An Axon Binary File (ABF 1 or 2) taken apart: header values, ADC channels with their
 * scaling, the sweeps' samples and the command waveform rebuilt from the epoch table.
 * Our own reader of the format as pyABF and neo document it.
 */
export interface AbfFile {
  format: 'abf1' | 'abf2';
  /** '2.06', '1.84', ... */
  fileVersion: string;
  /** 1 event-driven variable length, 2 loose fixed length, 3 gap-free, 4 high-speed oscilloscope, 5 episodic. */
  operationMode: number;
  protocolPath: string;
  creator: string;
  comment: string;
  channels: ChannelInfo[];
  sampleRateHz: number;
  sweepCount: number;
  /** Samples per sweep per channel. */
  pointsPerSweep: number;
  tags: RecordingTag[];
  /** Raw header values, under their Axon names (tested against pyABF's dumps). */
  header: Record<string, number | string | number[]>;
  /** One channel of one sweep, scaled to the channel's unit. */
  data(channel: number, sweep: number): Float64Array;
  /** The command waveform of a sweep from the first DAC whose epochs are enabled, or undefined. */
  command(sweep: number): AbfCommand | undefined;
}

export interface AbfCommand {
  dac: number;
  name: string;
  unit: string;
  holding: number;
  values: Float64Array;
  epochs: Epoch[];
  /** Epochs drawn approximately (triangle, cosine, biphasic). */
  warnings: string[];
}

interface AdcScale {
  scale: number;
  offset: number;
}

interface DacTable {
  name: string;
  unit: string;
  holding: number;
  waveformEnabled: boolean;
  fromEpochs: boolean;
  interEpisodeLevel: boolean;
  epochs: { type: number; init: number; inc: number; duration: number; durationInc: number; pulsePeriod: number; pulseWidth: number }[];
}

const BLOCK = 512;
const EPOCH_KINDS: Record<number, Epoch['kind']> = { 1: 'step', 2: 'ramp', 3: 'pulse' };

/** True when the bytes start as an ABF file ('ABF ' or 'ABF2'). */
export function isAbf(bytes: Uint8Array): 'abf1' | 'abf2' | undefined {
  const sig = latin1(bytes.subarray(0, 4));
  return sig === 'ABF2' ? 'abf2' : sig === 'ABF ' ? 'abf1' : undefined;
}

/**
 * Parses an ABF 1 or 2 file. Errors name the file and the problem: a truncated file (with
 * the offset), an unsupported version or operation mode (with what was found).
 *
 * ```ts
 * const abf = parseAbf(readFileSync('cell.abf'), 'cell.abf');
 * const v = abf.data(0, 3); // channel 0 of sweep 3, in the channel's unit
 * ```
 */
export function parseAbf(bytes: Uint8Array, path: string): AbfFile {
  const kind = isAbf(bytes);
  if (kind === 'abf2') return parseAbf2(new ByteReader(bytes, path));
  if (kind === 'abf1') return parseAbf1(new ByteReader(bytes, path));
  throw new Error(`${path}: not an ABF file (it starts with '${latin1(bytes.subarray(0, 4))}', not 'ABF ' or 'ABF2')`);
}

function parseAbf2(r: ByteReader): AbfFile {
  const [, , minor, major] = [r.bytes[4], r.bytes[5], r.bytes[6], r.bytes[7]].map((x) => x ?? 0) as [number, number, number, number];
  if (major !== 2) throw new Error(`${r.path}: unsupported ABF version ${major}.${minor} (signature 'ABF2' with major version ${major}); ABF 1.x and 2.x are read`);
  const section = (offset: number, name: string) => ({ block: r.u32(offset, `${name} pointer`), bytes: r.u32(offset + 4, `${name} size`), count: r.i64(offset + 8, `${name} count`) });
  const protocol = section(76, 'protocol section');
  const adc = section(92, 'ADC section');
  const dac = section(108, 'DAC section');
  const epochPerDac = section(156, 'epoch-per-DAC section');
  const strings = section(220, 'strings section');
  const data = section(236, 'data section');
  const tagSec = section(252, 'tag section');
  const p = protocol.block * BLOCK;
  const operationMode = r.i16(p, 'nOperationMode');
  const sequenceInterval = r.f32(p + 2, 'fADCSequenceInterval');
  const synchTimeUnit = r.f32(p + 14, 'fSynchTimeUnit');
  const samplesPerEpisode = r.i32(p + 22, 'lNumSamplesPerEpisode');
  const adcRange = r.f32(p + 110, 'fADCRange');
  const adcResolution = r.i32(p + 118, 'lADCResolution');

  // strings: a 44-byte header, then NUL-separated strings that the other sections index from 1
  const s0 = strings.block * BLOCK;
  r.need(s0, strings.bytes, 'strings section');
  const list = strings.bytes > 44 ? latin1(r.bytes.subarray(s0 + 44, s0 + strings.bytes)).split('\0') : [];
  const str = (index: number) => (index > 0 ? (list[index - 1] ?? '').trim() : '');

  const channelCount = adc.count;
  if (channelCount < 1) throw new Error(`${r.path}: corrupt ABF 2 header: the ADC section lists ${channelCount} channels`);
  const channels: ChannelInfo[] = [];
  const scales: AdcScale[] = [];
  const header: AbfFile['header'] = {};
  for (let c = 0; c < channelCount; c++) {
    const o = adc.block * BLOCK + c * adc.bytes;
    const what = `ADC channel ${c}`;
    const telegraph = r.i16(o + 2, what);
    const additGain = r.f32(o + 6, what);
    const programmableGain = r.f32(o + 28, what);
    const instrumentScale = r.f32(o + 40, what);
    const instrumentOffset = r.f32(o + 44, what);
    const signalGain = r.f32(o + 48, what);
    const signalOffset = r.f32(o + 52, what);
    const name = str(r.i32(o + 74, what));
    const unit = str(r.i32(o + 78, what));
    addAdcChannel({ channels, scales, header }, c, { name, unit, adcRange, adcResolution, telegraph, additGain, programmableGain, instrumentScale, instrumentOffset, signalGain, signalOffset });
  }
  const dacs: DacTable[] = [];
  for (let d = 0; d < dac.count; d++) {
    const o = dac.block * BLOCK + d * dac.bytes;
    const what = `DAC ${d}`;
    const source = r.i16(o + 42, what);
    dacs.push({
      name: str(r.i32(o + 24, what)),
      unit: str(r.i32(o + 28, what)),
      holding: r.f32(o + 12, what),
      waveformEnabled: r.i16(o + 40, what) !== 0,
      fromEpochs: source === 1,
      interEpisodeLevel: r.i16(o + 44, what) !== 0,
      epochs: [],
    });
    header[`fDACScaleFactor[${d}]`] = r.f32(o + 8, what);
  }
  for (let e = 0; e < epochPerDac.count; e++) {
    const o = epochPerDac.block * BLOCK + e * epochPerDac.bytes;
    const what = `epoch ${e}`;
    const epochNum = r.i16(o, what);
    const d = dacs[r.i16(o + 2, what)];
    if (!d) continue;
    d.epochs[epochNum] = {
      type: r.i16(o + 4, what),
      init: r.f32(o + 6, what),
      inc: r.f32(o + 10, what),
      duration: r.i32(o + 14, what),
      durationInc: r.i32(o + 18, what),
      pulsePeriod: r.i32(o + 22, what),
      pulseWidth: r.i32(o + 26, what),
    };
  }
  for (const d of dacs) d.epochs = Array.from(d.epochs, (e) => e ?? { type: 0, init: 0, inc: 0, duration: 0, durationInc: 0, pulsePeriod: 0, pulseWidth: 0 });

  const dataFormat = data.bytes === 4 ? 1 : 0;
  const tags: RecordingTag[] = [];
  for (let k = 0; k < tagSec.count; k++) {
    const o = tagSec.block * BLOCK + k * tagSec.bytes;
    tags.push({ time: (r.i32(o, `tag ${k}`) * synchTimeUnit) / 1000, comment: r.text(o + 4, 56, `tag ${k}`) });
  }
  Object.assign(header, {
    fFileVersionNumber: `${major}.${String(minor).padStart(2, '0')}`,
    nOperationMode: operationMode,
    lActualEpisodes: r.u32(12),
    nADCNumChannels: channelCount,
    fADCSequenceInterval: sequenceInterval,
    fSynchTimeUnit: synchTimeUnit,
    lNumSamplesPerEpisode: samplesPerEpisode,
    fADCRange: adcRange,
    lADCResolution: adcResolution,
    lDataSectionPtr: data.block,
    nDataFormat: dataFormat,
    lActualAcqLength: data.count,
    lNumTagEntries: tagSec.count,
  });
  return assemble(r, {
    format: 'abf2',
    fileVersion: `${major}.${String(minor).padStart(2, '0')}`,
    operationMode,
    protocolPath: str(r.u32(72)),
    creator: str(r.u32(60)),
    comment: '',
    channels,
    scales,
    dacs,
    sampleIntervalUs: sequenceInterval,
    samplesPerEpisode,
    dataOffset: data.block * BLOCK,
    totalSamples: data.count,
    dataFormat,
    episodes: r.u32(12),
    tags,
    header,
  });
}

function parseAbf1(r: ByteReader): AbfFile {
  const version = r.f32(4, 'fFileVersionNumber');
  if (!(version >= 1 && version < 2)) throw new Error(`${r.path}: unsupported ABF version ${version} in a file with signature 'ABF '; ABF 1.x and 2.x are read`);
  const operationMode = r.i16(8, 'nOperationMode');
  const totalSamples = r.i32(10, 'lActualAcqLength');
  const ignored = r.i16(14, 'nNumPointsIgnored');
  const episodes = r.i32(16, 'lActualEpisodes');
  const dataBlock = r.i32(40, 'lDataSectionPtr');
  const tagBlock = r.i32(44, 'lTagSectionPtr');
  const tagCount = r.i32(48, 'lNumTagEntries');
  const dataFormat = r.i16(100, 'nDataFormat');
  const channelCount = r.i16(120, 'nADCNumChannels');
  const sampleInterval = r.f32(122, 'fADCSampleInterval');
  const synchTimeUnit = r.f32(130, 'fSynchTimeUnit');
  const samplesPerEpisode = r.i32(138, 'lNumSamplesPerEpisode');
  const adcRange = r.f32(244, 'fADCRange');
  const adcResolution = r.i32(252, 'lADCResolution');
  if (!(channelCount >= 1 && channelCount <= 16)) throw new Error(`${r.path}: corrupt ABF 1 header: nADCNumChannels is ${channelCount} (1 to 16 expected)`);
  // header version 1.6+ has the extended header with telegraph gains (at 4512, 4576)
  const extended = r.length >= 5000 && version >= 1.6;
  const channels: ChannelInfo[] = [];
  const scales: AdcScale[] = [];
  const header: AbfFile['header'] = {};
  for (let c = 0; c < channelCount; c++) {
    const physical = r.i16(410 + 2 * c, 'nADCSamplingSeq');
    if (!(physical >= 0 && physical < 16)) throw new Error(`${r.path}: corrupt ABF 1 header: channel ${c} samples physical channel ${physical}`);
    const name = r.text(442 + 10 * physical, 10);
    const unit = r.text(602 + 8 * physical, 8);
    const programmableGain = r.f32(730 + 4 * physical);
    const instrumentScale = r.f32(922 + 4 * physical);
    const instrumentOffset = r.f32(986 + 4 * physical);
    const signalGain = r.f32(1050 + 4 * physical);
    const signalOffset = r.f32(1114 + 4 * physical);
    const telegraph = extended ? r.i16(4512 + 2 * physical) : 0;
    const additGain = extended ? r.f32(4576 + 4 * physical) : 1;
    addAdcChannel({ channels, scales, header }, c, { name, unit, adcRange, adcResolution, telegraph, additGain, programmableGain, instrumentScale, instrumentOffset, signalGain, signalOffset });
  }
  // ABF 1 keeps the epoch tables of two DACs (10 epochs each) in the extended header
  const dacs: DacTable[] = [];
  for (let d = 0; d < 4; d++) {
    const table: DacTable = { name: r.text(1306 + 10 * d, 10), unit: r.text(1346 + 8 * d, 8), holding: r.f32(1394 + 4 * d), waveformEnabled: false, fromEpochs: false, interEpisodeLevel: false, epochs: [] };
    header[`fDACScaleFactor[${d}]`] = r.f32(1378 + 4 * d);
    if (extended && d < 2) {
      table.waveformEnabled = r.i16(2296 + 2 * d) !== 0;
      table.fromEpochs = r.i16(2300 + 2 * d) === 1;
      table.interEpisodeLevel = r.i16(2304 + 2 * d) !== 0;
      for (let e = 0; e < 10; e++) {
        const k = d * 10 + e;
        table.epochs.push({
          type: r.i16(2308 + 2 * k),
          init: r.f32(2348 + 4 * k),
          inc: r.f32(2428 + 4 * k),
          duration: r.i32(2508 + 4 * k),
          durationInc: r.i32(2588 + 4 * k),
          pulsePeriod: r.i32(2136 + 4 * k),
          pulseWidth: r.i32(2216 + 4 * k),
        });
      }
    }
    dacs.push(table);
  }
  const bytesPerSample = dataFormat === 1 ? 4 : 2;
  const tags: RecordingTag[] = [];
  for (let k = 0; k < tagCount; k++) {
    const o = tagBlock * BLOCK + k * 64;
    // ABF 1 tag times count samples (all channels) when fSynchTimeUnit is 0
    const ticks = r.i32(o, `tag ${k}`);
    const usPerTick = synchTimeUnit > 0 ? synchTimeUnit : sampleInterval;
    tags.push({ time: (ticks * usPerTick) / 1000, comment: r.text(o + 4, 56, `tag ${k}`) });
  }
  Object.assign(header, {
    fFileVersionNumber: version.toFixed(2),
    nOperationMode: operationMode,
    lActualEpisodes: episodes,
    nADCNumChannels: channelCount,
    fADCSequenceInterval: sampleInterval * channelCount,
    fSynchTimeUnit: synchTimeUnit,
    lNumSamplesPerEpisode: samplesPerEpisode,
    fADCRange: adcRange,
    lADCResolution: adcResolution,
    lDataSectionPtr: dataBlock,
    nDataFormat: dataFormat,
    lActualAcqLength: totalSamples,
    lNumTagEntries: tagCount,
  });
  return assemble(r, {
    format: 'abf1',
    fileVersion: version.toFixed(2),
    operationMode,
    protocolPath: extended ? r.text(4898, 256) : '',
    creator: '',
    comment: extended ? r.text(5798, 128) : '',
    channels,
    scales,
    dacs,
    sampleIntervalUs: sampleInterval * channelCount,
    samplesPerEpisode,
    dataOffset: dataBlock * BLOCK + ignored * bytesPerSample,
    totalSamples,
    dataFormat,
    episodes,
    tags,
    header,
  });
}

/** From an ADC count to the channel's unit (Axon's formula: range over resolution, over the gains, plus the offsets). */
/** One ADC channel's header fields, as both ABF versions store them (at different places). */
interface AdcFields {
  name: string;
  unit: string;
  adcRange: number;
  adcResolution: number;
  telegraph: number;
  additGain: number;
  programmableGain: number;
  instrumentScale: number;
  instrumentOffset: number;
  signalGain: number;
  signalOffset: number;
}

/** Adds channel `c`: its description, its integer-to-unit scaling, and its gains under pyABF's header names. */
function addAdcChannel(out: { channels: ChannelInfo[]; scales: AdcScale[]; header: AbfFile['header'] }, c: number, f: AdcFields): void {
  out.channels.push({ index: c, name: f.name, unit: f.unit, kind: unitKind(f.unit) });
  // the telegraphed gain counts only where the telegraph is on
  const gain = f.instrumentScale * f.signalGain * f.programmableGain * (f.telegraph ? f.additGain : 1);
  out.scales.push({ scale: gain !== 0 && f.adcResolution !== 0 ? f.adcRange / f.adcResolution / gain : 1, offset: f.instrumentOffset - f.signalOffset });
  Object.assign(out.header, {
    [`nTelegraphEnable[${c}]`]: f.telegraph,
    [`fTelegraphAdditGain[${c}]`]: f.additGain,
    [`fADCProgrammableGain[${c}]`]: f.programmableGain,
    [`fInstrumentScaleFactor[${c}]`]: f.instrumentScale,
    [`fInstrumentOffset[${c}]`]: f.instrumentOffset,
    [`fSignalGain[${c}]`]: f.signalGain,
    [`fSignalOffset[${c}]`]: f.signalOffset,
  });
}

/** What each version's header parser hands to {@link assemble}. */
interface Parts extends Pick<AbfFile, 'format' | 'fileVersion' | 'operationMode' | 'protocolPath' | 'creator' | 'comment' | 'channels'> {
  scales: AdcScale[];
  dacs: DacTable[];
  sampleIntervalUs: number;
  samplesPerEpisode: number;
  dataOffset: number;
  totalSamples: number;
  dataFormat: number;
  episodes: number;
  tags: RecordingTag[];
  header: AbfFile['header'];
}

function assemble(r: ByteReader, p: Parts): AbfFile {
  const nch = p.channels.length;
  if (!(p.sampleIntervalUs > 0)) throw new Error(`${r.path}: corrupt ABF header: sampling interval ${p.sampleIntervalUs} µs`);
  if (p.dataFormat !== 0 && p.dataFormat !== 1) throw new Error(`${r.path}: unsupported ABF data format ${p.dataFormat} (0 = int16, 1 = float32)`);
  if (![1, 2, 3, 4, 5].includes(p.operationMode)) throw new Error(`${r.path}: unsupported ABF operation mode ${p.operationMode} (1 to 5 are known: 3 gap-free, 5 episodic)`);
  const raw = numericView(r, p.dataOffset, p.totalSamples, p.dataFormat === 1 ? 'float32' : 'int16', `the data section (${p.totalSamples} samples from byte ${p.dataOffset})`);
  // gap-free (3) and event modes are one long sweep here; episodic has lActualEpisodes sweeps
  const gapFree = p.operationMode !== 5 && p.operationMode !== 2;
  const sweepCount = gapFree ? 1 : Math.max(1, p.episodes);
  const pointsPerSweep = gapFree ? Math.floor(p.totalSamples / nch) : Math.floor(p.samplesPerEpisode / nch);
  if (pointsPerSweep * nch * sweepCount > p.totalSamples) {
    throw new Error(`${r.path}: truncated or corrupt ABF file: ${sweepCount} sweeps of ${pointsPerSweep} samples × ${nch} channels need ${pointsPerSweep * nch * sweepCount} samples, the data section holds ${p.totalSamples}`);
  }
  const sampleRateHz = 1e6 / p.sampleIntervalUs;
  const dtMs = p.sampleIntervalUs / 1000;
  const scaled = p.dataFormat === 0;
  return {
    format: p.format,
    fileVersion: p.fileVersion,
    operationMode: p.operationMode,
    protocolPath: p.protocolPath,
    creator: p.creator,
    comment: p.comment,
    channels: p.channels,
    sampleRateHz,
    sweepCount,
    pointsPerSweep,
    tags: p.tags,
    header: p.header,
    data(channel, sweep) {
      if (!Number.isInteger(channel) || channel < 0 || channel >= nch) {
        throw new Error(`${r.path}: no channel ${channel} (channels: ${p.channels.map((c) => `${c.index} '${c.name}' (${c.unit})`).join(', ')})`);
      }
      if (!Number.isInteger(sweep) || sweep < 0 || sweep >= sweepCount) throw new Error(`${r.path}: no sweep ${sweep} (sweeps 0–${sweepCount - 1})`);
      const { scale, offset } = scaled ? p.scales[channel]! : { scale: 1, offset: 0 };
      const out = new Float64Array(pointsPerSweep);
      let k = sweep * pointsPerSweep * nch + channel;
      for (let i = 0; i < pointsPerSweep; i++, k += nch) out[i] = raw[k]! * scale + offset;
      return out;
    },
    command(sweep) {
      const d = p.dacs.findIndex((t) => t.waveformEnabled && t.fromEpochs && t.epochs.some((e) => e.type !== 0));
      if (d < 0) return undefined;
      return rebuildCommand(p.dacs[d]!, d, sweep, pointsPerSweep, dtMs);
    },
  };
}

/**
 * The command of one sweep: the holding level for the first 1/64 of the sweep (Clampex
 * starts the epochs there), then each epoch's level (initial level + sweep × increment) for
 * its duration (initial + sweep × increment samples), a ramp going linearly from the level
 * before it, a pulse train at the level for its pulse width every period and at the level
 * before it in between; after the last epoch, the holding level (or the last level, when the protocol
 * keeps it between episodes).
 */
function rebuildCommand(dac: DacTable, index: number, sweep: number, points: number, dtMs: number): AbfCommand {
  const values = new Float64Array(points).fill(dac.holding);
  const epochs: Epoch[] = [];
  const warnings: string[] = [];
  let position = Math.floor(points / 64);
  let level = dac.holding;
  dac.epochs.forEach((e, k) => {
    if (e.type === 0) return;
    const duration = Math.max(0, e.duration + sweep * e.durationInc);
    const target = e.init + sweep * e.inc;
    const start = position;
    const end = Math.min(points, position + duration);
    const from = level;
    // a pulse train: the level for `width` samples of every `period`, the level before it between pulses
    const pulses = e.type === 3 && e.pulsePeriod > 0 && e.pulseWidth > 0 && e.pulseWidth < e.pulsePeriod;
    for (let i = start; i < end; i++) {
      if (e.type === 2) values[i] = from + ((target - from) * (i - start + 1)) / duration;
      else if (pulses) values[i] = (i - start) % e.pulsePeriod < e.pulseWidth ? target : from;
      else values[i] = target;
    }
    if (e.type >= 4) warnings.push(`epoch ${String.fromCharCode(65 + k)} of DAC ${index} is of type ${e.type} (triangle, cosine or biphasic): drawn as a step to its level`);
    epochs.push({ label: String.fromCharCode(65 + k), kind: EPOCH_KINDS[e.type] ?? 'other', start: start * dtMs, end: (start + duration) * dtMs, level: target });
    // between pulses the command stays at the level before the train
    if (!pulses) level = target;
    position += duration;
  });
  if (dac.interEpisodeLevel) values.fill(level, Math.min(points, position));
  return { dac: index, name: dac.name, unit: dac.unit, holding: dac.holding, values, epochs, warnings };
}
