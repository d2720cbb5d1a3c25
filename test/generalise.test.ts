import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CMAES, AutoSampler, TPE, startEvaluationPool, symmetricEigen, choice, uniform, OptNeuron, Population, coincidenceFactor, syntheticSweeps, traceFitOptions, type OptNeuronOptions, type Point } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';
import { ReplaySweeps } from '../experiments/index.ts';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-generalise-'));

function minimise(sampler: CMAES | AutoSampler, f: (p: Point) => number, budget: number, batch?: number, stop = -Infinity): number {
  let evaluations = 0;
  while (evaluations < budget && !(sampler.best() && sampler.best()!.loss < stop)) {
    const points = sampler.ask(batch ?? sampler.preferredBatch ?? 8);
    sampler.tell(points, points.map(f));
    evaluations += points.length;
  }
  return evaluations;
}

const space = (n: number, lo = -5, hi = 5) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, uniform(lo, hi)]));
const rosenbrock = (n: number) => (p: Point) => {
  let s = 0;
  for (let i = 0; i < n - 1; i++) s += 100 * (p[`x${i + 1}`]! - p[`x${i}`]! ** 2) ** 2 + (1 - p[`x${i}`]!) ** 2;
  return s;
};
const sphere = (p: Point) => Object.values(p).reduce((a, x) => a + (x - 1) ** 2, 0);

