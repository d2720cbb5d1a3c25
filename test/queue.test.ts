import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { OptNeuron, readRecording, traceFitOptions } from '../src/index.ts';
import { builtinModels } from '../models/index.ts';
import { BadJobError, validateFitJob } from '../src/distributed/job.ts';
import { jobModel, jobSweeps } from '../src/distributed/job-spec.ts';
import { startRedis, type TestRedis } from './support/redis.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'neurofit.js');
const dataDir = join(root, 'examples', 'data');
const dataFile = 'izhikevich-rs-10.csv';
const dir = mkdtempSync(join(tmpdir(), 'neurofit-queue-'));
const queue = `test-${process.pid}`;
// each fit takes about 2 s on an idle core (5 s on a loaded one): long enough to be killed in the middle of
const fit = { model: 'izhikevich', fit: ['a', 'b', 'd'], method: 'tpe', maxEvals: 400, dt: 0.002 };
const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

let redis: TestRedis;
let client: Redis;
const workers: { child: ChildProcess; log: string }[] = [];

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function startWorker(): { child: ChildProcess; log: string } {
  const child = spawn(
    process.execPath,
    [bin, 'worker', '--redis', redis.url, '--queue', queue, '--workers', '1', '--lock-seconds', '3', '--checkpoint-seconds', '0.2', '--data-root', dataDir, '--allow-modules', join(dir, 'allowed')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const w = { child, log: '' };
  child.stderr!.on('data', (d) => (w.log += d));
  workers.push(w);
  return w;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; worker logs:\n${workers.map((w) => w.log).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The same fit in this process, uninterrupted: the reference each job's result must equal. */
async function reference(seed: number) {
  const opt = new OptNeuron(traceFitOptions({ model: builtinModels['izhikevich']!, sweeps: readRecording(join(dataDir, dataFile)), fit: fit.fit, timeStep: fit.dt, seed, method: fit.method }));
  return opt.run({ maxEvals: fit.maxEvals, resultsFile: join(dir, 'reference', `s${seed}.json`) });
}

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  mkdirSync(join(dir, 'allowed'));
  mkdirSync(join(dir, 'elsewhere'));
}, 30_000);

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  client?.disconnect();
  await redis?.stop();
});

