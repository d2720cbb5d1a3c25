import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startEvaluationPool, OptNeuron, Population, syntheticSweeps, traceFitOptions, type OptNeuronOptions } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';
import { ReplaySweeps } from '../experiments/index.ts';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-workers-'));

describe('worker threads', () => {
  const protocol = { start: 20, stop: 220, duration: 250, dt: 0.01, sampleDt: 0.1 };
  const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: { a: 0.02, b: 0.2, c: -65, d: 8 }, amplitudes: [10, 15], peak: 30 });
  const options = (workers: number) => traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'd'], method: 'auto', seed: 4, workers });

  it('evaluate a batch in parts exactly as one thread evaluates it whole', async () => {
    const opt = new OptNeuron(options(1));
    const pool = await startEvaluationPool(1, options(2).source!, { seed: 4 });
    try {
      const points = Array.from({ length: 7 }, (_, k) => ({ a: 0.01 + 0.005 * k, b: 0.15 + 0.01 * k, d: 2 + k }));
      const alone = await opt.evaluateBatch(points);
      const parts: number[] = [];
      const split = await pool.evaluate(points, (part) => (parts.push(part.length), opt.evaluateBatch(part)));
      expect(parts).toEqual([4]); // this thread took 4, the worker 3
      expect(split).toEqual(alone);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('give results identical to one thread with the same seed', async () => {
    // long enough for the worker to join (it starts in about 1.5 s, while this thread goes on alone)
    const one = await new OptNeuron(options(1)).run({ maxEvals: 3000, resultsFile: false });
    const two = await new OptNeuron(options(2)).run({ maxEvals: 3000, resultsFile: false });
    expect(two.history).toEqual(one.history);
    expect(two.params).toEqual(one.params);
  }, 60_000);

  it('need the module that builds the options, and name a bad one', async () => {
    const { source: _source, ...rest } = options(2);
    expect(() => new OptNeuron({ ...rest, workers: 2 })).toThrow(/workers > 1 needs `source`/);
    expect(() => new OptNeuron({ ...options(1), workers: 0 })).toThrow(/workers must be an integer >= 1, got 0/);
    const bad = new OptNeuron({ ...options(2), source: { module: join(root, 'examples', 'reduction.ts'), export: 'nothing' } });
    await expect(bad.run({ maxEvals: 20, resultsFile: false })).rejects.toThrow(/reduction.ts has no export 'nothing'/);
  }, 60_000);

  it('a population cut into blocks simulates exactly as one neuron alone (times come from step indices)', async () => {
    const current = Float64Array.from({ length: 2000 }, (_, k) => (k > 100 ? 12 : 0));
    const spikesOf = async (n: number) => {
      // blocks hold 2^20 values: 20 neurons cut the 100,000 steps into blocks of 52,428
      const pop = new Population(izhikevich, n, { dt: 0.002 });
      pop.reset();
      const results = await new ReplaySweeps([{ I: current, sampleDt: 0.1 }]).execute(pop);
      return { spikes: Array.from(results.forNeuron(n - 1).spikes(0)), v: Array.from(results.forNeuron(n - 1).trace('v', 0)) };
    };
    const alone = await spikesOf(1);
    expect(alone.spikes.length).toBeGreaterThan(3);
    expect(await spikesOf(20)).toEqual(alone);
  });

  it('a worker that exits on its own fails the fit with a message, not a hang', async () => {
    const fixture = join(dir, 'exits.mts');
    writeFileSync(
      fixture,
      `import { isMainThread } from 'node:worker_threads';
import { syntheticSweeps, traceFitOptions } from ${JSON.stringify(join(root, 'src', 'index.ts'))};
import { izhikevich } from ${JSON.stringify(join(root, 'models', 'index.ts'))};
export function options() {
  const sweeps = syntheticSweeps(izhikevich, { start: 20, stop: 120, duration: 150, dt: 0.01, sampleDt: 0.1, params: {}, amplitudes: [10] });
  const o = traceFitOptions({ model: izhikevich, sweeps, fit: ['a'], method: 'random' });
  return { ...o, getLoss: (ist, soll) => { if (!isMainThread) process.exit(3); return o.getLoss(ist, soll); } };
}
`,
    );
    const { options: build } = (await import(fixture)) as { options: () => OptNeuronOptions };
    const opt = new OptNeuron({ ...build(), workers: 2, source: { module: fixture, export: 'options' } });
    await expect(opt.run({ maxEvals: 1e6, resultsFile: false })).rejects.toThrow(/worker thread exited unexpectedly \(code 3\)/);
  }, 60_000);

  it('load a user\'s model module by its path; a CommonJS .ts module gets a hint', () => {
    const source = `import { defineNeuron } from ${JSON.stringify(join(root, 'src', 'index.ts'))};
export const quad = defineNeuron({ name: 'quad', parameters: { a: 0.02, b: 0.2, c: -65, d: 8, I: 0 },
  equations: 'dv/dt = 0.04 * v^2 + 5 * v + 140 - u + I : init = -65\\ndu/dt = a * (b * v - u) : init = -13',
  spike: 'v >= 30', reset: 'v = c; u += d', bounds: { a: [0.005, 0.15], d: [0.5, 10] } });
`;
    writeFileSync(join(dir, 'quad.mts'), source);
    writeFileSync(join(dir, 'quad.ts'), source);
    const args = (model: string) => [join(root, 'bin', 'neurofit.js'), 'fit-trace', '--model', model, '--data', join(root, 'examples', 'data', 'izhikevich-rs-10.csv'), '--fit', 'a,d', '--max-evals', '40', '--workers', '2', '--out', join(dir, 'quad.json'), '--json'];
    const ok = spawnSync(process.execPath, args(join(dir, 'quad.mts')), { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout).evaluations).toBe(40);
    const cjs = spawnSync(process.execPath, args(join(dir, 'quad.ts')), { encoding: 'utf8' });
    expect(cjs.status).toBe(2);
    expect(cjs.stderr).toMatch(/--model .*quad\.ts: .*\(name it \.mts, or put it in a package whose package\.json has "type": "module"\)/);
  }, 60_000);

  it('--workers 2 prints the same fit as --workers 1, and auto is the default method', () => {
    const data = (a: number) => join(root, 'examples', 'data', `izhikevich-rs-${a}.csv`);
    const fit = (workers: string) => {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'neurofit.js'), 'fit-trace', '--model', 'izhikevich', '--data', data(10), '--fit', 'a,d', '--max-evals', '80', '--workers', workers, '--out', join(dir, `w${workers}.json`), '--json'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout);
    };
    const one = fit('1');
    const two = fit('2');
    expect(one.method).toBe('auto');
    expect(two.history).toEqual(one.history);
    expect(JSON.parse(readFileSync(join(dir, 'w2.json'), 'utf8')).evaluations).toBe(80);
  }, 60_000);
});
