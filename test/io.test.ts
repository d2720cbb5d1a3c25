import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSweeps, readRecording, resampleSweep, syntheticSweeps } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-io-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('reading recordings', () => {
  it('reads the real eFEL recording (whitespace, no header, t and v)', () => {
    const path = fileURLToPath(new URL('./fixtures/efel/testdata.txt', import.meta.url));
    const [sweep] = readRecording(path, { I: null }); // the file holds no current
    expect(sweep!.t.length).toBe(12000);
    expect(sweep!.sampleDt).toBeCloseTo(0.25, 6); // the file stores time in float32
    expect(sweep!.t[0]).toBe(0);
    expect(Math.max(...sweep!.v)).toBeGreaterThan(0); // action potentials
    expect(sweep!.I.every((x) => x === 0)).toBe(true);
  });

  it('maps columns, converts units, and reads several sweeps from one file', () => {
    const p = file('wide.tsv', 'time\tV1\tV2\tcmd\n0\t-0.065\t-0.070\t0.1\n0.0001\t-0.064\t-0.069\t0.2\n0.0002\t-0.063\t-0.068\t0.3\n');
    const sweeps = readRecording(p, { t: 'time', v: ['V1', 'V2'], I: 'cmd', timeUnit: 's', voltageUnit: 'V', currentScale: 1000 });
    expect(sweeps.length).toBe(2);
    expect(sweeps[0]!.sampleDt).toBeCloseTo(0.1, 12);
    expect(Array.from(sweeps[1]!.v).map((x) => +x.toFixed(9))).toEqual([-70, -69, -68]);
    expect(Array.from(sweeps[0]!.I).map((x) => +x.toFixed(9))).toEqual([100, 200, 300]);
  });

  it('names each problem', () => {
    expect(() => readRecording(file('empty.csv', '\n# nothing\n'))).toThrow(/the file is empty/);
    expect(() => readRecording(file('nov.csv', 't,I,u\n0,0,1\n1,0,2\n'))).toThrow(/no column 'v' for voltage \(columns: t, I, u\)/);
    expect(() => readRecording(file('nan.csv', 't,v\n0,-65\n0.1,NaN\n0.2,-65\n'))).toThrow(/nan.csv line 3, column 'v': 'NaN' is not a finite number/);
    expect(() => readRecording(file('back.csv', 't,v\n0,-65\n0.1,-65\n0.05,-65\n'))).toThrow(/back.csv line 4: time does not increase/);
    expect(() => readRecording(file('gap.csv', 't,v\n0,-65\n0.1,-65\n0.3,-65\n'))).toThrow(/evenly spaced/);
    expect(() => readRecording(join(dir, 'missing.csv'))).toThrow(/cannot read data file/);
  });

  it('resamples: voltage linearly, current sample-and-hold', () => {
    const [s] = readRecording(file('r.csv', 't,I,v\n0,0,0\n1,5,10\n2,5,20\n'));
    const r = resampleSweep(s!, 0.25);
    expect(Array.from(r.t)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    expect(Array.from(r.v)).toEqual([0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20]);
    expect(Array.from(r.I)).toEqual([0, 0, 0, 0, 5, 5, 5, 5, 5]);
  });
});

describe('a recording with no current column', () => {
  it('is an error that names the columns and the two ways out', () => {
    expect(() => readRecording(file('noi.csv', 't,v\n0,-65\n0.1,-65\n0.2,-65\n'))).toThrow(
      /noi.csv: no current column 'I' \(columns: t, v\): name the current column \(--i-col NAME\), or say the current is zero on purpose \(--i-col none; I: null in the API\)/,
    );
    const [s] = readRecording(file('noi2.csv', 't,v\n0,-65\n0.1,-65\n0.2,-65\n'), { I: null });
    expect(Array.from(s!.I)).toEqual([0, 0, 0]);
  });
});

describe('doubtful recordings are flagged before any simulation', () => {
  // a real-looking sweep: an Izhikevich neuron's response to a step, in ms and mV
  const [sweep] = syntheticSweeps(izhikevich, { start: 20, stop: 220, duration: 250, dt: 0.01, sampleDt: 0.1, params: { a: 0.02, b: 0.2, c: -65, d: 8 }, amplitudes: [10], peak: 30 });
  const kinds = (s: typeof sweep, threshold = -20, units: { modelCurrentUnit?: string; dataCurrentUnit?: string } = {}) => checkSweeps([s!], { threshold, ...units }).map((w) => w.kind);

  it('a plausible recording passes without warnings', () => {
    expect(kinds(sweep)).toEqual([]);
  });

  it('time in seconds read as ms: short, and sampled faster than every microsecond', () => {
    const inSeconds = { ...sweep!, t: sweep!.t.map((t) => t / 1000), sampleDt: sweep!.sampleDt / 1000 };
    const w = checkSweeps([inSeconds], { threshold: -20 });
    expect(w.map((x) => x.kind)).toEqual(['short', 'tiny-interval']);
    expect(w[0]!.message).toMatch(/lasts 0.25 ms; if its time column is in seconds, say so \(--time-unit s/);
  });

  it('voltage in volts read as mV: flagged, and no spike crosses -20 mV', () => {
    const inVolts = { ...sweep!, v: sweep!.v.map((v) => v / 1000) };
    const w = checkSweeps([inVolts], { threshold: -20 });
    expect(w.map((x) => x.kind)).toEqual(['volts', 'no-spikes']);
    expect(w[0]!.message).toMatch(/if it is in volts, say so \(--voltage-unit V/);
  });

  it('no spike above the threshold: the message gives the voltage range and the threshold', () => {
    const w = checkSweeps([sweep!], { threshold: 40 });
    expect(w.map((x) => x.kind)).toEqual(['no-spikes']);
    expect(w[0]!.message).toMatch(/no sweep's voltage crosses the spike threshold 40 mV \(voltage -7\d(\.\d+)? … 30 mV\)/);
  });

  it('a current in nA for a model in pA: the factor to scale by', () => {
    const w = checkSweeps([sweep!], { threshold: -20, modelCurrentUnit: 'pA', dataCurrentUnit: 'nA' });
    expect(w.map((x) => x.kind)).toEqual(['current-unit']);
    expect(w[0]!.message).toMatch(/the data's current is in nA, the model's in pA: scale it \(--current-scale 1000/);
  });
});
