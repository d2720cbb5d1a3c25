import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecording, resampleSweep } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-io-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('reading recordings', () => {
  it('reads the real eFEL recording (whitespace, no header, t and v)', () => {
    const path = fileURLToPath(new URL('./fixtures/efel/testdata.txt', import.meta.url));
    const [sweep] = readRecording(path);
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