describe('fits as jobs on BullMQ and Redis', () => {
  it('validates payloads before anything runs', () => {
    expect(() => validateFitJob({ name: 'x', model: { name: 'izhikevich' }, data: { sweeps: [{ name: 's', t: [0, 1], I: [0, 'a'], v: [0, 0] }] }, fit: ['a'] })).toThrow('data.sweeps[0].I: expected an array of finite numbers');
    expect(() => validateFitJob({ name: '../x', model: { name: 'izhikevich' }, data: { files: ['a.csv'] }, fit: ['a'] })).toThrow("name '../x'");
    expect(() => validateFitJob({ name: 'x', model: { name: 'izhikevich', module: 'm.ts' }, data: { files: ['a.csv'] }, fit: ['a'] })).toThrow('model: give exactly one of');
    expect(() => validateFitJob({ name: 'x', model: { name: 'izhikevich' }, data: { files: ['a.csv'] }, fit: ['a'] }, 50)).toThrow('over the 0.0 MB limit');
  });

  it('runs a model given as equation strings; names code and paths only under the directories a worker allows', async () => {
    const definition = { name: 'leaky', parameters: { tau: 10, I: 0 }, equations: 'tau * dv/dt = -(v + 65) + I : init = -65', spike: 'v >= -50', reset: 'v = -65' };
    const { model } = await jobModel(validateFitJob({ name: 'eq', model: { definition }, data: { files: ['x.csv'] }, fit: ['tau'] }).model, {});
    expect(model.name).toBe('leaky');
    expect(model.parameterNames).toContain('tau');
    await expect(jobModel({ definition: { ...definition, equations: 'dv/dt = process.exit(1)' } }, {})).rejects.toThrow(BadJobError);
    writeFileSync(join(dir, 'elsewhere', 'model.mjs'), 'export default 1;\n');
    await expect(jobModel({ module: join(dir, 'elsewhere', 'model.mjs') }, {})).rejects.toThrow('start it with --allow-modules DIR');
    await expect(jobModel({ module: join(dir, 'allowed', '..', 'elsewhere', 'model.mjs') }, { allowModules: join(dir, 'allowed') })).rejects.toThrow('is outside --allow-modules');
    expect(() => jobSweeps({ files: [join(dataDir, dataFile)] }, {}, 'data')).toThrow('start it with --data-root DIR');
    expect(() => jobSweeps({ files: ['../../package.json'] }, { dataRoot: dataDir }, 'data')).toThrow('is outside --data-root');
    expect(jobSweeps({ files: [dataFile] }, { dataRoot: dataDir }, 'data')[0]!.v.length).toBe(10000);
  });

  it('says when Redis cannot be reached, and takes a password in the URL', async () => {
    const port = Number(new URL(redis.url).port);
    const down = neurofit('queue', 'status', '--redis', 'redis://127.0.0.1:1');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
    await client.config('SET', 'requirepass', 'pa55');
    try {
      const url = `redis://:pa55@127.0.0.1:${port}`;
      const ok = neurofit('queue', 'status', '--redis', url, '--queue', `${queue}-auth`, '--json');
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout).counts.waiting).toBe(0);
      const wrong = neurofit('queue', 'status', '--redis', `redis://:nope@127.0.0.1:${port}`);
      expect(wrong.code).toBe(1);
      // the password is never printed
      expect(wrong.stderr).toContain(`redis://:***@127.0.0.1:${port}`);
      expect(wrong.stderr).not.toContain('nope');
    } finally {
      const admin = new Redis(redis.url.replace('redis://', 'redis://:pa55@'));
      await admin.config('SET', 'requirepass', '');
      admin.disconnect();
    }
  });

  it('8 fits on 3 workers, one killed mid-job and Redis restarted: every result equals an uninterrupted run, bit for bit; bad input fails once', async () => {
    // half the fits upload their data, half name it on shared storage (the workers' --data-root)
    // the first fit of each kind is also validated on a held-out sweep
    const held = (s: number) => (s === 1 ? join(dataDir, 'izhikevich-rs-15.csv') : s === 5 ? 'izhikevich-rs-15.csv' : '');
    const rows = seeds.map((s) => `cell-s${s},${s <= 4 ? join(dataDir, dataFile) : dataFile},${fit.model},a;b;d,${fit.method},${s},${fit.maxEvals},${fit.dt},${held(s)}`);
    const header = 'name,data,model,fit,method,seed,max_evals,dt,validate';
    writeFileSync(join(dir, 'upload.csv'), [header, ...rows.slice(0, 4)].join('\n'));
    writeFileSync(join(dir, 'shared.csv'), [header, ...rows.slice(4)].join('\n'));
    for (const [manifest, shared] of [['upload.csv', []], ['shared.csv', ['--shared']]] as const) {
      const r = neurofit('queue', 'add', '--redis', redis.url, '--queue', queue, '--manifest', manifest, ...shared);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    // bad input: an unknown model; code outside --allow-modules (it would leave a mark if it ran)
    const mark = join(dir, 'ran');
    writeFileSync(join(dir, 'elsewhere', 'evil.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'ran');\n`);
    const common = ['queue', 'add', '--redis', redis.url, '--queue', queue, '--data', join(dataDir, dataFile), '--fit', 'a', '--max-evals', '10'];
    expect(neurofit(...common, '--model', 'nosuch', '--name', 'bad-model').code).toBe(0);
    expect(neurofit(...common, '--model', join(dir, 'elsewhere', 'evil.mjs'), '--name', 'evil').code).toBe(0);

    const w = [startWorker(), startWorker(), startWorker()];
    /**
     * Two running jobs on two live workers, each with a checkpoint in Redis that leaves at least
     * half its fit to run: both are picked at once, so neither can end before its worker is
     * stopped, however fast the machine.
     */
    const pickTwo = () =>
      until('two checkpointed jobs on two workers', 30_000, async () => {
        const found: { id: string; worker: (typeof w)[number] }[] = [];
        for (const id of seeds.map((s) => `cell-s${s}`)) {
          const saved = JSON.parse((await client.get(`neurofit:${queue}:checkpoint:${id}`)) ?? '{}');
          if (saved.status !== 'running' || !(saved.evaluations >= 16 && saved.evaluations <= fit.maxEvals / 2)) continue;
          const progress = JSON.parse((await client.hget(`bull:${queue}:${id}`, 'progress')) ?? '{}');
          const pid = Number(String(progress.worker ?? '').split(':').pop());
          const worker = w.find((x) => x.child.pid === pid && x.child.exitCode === null && x.child.signalCode === null);
          if (worker && !found.some((f) => f.worker === worker)) found.push({ id, worker });
        }
        return found.length >= 2 ? [found[0]!, found[1]!] : undefined;
      });
    // a worker is killed without warning
    const [victim, stopped] = await pickTwo();
    victim.worker.child.kill('SIGKILL');
    // SIGTERM: a worker checkpoints its fit, hands the job back and exits as a signal's process does; a new worker joins
    const exited = new Promise((r) => stopped.worker.child.on('exit', (code) => r(code)));
    stopped.worker.child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stopped.worker.log).toContain('SIGTERM: checkpointing 1 running fit and handing it back to the queue');
    expect(stopped.worker.log).toContain('1 job handed back');
    startWorker();
    // Redis restarts while the workers run: nothing is lost (append-only file); a lock that
    // expires meanwhile only hands its job to another worker, which resumes it
    await redis.restart();

    await until('every job to end', 180_000, async () => {
      await new Promise((r) => setTimeout(r, 400));
      const ended = (await client.zcard(`bull:${queue}:completed`)) + (await client.zcard(`bull:${queue}:failed`));
      return ended === 10 ? true : undefined;
    });
    const status = JSON.parse(neurofit('queue', 'status', '--redis', redis.url, '--queue', queue, '--json').stdout);
    expect(status.counts).toMatchObject({ completed: 8, failed: 2, active: 0, waiting: 0 });
    const logs = workers.map((x) => x.log).join('\n');
    expect(logs).toContain(`${victim.id}: resuming from its checkpoint`);
    expect(logs).toContain(`${stopped.id}: resuming from its checkpoint`);

    const failed = Object.fromEntries(status.jobs.filter((j: { state: string }) => j.state === 'failed').map((j: { name: string }) => [j.name, j]));
    expect(failed['bad-model'].failedReason).toContain("unknown model 'nosuch'");
    expect(failed['bad-model'].attempts).toBe(1);
    expect(failed['evil'].failedReason).toContain('is outside --allow-modules');
    expect(failed['evil'].attempts).toBe(1);
    expect(existsSync(mark)).toBe(false);

    const out = join(dir, 'results');
    const r = neurofit('queue', 'results', '--redis', redis.url, '--queue', queue, '--out', out);
    expect(r.code).toBe(0);
    const summary = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary[0]).toBe('name,model,method,seed,loss,validation_gamma,a,b,d');
    expect(summary).toHaveLength(9);
    // held-out Γ of the validated fits, none for the others
    const gamma = (name: string) => summary.find((row) => row.startsWith(`${name},`))!.split(',')[5]!;
    for (const name of ['cell-s1', 'cell-s5']) {
      expect(gamma(name)).not.toBe('');
      expect(Number(gamma(name))).toBeGreaterThanOrEqual(-1);
    }
    expect(gamma('cell-s2')).toBe('');
    for (const seed of seeds) {
      const job = JSON.parse(readFileSync(join(out, `cell-s${seed}.json`), 'utf8'));
      const ref = await reference(seed);
      expect(job.status).toBe('done');
      expect(job.evaluations).toBe(fit.maxEvals);
      expect(job.loss).toBe(ref.loss);
      expect(job.params).toEqual(ref.params);
      expect(job.history.map((h: { loss: number | null }) => h.loss ?? NaN)).toEqual(ref.history.map((h) => h.loss));
      expect(job.history.map((h: { params: unknown }) => h.params)).toEqual(ref.history.map((h) => h.params));
    }
  }, 300_000);
});
