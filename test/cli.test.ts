import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/neurofit.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neurofit-cli-'));

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('neurofit CLI', () => {
  it('models lists every built-in model with its parameters and defaults', () => {
    const r = neurofit('models', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; parameters: Record<string, number> }[];
    expect(list.map((m) => m.name)).toEqual(['lif', 'izhikevich', 'adex', 'hodgkin-huxley', 'pospischil-rs']);
    expect(list.find((m) => m.name === 'izhikevich')!.parameters).toEqual({ a: 0.02, b: 0.2, c: -65, d: 8, I: 0 });
    const text = neurofit('models');
    expect(text.stdout).toMatch(/hodgkin-huxley .*\n  parameters: C=1 uF\/cm2, gNa=120/);
  });

  it('simulate writes t,I,<vars> per step and spike times', () => {
    const csv = join(dir, 'hh.csv');
    const spk = join(dir, 'hh.spikes');
    const r = neurofit('simulate', '--model', 'hodgkin-huxley', '--step', '10:10:90', '--duration', '100', '--dt', '0.01',
      '--record', 'v,m', '--out', csv, '--spikes', spk);
    expect(r.code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('t,I,v,m');
    expect(lines.length).toBe(10001);
    expect(lines[1]!.split(',').slice(0, 3)).toEqual(['0', '0', '-65']);
    expect(lines[1001]!.split(',').slice(0, 2)).toEqual(['10', '10']);
    expect(lines[9001]!.split(',').slice(0, 2)).toEqual(['90', '0']);
    const spikes = readFileSync(spk, 'utf8').trim().split('\n').map(Number);
    expect(spikes.length).toBeGreaterThanOrEqual(5);
    expect(spikes.every((t) => t > 10 && t < 92)).toBe(true);
  });

  it('simulate takes --set and --method', () => {
    const csv = join(dir, 'iz.csv');
    const r = neurofit('simulate', '--model', 'izhikevich', '--set', 'a=0.1', '--set', 'd=2,I=10', '--method', 'rk4',
      '--duration', '50', '--dt', '0.1', '--record', 'v,u', '--out', csv);
    expect(r.code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('t,I,v,u');
    expect(lines.length).toBe(501);
    expect(lines[1]!.split(',')[1]).toBe('10');
  });

  it.each([
    [['--model', 'nosuch'], /unknown model 'nosuch'/],
    [['--model', 'lif', '--set', 'Q=1'], /'Q' is not a parameter of lif/],
    [['--model', 'lif', '--set', 'R=abc'], /--set R: 'abc' is not a number/],
    [['--model', 'lif', '--dt', '0'], /--dt must be > 0/],
    [['--model', 'lif', '--dt', '-0.1'], /--dt must be > 0/],
    [['--model', 'lif', '--step', '1:2'], /--step: expected AMP:START:STOP/],
    [['--model', 'lif', '--step', '1:20:10'], /need 0 <= START < STOP/],
    [['--model', 'lif', '--method', 'heun'], /unknown method 'heun'/],
    [['--model', 'lif', '--record', 'w'], /'w' is not a variable of lif/],
  ])('simulate %j fails with a one-line message', (args, message) => {
    const r = neurofit('simulate', ...(args as string[]), '--out', join(dir, 'x.csv'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  });
});

describe('neurofit features', () => {
  const efel = fileURLToPath(new URL('./fixtures/efel/testdata.txt', import.meta.url));
  it('prints eFEL features of a recording as one JSON object', () => {
    const r = neurofit('features', '--data', efel, '--stim-start', '700', '--stim-end', '2700', '--features', 'Spikecount,mean_frequency,peak_time', '--json');
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(Object.keys(f)).toEqual(['Spikecount', 'mean_frequency', 'peak_time']);
    expect(f.Spikecount).toBe(6);
    expect(f.peak_time.length).toBe(6);
  });

  it('names an unknown feature and a missing file', () => {
    expect(neurofit('features', '--data', efel, '--features', 'spike_cout').stderr).toMatch(/unknown feature 'spike_cout'/);
    const missing = neurofit('features', '--data', 'nope.txt');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read data file 'nope.txt'/);
  });
});
