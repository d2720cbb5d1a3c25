import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { OptNeuron, syntheticSweeps, traceFitOptions } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-stopping-'));

describe('an interrupted fit', () => {
  it('writes what it evaluated when stopped with SIGINT, and can be resumed', async () => {
    const out = join(dir, 'interrupted.json');
    const data = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');
    const args = [join(root, 'bin', 'neurofit.js'), 'fit-trace', '--model', 'izhikevich', '--data', data, '--fit', 'a,b,d', '--max-evals', '100000', '--workers', '1', '--out', out];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!existsSync(out) || JSON.parse(readFileSync(out, 'utf8')).evaluations < 40) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(130); // 128 + SIGINT, as a shell reports it
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.status).toBe('running');
    expect(saved.history.length).toBe(saved.evaluations);
    expect(saved.evaluations).toBeGreaterThanOrEqual(40);
    const resumed = spawnSync(process.execPath, [...args.slice(0, -4), '--max-evals', String(saved.evaluations + 16), '--workers', '1', '--out', out, '--resume', '--json'], { encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.evaluations).toBe(saved.evaluations + 16);
    expect(result.history.slice(0, saved.evaluations)).toEqual(saved.history);
  }, 60_000);
});

describe('a wall-time budget', () => {
  it('stops the search in time and keeps every evaluation', async () => {
    const protocol = { start: 20, stop: 220, duration: 250, dt: 0.01, sampleDt: 0.1 };
    const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: { a: 0.02, b: 0.2, c: -65, d: 8 }, amplitudes: [10] });
    const file = join(dir, 'budget.json');
    const fit = await new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'd'], method: 'tpe' })).run({ maxEvals: 1e7, maxSeconds: 1, resultsFile: file });
    expect(fit.evaluations).toBeGreaterThan(8);
    expect(fit.evaluations).toBeLessThan(1e7);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.status).toBe('done');
    expect(saved.history.length).toBe(fit.evaluations);
    await expect(new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a'] })).run({ maxEvals: 10, maxSeconds: 0, resultsFile: false })).rejects.toThrow(/maxSeconds must be > 0/);
  }, 30_000);
});
