import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAbf } from '../src/io/abf.ts';
import { parseIbw } from '../src/io/ibw.ts';
import { readRecordingFile, detectFormat } from '../src/io/recording-file.ts';
import { countSpikes } from '../src/io/stimulus.ts';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
const abfPath = (name: string) => join(FIX, 'abf', name);
const b6 = (ch: number, k: number) => join(FIX, 'bluepyefe', `B6_Ch${ch}_IDRest_18${k}.ibw`);
const NWB = join(FIX, 'bluepyefe', '99111002.nwb');

/** `name = value` lines of pyABF's header dump (scalars only). */
function abfinfo(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(abfPath(name), 'utf8').split(/\r?\n/)) {
    const m = /^(\w+(?:\[\d+\])?)\s*=\s*(\S.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Rows of the dump's ADC table: name and unit per channel, then the gains. */
function adcTable(name: string): { name: string; unit: string; instrumentScale: number; signalGain: number }[] {
  const lines = readFileSync(abfPath(name), 'utf8').split(/\r?\n/);
  const at = lines.findIndex((l) => /sADCChannelName\s+sADCUnits/.test(l));
  const rows: { name: string; unit: string; instrumentScale: number; signalGain: number }[] = [];
  for (let k = at + 1; /^\s*\d+\s/.test(lines[k] ?? ''); k++) {
    const [, , chName, unit] = /^\s*(\d+)\s+(.+?)\s{2,}(\S+)\s*$/.exec(lines[k]!)!;
    rows.push({ name: chName!.trim(), unit: unit!, instrumentScale: NaN, signalGain: NaN });
  }
  const g = lines.findIndex((l) => /fADCDisplayAmplification\s+fSignalGain/.test(l));
  rows.forEach((row, c) => {
    const cells = lines[g + 1 + c]!.trim().split(/\s+/).map(Number);
    row.instrumentScale = cells[1]!;
    row.signalGain = cells[4]!;
  });
  return rows;
}

describe('ABF reader', () => {
  for (const file of ['17o05028_ic_steps', '18425108', '18425108_abf1']) {
    it(`reads the header of ${file} as pyABF's dump gives it`, () => {
      const abf = parseAbf(readFileSync(abfPath(`${file}.abf`)), file);
      const info = abfinfo(`${file}.abfinfo`);
      for (const key of ['nOperationMode', 'lActualAcqLength', 'lActualEpisodes', 'nADCNumChannels', 'fADCSequenceInterval', 'lNumSamplesPerEpisode', 'fADCRange', 'lADCResolution', 'lDataSectionPtr', 'nDataFormat', 'fSynchTimeUnit', 'lNumTagEntries']) {
        expect(Number(abf.header[key]), key).toBeCloseTo(Number(info[key]), 6);
      }
      expect(abf.fileVersion).toBe(info['fFileVersionNumber']);
      for (let c = 0; c < abf.channels.length; c++) {
        expect(Number(abf.header[`nTelegraphEnable[${c}]`])).toBe(Number(info[`nTelegraphEnable[${c}]`]));
        expect(Number(abf.header[`fTelegraphAdditGain[${c}]`])).toBeCloseTo(Number(info[`fTelegraphAdditGain[${c}]`]), 6);
      }
      const table = adcTable(`${file}.abfinfo`);
      expect(abf.channels.map((c) => [c.name, c.unit])).toEqual(table.map((r) => [r.name, r.unit]));
      table.forEach((row, c) => {
        expect(Number(abf.header[`fInstrumentScaleFactor[${c}]`])).toBeCloseTo(row.instrumentScale, 6);
        expect(Number(abf.header[`fSignalGain[${c}]`])).toBeCloseTo(row.signalGain, 6);
      });
      expect(abf.protocolPath.endsWith('.pro')).toBe(true);
    });
  }

  it('rebuilds the command of 17o05028 from its epoch table: −50 + 10·sweep pA steps after 1/64 of the sweep', async () => {
    const rec = await readRecordingFile(abfPath('17o05028_ic_steps.abf'));
    expect(rec.format).toBe('abf2');
    expect(rec.sweeps.length).toBe(16);
    expect(rec.channels).toEqual([{ index: 0, name: 'IN 0', unit: 'mV', kind: 'voltage' }]);
    const pre = Math.floor(60000 / 64); // 937 samples at 20 kHz
    for (const s of rec.sweeps) {
      expect(s.currentSource).toBe('command');
      expect(s.sampleDt).toBeCloseTo(0.05, 12);
      expect(s.t.length).toBe(60000);
      const level = -50 + 10 * s.index;
      // the stimulus is the first epoch off the holding level: B, or D (−50 pA) in the sweep where B is 0
      const first = level !== 0 ? { amplitude: level, start: pre + 2000, end: pre + 12000 } : { amplitude: -50, start: pre + 22000, end: pre + 32000 };
      expect(s.stimulus).toMatchObject({ kind: 'step', amplitude: first.amplitude, holding: 0 });
      expect(s.stimulus!.start).toBeCloseTo(first.start * 0.05, 9);
      expect(s.stimulus!.end).toBeCloseTo(first.end * 0.05, 9);
      expect(s.epochs!.map((e) => [e.label, e.level])).toEqual([['A', 0], ['B', level], ['C', 0], ['D', -50], ['E', level]]);
      expect(s.I[pre - 1]).toBe(0);
      expect(s.I[pre + 2000]).toBe(level);
      expect(s.I[pre + 12000 - 1]).toBe(level);
      expect(s.I[pre + 12000]).toBe(0);
      expect(s.I[pre + 32000]).toBe(level);
      expect(s.I[pre + 42000]).toBe(0);
    }
    // first sample of sweep 0, checked by hand from the int16 (−1543) and the scaling: 10 V / 32768 / 0.01 V/mV
    expect(rec.sweeps[0]!.v[0]).toBeCloseTo(-47.0886, 3);
    // sweep 0 fires 10 times (the example output for this file says 10 too), the largest step more
    expect(countSpikes(rec.sweeps[0]!.v)).toBe(10);
    expect(countSpikes(rec.sweeps[15]!.v)).toBeGreaterThan(10);
  });

  it('reads the ABF 1 and ABF 2 versions of 18425108 alike: same channels, epochs, current, voltage within one ADC count', async () => {
    const a = await readRecordingFile(abfPath('18425108.abf'));
    const b = await readRecordingFile(abfPath('18425108_abf1.abf'));
    expect([a.format, b.format]).toEqual(['abf2', 'abf1']);
    expect(b.channels).toEqual(a.channels);
    expect(b.protocol).toBe(a.protocol);
    expect(b.sweeps.length).toBe(a.sweeps.length);
    const [sa, sb] = [a.sweeps[0]!, b.sweeps[0]!];
    expect(sb.sampleDt).toBe(sa.sampleDt);
    expect(sb.epochs).toEqual(sa.epochs);
    expect(sb.stimulus).toEqual(sa.stimulus);
    expect(Array.from(sb.I)).toEqual(Array.from(sa.I));
    // Clampfit re-quantised the voltage channel when it saved ABF 1: the stored integers differ by one
    // count (10 V / 32768 / 0.01 = 0.0305 mV) in 249 769 of 250 000 samples, never more
    const lsb = 10 / 32768 / 0.01;
    let worst = 0;
    for (let k = 0; k < sa.v.length; k++) worst = Math.max(worst, Math.abs(sa.v[k]! - sb.v[k]!));
    expect(worst).toBeLessThanOrEqual(lsb * 1.0001);
    // the recorded current channel (nA) arrives in pA: a −50 pA step from 250 ms
    expect(sa.currentSource).toBe('recorded');
    expect(sa.stimulus).toMatchObject({ kind: 'step', amplitude: -50, start: 250, end: 500 });
  });

  it('rebuilds a pulse train the same from the ABF 1 and ABF 2 headers: 2.5 nA for 50 of every 250 samples', () => {
    const [a, b] = ['18425108.abf', '18425108_abf1.abf'].map((f) => parseAbf(readFileSync(abfPath(f)), f).command(0)!);
    expect(a.name).toBe('ME1');
    expect(a.unit).toBe('nA');
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    const train = a.epochs.find((e) => e.label === 'F')!;
    expect(train).toMatchObject({ kind: 'pulse', level: 2.5 });
    const start = Math.round(train.start / 0.04);
    const at = (k: number) => a.values[start + k];
    expect([at(0), at(49), at(50), at(249), at(250), at(299), at(300)]).toEqual([2.5, 2.5, 0, 0, 2.5, 2.5, 0]);
    // epoch B: the −0.05 nA step (its pulse period is set but a step ignores it)
    const stepB = a.epochs.find((e) => e.label === 'B')!;
    expect(a.values[Math.round(stepB.start / 0.04) + 100]).toBeCloseTo(-0.05, 7);
  });

  it('reads tags: time (fSynchTimeUnit ticks) and comment', () => {
    // a copy of 18425108.abf with one tag appended as its own block (its file has none)
    const bytes = readFileSync(abfPath('18425108.abf'));
    const block = Math.ceil(bytes.length / 512);
    const out = new Uint8Array(block * 512 + 512);
    out.set(bytes);
    const view = new DataView(out.buffer);
    view.setUint32(252, block, true);
    view.setUint32(256, 64, true);
    view.setBigInt64(260, 1n, true);
    view.setInt32(block * 512, 123_400, true); // ticks of 10 µs: 1234 ms
    out.set(new TextEncoder().encode('drug on'), block * 512 + 4);
    const abf = parseAbf(out, 'tagged.abf');
    expect(abf.tags).toEqual([{ time: 1234, comment: 'drug on' }]);
  });

  it('reads a gap-free file as one sweep', () => {
    const bytes = new Uint8Array(readFileSync(abfPath('18425108.abf')));
    const abf = parseAbf(bytes, 'x');
    // nOperationMode 3 (gap-free) in the protocol section
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setInt16(view.getUint32(76, true) * 512, 3, true);
    const gap = parseAbf(bytes, 'gap.abf');
    expect(gap.sweepCount).toBe(1);
    expect(gap.pointsPerSweep).toBe(abf.pointsPerSweep);
  });

  it('says where a truncated ABF ends, names an unsupported version, lists channels and sweeps', async () => {
    const bytes = readFileSync(abfPath('17o05028_ic_steps.abf'));
    const dir = mkdtempSync(join(tmpdir(), 'nf-io-'));
    writeFileSync(join(dir, 'cut.abf'), bytes.subarray(0, 100_000));
    await expect(readRecordingFile(join(dir, 'cut.abf'))).rejects.toThrow(/cut\.abf: truncated or corrupt file: the data section \(960000 samples from byte 6656\) needs bytes 6656–1926656 but the file has 100000 bytes/);
    const v3 = Buffer.from(bytes);
    v3[7] = 3;
    writeFileSync(join(dir, 'v3.abf'), v3);
    await expect(readRecordingFile(join(dir, 'v3.abf'))).rejects.toThrow(/unsupported ABF version 3\.6/);
    await expect(readRecordingFile(abfPath('18425108.abf'), { channel: 'Vm' })).rejects.toThrow(/no channel 'Vm' \(channels: 0 'Imemb' \(nA\), 1 '10_Vm' \(mV\)\)/);
    await expect(readRecordingFile(abfPath('17o05028_ic_steps.abf'), { sweeps: [3, 16] })).rejects.toThrow(/no sweep 16 \(sweeps: 0–15\)/);
    const picked = await readRecordingFile(abfPath('17o05028_ic_steps.abf'), { sweeps: [5, 3] });
    expect(picked.sweeps.map((s) => s.index)).toEqual([5, 3]);
  });
});

describe('Igor binary wave reader', () => {
  it('reads the B6 voltage and current waves: v5, big-endian, 0.25 ms, mV and pA', () => {
    const v = parseIbw(readFileSync(b6(3, 1)), 'v');
    expect(v).toMatchObject({ version: 5, dataUnit: 'mV', dx: 0.00025, x0: 0, dims: [12000] });
    expect(v.values.length).toBe(12000);
    expect(parseIbw(readFileSync(b6(0, 1)), 'i').dataUnit).toBe('pA');
  });

  it('pairs voltage and current files: five 2 s steps from 700 ms at 119…353 pA, 26…89 spikes', async () => {
    const amplitudes: number[] = [];
    const spikes: number[] = [];
    for (let k = 1; k <= 5; k++) {
      const rec = await readRecordingFile(b6(3, k), { current: b6(0, k) });
      expect(rec.format).toBe('ibw');
      expect(rec.protocol).toBe('IDRest');
      const s = rec.sweeps[0]!;
      expect(s.sampleDt).toBeCloseTo(0.25, 12);
      expect(s.stimulus!.kind).toBe('step');
      // onset within one sample of 700 ms (the recorded current is noisy), a 2 s step
      expect(Math.abs(s.stimulus!.start - 700)).toBeLessThanOrEqual(0.25);
      expect(Math.abs(s.stimulus!.end - s.stimulus!.start - 2000)).toBeLessThanOrEqual(0.5);
      amplitudes.push(s.stimulus!.amplitude);
      spikes.push(countSpikes(s.v));
    }
    // the data README's amplitudes (about 119, 175, 238, 297, 353 pA) and spike counts
    [119, 175, 238, 297, 353].forEach((a, k) => expect(Math.abs(amplitudes[k]! - a)).toBeLessThan(2));
    expect(spikes).toEqual([26, 50, 68, 82, 89]);
  });

  it('asks for the current wave, and refuses a current wave as the voltage', async () => {
    await expect(readRecordingFile(b6(3, 1))).rejects.toThrow(/give the current wave of the same sweep \(--current FILE\.ibw/);
    await expect(readRecordingFile(b6(0, 1))).rejects.toThrow(/is in 'pA', not a voltage/);
    await expect(readRecordingFile(b6(3, 1), { current: b6(0, 1).replace('181', '18') })).rejects.toThrow(/cannot read data file/);
  });

  it('reads a version 2 wave (little-endian) written here by hand', () => {
    const n = 4;
    const buf = new ArrayBuffer(16 + 110 + n * 4);
    const dv = new DataView(buf);
    dv.setInt16(0, 2, true);
    dv.setInt16(16, 2, true); // float32
    new Uint8Array(buf).set(new TextEncoder().encode('w2'), 16 + 6);
    new Uint8Array(buf).set(new TextEncoder().encode('mV'), 16 + 34);
    new Uint8Array(buf).set(new TextEncoder().encode('s'), 16 + 38);
    dv.setInt32(16 + 42, n, true);
    dv.setFloat64(16 + 48, 0.0001, true);
    [1, 2, 3, 4].forEach((x, k) => dv.setFloat32(16 + 110 + 4 * k, -60 - x, true));
    const w = parseIbw(new Uint8Array(buf), 'w2.ibw');
    expect(w).toMatchObject({ version: 2, name: 'w2', dataUnit: 'mV', xUnit: 's', dx: 0.0001 });
    expect(Array.from(w.values)).toEqual([-61, -62, -63, -64]);
    expect(() => parseIbw(new Uint8Array(buf).subarray(0, 130), 'cut.ibw')).toThrow(/cut\.ibw: truncated or corrupt file: the wave's 4 samples needs bytes 126–142 but the file has 130 bytes/);
  });
});

describe('NWB reader', () => {
  it('reads the 16 sweeps of protocol "Step" in recording order, scaled by conversion, with their stimulus series', async () => {
    const rec = await readRecordingFile(NWB);
    expect(rec.format).toBe('nwb');
    expect(rec.protocol).toBe('Step');
    expect(rec.metadata['order']).toBe('icephys-tables');
    expect(rec.sweeps.length).toBe(16);
    expect(rec.sweeps.map((s) => s.metadata['series'])).toEqual(Array.from({ length: 16 }, (_, k) => `ic__Step__${k + 1}`));
    for (const s of rec.sweeps) {
      expect(s.protocol).toBe('Step');
      expect(s.sampleDt).toBeCloseTo(0.1, 12);
      expect(s.v.length).toBe(7168);
      expect(s.currentSource).toBe('stimulus-series');
      expect(s.stimulus!.kind).toBe('step');
    }
    // stimulus data in nA (conversion 1e-9 A): steps of −2 nA … +1 nA by 0.2 nA
    expect(rec.sweeps.map((s) => Math.round(s.stimulus!.amplitude))).toEqual(Array.from({ length: 16 }, (_, k) => -2000 + 200 * k));
    // voltage stored in mV (conversion 1e-3 V): the last sweep peaks at 87 mV
    expect(Math.max(...rec.sweeps[15]!.v)).toBeCloseTo(87, 6);
  });

  it('chooses sweeps and protocol, listing what exists', async () => {
    const rec = await readRecordingFile(NWB, { protocol: 'Step', sweeps: [2, 10] });
    expect(rec.sweeps.map((s) => s.metadata['series'])).toEqual(['ic__Step__3', 'ic__Step__11']);
    await expect(readRecordingFile(NWB, { protocol: 'Ramp' })).rejects.toThrow(/no sweep of protocol 'Ramp' \(protocols: 'Step'\)/);
    await expect(readRecordingFile(NWB, { sweeps: [16] })).rejects.toThrow(/no sweep 16 \(sweeps: 0–15\)/);
    await expect(readRecordingFile(NWB, { channel: 1 })).rejects.toThrow(/a channel \(1\) is chosen in ABF files; this file is nwb/);
    await expect(readRecordingFile(NWB, { current: b6(0, 1) })).rejects.toThrow(/goes with an Igor voltage wave; this file is nwb/);
  });
});

describe('format detection', () => {
  it('goes by content, not extension', () => {
    expect(detectFormat(readFileSync(abfPath('18425108_abf1.abf')))).toBe('abf1');
    expect(detectFormat(readFileSync(NWB))).toBe('nwb');
    expect(detectFormat(readFileSync(b6(3, 1)))).toBe('ibw');
    expect(detectFormat(new TextEncoder().encode('t,I,v\n0,0,-65\n'))).toBe('csv');
  });

  it('still reads CSV through readRecordingFile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nf-io-'));
    const p = join(dir, 'sweep.dat');
    writeFileSync(p, 't,I,v\n' + Array.from({ length: 100 }, (_, k) => `${k * 0.1},${k >= 20 && k < 60 ? 50 : 0},-65`).join('\n'));
    const rec = await readRecordingFile(p);
    expect(rec.format).toBe('csv');
    expect(rec.sweeps[0]!.stimulus).toMatchObject({ kind: 'step', amplitude: 50, start: 2, end: 6 });
  });
});
