import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSweepList } from '../src/cli/recording-input.ts';

// neurofit inspect, and recordings in ABF, NWB and Igor files given to fit-trace, features and queue add
const bin = fileURLToPath(new URL('../bin/neurofit.js', import.meta.url));
const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neurofit-inspect-'));
const ABF = join(FIX, 'abf', '17o05028_ic_steps.abf');
const ABF2CH = join(FIX, 'abf', '18425108.abf');
const NWB = join(FIX, 'bluepyefe', '99111002.nwb');
const v = (k: number) => join(FIX, 'bluepyefe', `B6_Ch3_IDRest_18${k}.ibw`);
const i = (k: number) => join(FIX, 'bluepyefe', `B6_Ch0_IDRest_18${k}.ibw`);

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('neurofit inspect', () => {
  it('prints format, protocol, channels and a sweeps table for an ABF file', () => {
    const r = neurofit('inspect', ABF);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${ABF}: abf2, protocol '0112 steps dual -50 to 150 step 10', 16 sweeps`);
    expect(lines[1]).toBe("channels: 0 'IN 0' (mV)");
    expect(lines[3]).toMatch(/^\s+0\s+3000\s+20000\s+step -50 pA 146\.85–646\.85 ms \(5 epochs\)\s+10\s+-?\d/);
    expect(lines.length).toBe(3 + 16);
  });

  it('--json gives the issue\'s shape: format, channels, sweeps with stimulus, epochs, spikeCount, vRest', () => {
    const r = neurofit('inspect', ABF, '--json', '--sweeps', '0,15');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe('abf2');
    expect(out.channels).toEqual([{ index: 0, name: 'IN 0', unit: 'mV', kind: 'voltage' }]);
    expect(out.sweeps.map((s: { index: number }) => s.index)).toEqual([0, 15]);
    const s0 = out.sweeps[0];
    expect(s0).toMatchObject({ index: 0, samplingRateHz: 20000, durationMs: 3000, stimulus: { kind: 'step', amplitude: -50, start: 146.85, end: 646.85 }, spikeCount: 10, currentSource: 'command' });
    expect(s0.epochs.map((e: { label: string; level: number }) => [e.label, e.level])).toEqual([['A', 0], ['B', -50], ['C', 0], ['D', -50], ['E', -50]]);
    expect(out.sweeps[1].stimulus.amplitude).toBe(100);
    expect(typeof s0.vRest).toBe('number');
  });

  it('reads an Igor voltage wave with its current wave (--current), and NWB sweeps by protocol', () => {
    const ibw = JSON.parse(neurofit('inspect', v(1), '--current', i(1), '--json').stdout);
    expect(ibw.format).toBe('ibw');
    expect(ibw.protocol).toBe('IDRest');
    expect(ibw.sweeps[0]).toMatchObject({ samplingRateHz: 4000, durationMs: 3000, spikeCount: 26, stimulus: { kind: 'step' } });
    expect(Math.abs(ibw.sweeps[0].stimulus.amplitude - 119)).toBeLessThan(1);
    const nwb = JSON.parse(neurofit('inspect', NWB, '--protocol', 'Step', '--json').stdout);
    expect(nwb.format).toBe('nwb');
    expect(nwb.sweeps.length).toBe(16);
    expect(nwb.sweeps.map((s: { stimulus: { amplitude: number } }) => Math.round(s.stimulus.amplitude))).toEqual(Array.from({ length: 16 }, (_, k) => -2000 + 200 * k));
  });

  it('--sweep K --out exports one sweep as t,I,v at the file\'s rate, I from the rebuilt command', () => {
    const out = join(dir, 'sweep3.csv');
    const r = neurofit('inspect', ABF, '--sweep', '3', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/60000 rows .*rebuilt command/);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('t,I,v');
    expect(rows.length).toBe(60001);
    expect(rows[2]!.split(',').slice(0, 2)).toEqual(['0.05', '0']);
    // epoch B of sweep 3: −50 + 30 = −20 pA from sample 937 + 2000
    expect(rows[1 + 937 + 2000]!.split(',')[1]).toBe('-20');
    // and it reads back as a CSV recording
    expect(JSON.parse(neurofit('inspect', out, '--json').stdout).sweeps[0].stimulus).toMatchObject({ kind: 'step', amplitude: -20 });
  });

  it('says what is wrong: no such sweep or channel (listing those that exist), a lone Igor voltage wave, --sweep without --out', () => {
    expect(neurofit('inspect', ABF, '--sweeps', '20').stderr).toMatch(/no sweep 20 \(sweeps: 0–15\)/);
    expect(neurofit('inspect', ABF2CH, '--channel', 'Vm').stderr).toMatch(/no channel 'Vm' \(channels: 0 'Imemb' \(nA\), 1 '10_Vm' \(mV\)\)/);
    expect(neurofit('inspect', v(1)).stderr).toMatch(/give the current wave of the same sweep \(--current FILE\.ibw/);
    expect(neurofit('inspect', ABF, '--sweep', '1').stderr).toMatch(/--sweep K and --out FILE go together/);
    expect(neurofit('inspect', ABF, '--sweeps', '3-1').stderr).toMatch(/--sweeps: range 3-1 runs backwards/);
    expect(neurofit('inspect', NWB, '--protocol', 'Ramp').stderr).toMatch(/no sweep of protocol 'Ramp' \(protocols: 'Step'\)/);
  });
});

describe('recordings everywhere a recording goes in', () => {
  it('parses sweep lists', () => {
    expect(parseSweepList('3,5,8-10', '--sweeps')).toEqual([3, 5, 8, 9, 10]);
    expect(() => parseSweepList('a', '--sweeps')).toThrow(/expected sweep numbers from 0/);
  });

  it('features reads an Igor pair, the stimulus window from the current wave', () => {
    const r = neurofit('features', '--data', v(2), '--current', i(2), '--features', 'Spikecount,time_to_first_spike', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.Spikecount).toBe(50);
    expect(out.time_to_first_spike).toBeGreaterThan(0);
    expect(out.time_to_first_spike).toBeLessThan(100);
    const several = JSON.parse(neurofit('features', '--data', ABF, '--sweeps', '14,15', '--features', 'Spikecount', '--json').stdout);
    expect(several.map((s: { sweep: number }) => s.sweep)).toEqual([14, 15]);
    expect(several[0].stimStart).toBeCloseTo(146.85, 9);
  });

  it('fit-trace fits AdEx to two Igor steps and validates on a third, each --current pairing with the file before it', () => {
    const out = join(dir, 'b6.json');
    const r = neurofit('fit-trace', '--model', 'adex', '--data', v(1), '--current', i(1), '--data', v(3), '--current', i(3), '--validate', v(5), '--current', i(5),
      '--fit', 'a,b,tauw,VT', '--max-evals', '12', '--dt', '0.05', '--workers', '1', '--seed', '1', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.evaluations).toBe(12);
    expect(Number.isFinite(res.loss)).toBe(true);
    expect(res.validation.sweeps.length).toBe(1);
    expect(res.validation.sweeps[0].dataSpikes).toBe(89);
  });

  it('fit-trace takes ABF sweeps by --sweeps; a pA recording is converted for a model in nA, and said so', () => {
    const r = neurofit('fit-trace', '--model', 'lif', '--data', ABF, '--sweeps', '14,15', '--fit', 'tau_m', '--max-evals', '4', '--dt', '0.1', '--workers', '1', '--out', join(dir, 'lif.json'), '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/17o05028_ic_steps\.abf: the current is converted from pA to the model's nA \(×0\.001\)/);
    expect(JSON.parse(r.stdout).evaluations).toBe(4);
    const bad = neurofit('fit-trace', '--model', 'adex', '--data', ABF, '--sweeps', '16', '--fit', 'a', '--out', join(dir, 'x.json'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no sweep 16 \(sweeps: 0–15\)/);
    const lonely = neurofit('fit-trace', '--model', 'adex', '--current', i(1), '--data', v(1), '--fit', 'a', '--out', join(dir, 'y.json'), '--max-evals', '2');
    // --current before any --data applies to every file: here the one file
    expect(lonely.code).toBe(0);
  });

  it('queue add declares the same recording options as fit-trace and refuses --shared for a binary recording', () => {
    const help = neurofit('queue', 'add', '--help').stdout;
    const fitHelp = neurofit('fit-trace', '--help').stdout;
    for (const flag of ['--data <file>', '--validate <file>', '--sweeps <list>', '--channel <name>', '--protocol <name>', '--current <file>', '--t-col <name>']) {
      expect(help).toContain(flag);
      expect(fitHelp).toContain(flag);
    }
    const r = neurofit('queue', 'add', '--redis', 'redis://127.0.0.1:1', '--shared', '--model', 'adex', '--data', ABF, '--fit', 'a');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--shared sends paths that workers read as CSV/);
  });
});