describe('CMA-ES', () => {
  it('decomposes a symmetric matrix: B diag(values) B^T rebuilds it, B is orthonormal', () => {
    const a = [
      [4, 1, 0.5, 0],
      [1, 3, 0.2, 0.1],
      [0.5, 0.2, 2, 0.3],
      [0, 0.1, 0.3, 1],
    ];
    const { values, vectors } = symmetricEigen(a);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let k = 0; k < 4; k++) {
          rebuilt += vectors[i]![k]! * values[k]! * vectors[j]![k]!;
          gram += vectors[k]![i]! * vectors[k]![j]!;
        }
        expect(rebuilt).toBeCloseTo(a[i]![j]!, 12);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('solves the 9-dimensional Rosenbrock function to 1e-8 (published CMA-ES: about 6,000 evaluations at n = 10)', () => {
    for (const seed of [1, 2, 3]) {
      const c = new CMAES(space(9), { seed });
      const used = minimise(c, rosenbrock(9), 15000, undefined, 1e-8);
      expect(c.best()!.loss).toBeLessThan(1e-8);
      expect(used).toBeLessThan(12000);
    }
  });

  it('converges when asked in batches that are not its population size, and is reproducible by seed', () => {
    const runs = [1, 2].map(() => {
      const c = new CMAES(space(5), { seed: 7 });
      minimise(c, sphere, 3000, 3);
      return c;
    });
    expect(runs[0]!.best()!.loss).toBeLessThan(1e-10);
    expect(runs[1]!.trials.map((t) => t.loss)).toEqual(runs[0]!.trials.map((t) => t.loss));
  });

  it('restarts with twice the population once a run has converged (IPOP)', () => {
    const c = new CMAES(space(3), { seed: 1 });
    const lambda = c.preferredBatch;
    minimise(c, sphere, 20000);
    expect(c.restartsDone).toBeGreaterThan(0);
    expect(c.preferredBatch).toBe(lambda * 2 ** c.restartsDone);
  });

  it('keeps suggestions inside the bounds and finds an optimum on a bound', () => {
    const c = new CMAES({ x: uniform(0, 1), y: uniform(-2, 3) }, { seed: 3 });
    minimise(c, (p) => (p.x! - 1) ** 2 + (p.y! + 2) ** 2, 3000);
    for (const t of c.trials) {
      expect(t.params.x).toBeGreaterThanOrEqual(0);
      expect(t.params.x).toBeLessThanOrEqual(1);
      expect(t.params.y).toBeGreaterThanOrEqual(-2);
    }
    expect(c.best()!.loss).toBeLessThan(1e-8);
  });

  it('refuses a choice dimension by name', () => {
    expect(() => new CMAES({ x: uniform(0, 1), k: choice([1, 2, 3]) })).toThrow(/'k' is a choice dimension/);
  });
});

describe('auto: TPE exploration, then CMA-ES', () => {
  it('explores with TPE for 25 evaluations per dimension, then converges on Rosenbrock better than TPE alone', () => {
    const auto = new AutoSampler(space(4), { seed: 1 });
    const first = auto.ask(100);
    expect(auto.preferredBatch).toBeUndefined(); // still exploring: 100 = 25 x 4 evaluations
    auto.tell(first, first.map(rosenbrock(4)));
    expect(auto.ask(1).length).toBe(1);
    expect(auto.preferredBatch).toBe(8); // CMA-ES took over: 4 + floor(3 ln 4)
    minimise(auto, rosenbrock(4), 4000);
    expect(auto.best()!.loss).toBeLessThan(1e-6);
    const tpe = new TPE(space(4), { seed: 1 });
    let n = 0;
    while (n < 4000) {
      const points = tpe.ask(8);
      tpe.tell(points, points.map(rosenbrock(4)));
      n += 8;
    }
    expect(tpe.best()!.loss).toBeGreaterThan(1e3 * auto.best()!.loss);
  });

  it('searches a space with a choice dimension by TPE alone', () => {
    const mixed = { x: uniform(0, 1), k: choice([1, 2, 3]) };
    const auto = new AutoSampler(mixed, { seed: 2 });
    const tpe = new TPE(mixed, { seed: '2/explore' });
    for (let round = 0; round < 30; round++) {
      const a = auto.ask(8);
      expect(a).toEqual(tpe.ask(8));
      const losses = a.map((p) => (p.x! - 0.3) ** 2 + (p.k === 2 ? 0 : 1));
      auto.tell(a, losses);
      tpe.tell(a, losses);
    }
    expect(auto.preferredBatch).toBeUndefined();
  });

  it('recovers the Izhikevich RS cell from two sweeps so that it predicts unseen amplitudes (Γ >= 0.9)', async () => {
    const truth = { a: 0.02, b: 0.2, c: -65, d: 8 };
    const protocol = { start: 100, stop: 900, duration: 1000, dt: 0.01, sampleDt: 0.1 };
    const sweeps = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes: [10, 15], peak: 30 });
    const fit = await new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], method: 'auto', seed: 1 })).run({ maxEvals: 2000 });
    const gamma = (amplitudes: number[]) => {
      const target = syntheticSweeps(izhikevich, { ...protocol, params: truth, amplitudes });
      const model = syntheticSweeps(izhikevich, { ...protocol, params: fit.params, amplitudes });
      return amplitudes.map((_, k) => coincidenceFactor(model[k]!.spikes!, target[k]!.spikes!, 800));
    };
    for (const g of [...gamma([10, 15]), ...gamma([7, 20])]) expect(g).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});

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
    const one = await new OptNeuron(options(1)).run({ maxEvals: 3000 });
    const two = await new OptNeuron(options(2)).run({ maxEvals: 3000 });
    expect(two.history).toEqual(one.history);
    expect(two.params).toEqual(one.params);
  }, 60_000);

  it('need the module that builds the options, and name a bad one', async () => {
    const { source: _source, ...rest } = options(2);
    expect(() => new OptNeuron({ ...rest, workers: 2 })).toThrow(/workers > 1 needs `source`/);
    expect(() => new OptNeuron({ ...options(1), workers: 0 })).toThrow(/workers must be an integer >= 1, got 0/);
    const bad = new OptNeuron({ ...options(2), source: { module: join(root, 'examples', 'reduction.ts'), export: 'nothing' } });
    await expect(bad.run({ maxEvals: 20 })).rejects.toThrow(/reduction.ts has no export 'nothing'/);
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
    await expect(opt.run({ maxEvals: 1e6 })).rejects.toThrow(/worker thread exited unexpectedly \(code 3\)/);
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
    await expect(new OptNeuron(traceFitOptions({ model: izhikevich, sweeps, fit: ['a'] })).run({ maxEvals: 10, maxSeconds: 0 })).rejects.toThrow(/maxSeconds must be > 0/);
  }, 30_000);
});
