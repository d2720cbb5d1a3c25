/**
 * Fits as jobs: 16 small fits (Izhikevich to a 1 s recording, a, b, d, TPE, 60 evaluations
 * at dt 0.002 ms, uploaded with each job) through 1 and 2 `neurofit worker` processes (one
 * thread each), against the same 16 run one after another in this process. Each round
 * queues all 16 with idle workers already started and times until the last result is in
 * Redis. Sequential runs the compiled package in a child process, as the workers do. Medians of 3 rounds, the configurations interleaved so the load of a shared
 * machine falls on all alike.
 *
 *   npm run bench:queue          (redis-server on the PATH, or $NEUROFIT_REDIS_URL; dist/ is built first)
 *
 * overhead_ms_per_job: queueing, upload, validation, checkpoints and the result, per job
 * (goal <= 50 ms), measured on each job from BullMQ's timestamps and the fit's own wall time
 * (a shared machine's load makes the difference of two wall times too noisy); the wall-time
 * estimate (1 worker - sequential) / 16 is printed beside it. The 2-worker speed-up goal is >= 1.8.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { queueFits } from '../src/distributed/queue-fits.ts';
import { jobData } from '../src/distributed/manifest.ts';
import type { FitJob } from '../src/distributed/job.ts';
import { startRedis } from '../test/support/redis.ts';

const JOBS = 16;
const ROUNDS = 3;
const root = join(import.meta.dirname, '..');
const data = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');
const settings = { fit: ['a', 'b', 'd'], method: 'tpe', maxEvals: 60, timeStep: 0.002 };

execFileSync(process.execPath, ['scripts/build.mjs', '--incremental'], { cwd: root, stdio: 'inherit' });
const redis = await startRedis();
const client = new Redis(redis.url, { maxRetriesPerRequest: null });
const uploaded = jobData([data], {}, 'upload');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * The 16 fits one after another in one process running the compiled package, as the
 * workers do (timed inside it, from its first fit: a worker is started before the clock too).
 */
function sequential(): number {
  const script = `
    const { OptNeuron, readRecording, traceFitOptions } = await import(${JSON.stringify(join(root, 'dist', 'src', 'index.js'))});
    const { builtinModels } = await import(${JSON.stringify(join(root, 'dist', 'models', 'index.js'))});
    const sweeps = readRecording(${JSON.stringify(data)});
    const s = ${JSON.stringify(settings)};
    const started = performance.now();
    for (let k = 0; k < ${JOBS}; k++) {
      const opt = new OptNeuron(traceFitOptions({ model: builtinModels.izhikevich, sweeps, fit: s.fit, timeStep: s.timeStep, seed: k + 1, method: s.method }));
      await opt.run({ maxEvals: s.maxEvals, resultsFile: false });
    }
    console.log(performance.now() - started);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n').pop());
}

/**
 * The queue's own time per job, measured on the jobs themselves (robust to the load of a
 * shared machine, unlike a difference of two wall times): a worker's time on the job besides
 * the fit's run() (validation, options, checkpoints, storing the result), the wait between
 * one job's end and the next one's start on the same worker, and queueing (with the upload).
 */
const inWorker: number[] = [];
const gaps: number[] = [];
const queueing: number[] = [];

async function overheads(queue: string, queueingMs: number): Promise<number[]> {
  const { Queue } = await import('bullmq');
  const q = new Queue(queue, { connection: client });
  const jobs = await q.getJobs(['completed']);
  await q.close();
  const byWorker = new Map<string, { start: number; end: number; run: number }[]>();
  for (const job of jobs) {
    const run = JSON.parse(job.returnvalue as string).elapsedSeconds * 1000;
    const worker = (job.progress as { worker: string }).worker;
    byWorker.set(worker, [...(byWorker.get(worker) ?? []), { start: job.processedOn!, end: job.finishedOn!, run }]);
  }
  const out: number[] = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.start - b.start);
    list.forEach((j, k) => {
      inWorker.push(j.end - j.start - j.run);
      if (k > 0) gaps.push(j.start - list[k - 1]!.end);
      out.push(j.end - j.start - j.run + (k > 0 ? j.start - list[k - 1]!.end : 0) + queueingMs / JOBS);
    });
  }
  queueing.push(queueingMs / JOBS);
  return out;
}

async function throughWorkers(n: number, round: number): Promise<{ ms: number; overhead: number[] }> {
  const queue = `bench-${process.pid}-${n}w-${round}`;
  const workers: ChildProcess[] = [];
  for (let k = 0; k < n; k++) {
    const child = spawn(process.execPath, [join(root, 'bin', 'neurofit.js'), 'worker', '--redis', redis.url, '--queue', queue, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    workers.push(child);
    // ready when it says so
    await new Promise<void>((resolve) => child.stderr!.on('data', (d) => String(d).includes('taking fits') && resolve()));
  }
  const jobs: FitJob[] = Array.from({ length: JOBS }, (_, k) => ({
    name: `fit-${k + 1}`,
    model: { name: 'izhikevich' },
    data: uploaded,
    fit: settings.fit,
    method: settings.method,
    seed: k + 1,
    maxEvals: settings.maxEvals,
    timeStep: settings.timeStep,
  }));
  const started = performance.now();
  await queueFits({ redis: redis.url, queue }, jobs);
  const queueingMs = performance.now() - started;
  while ((await client.zcard(`bull:${queue}:completed`)) + (await client.zcard(`bull:${queue}:failed`)) < JOBS) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - started;
  const failed = await client.zcard(`bull:${queue}:failed`);
  if (failed > 0) throw new Error(`${failed} jobs failed`);
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.on('exit', r)))));
  return { ms, overhead: await overheads(queue, queueingMs) };
}

const times = { seq: [] as number[], w1: [] as number[], w2: [] as number[] };
const overhead: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  times.seq.push(sequential());
  const one = await throughWorkers(1, round);
  times.w1.push(one.ms);
  overhead.push(...one.overhead);
  const two = await throughWorkers(2, round);
  times.w2.push(two.ms);
  overhead.push(...two.overhead);
  console.log(`round ${round + 1}: sequential ${(times.seq.at(-1)! / 1000).toFixed(2)} s, 1 worker ${(times.w1.at(-1)! / 1000).toFixed(2)} s, 2 workers ${(times.w2.at(-1)! / 1000).toFixed(2)} s`);
}
const seq = median(times.seq);
const w1 = median(times.w1);
const w2 = median(times.w2);
const perMin = (ms: number) => Number(((JOBS / ms) * 60_000).toFixed(1));
console.log(`${JOBS} fits, medians of ${ROUNDS}: sequential ${(seq / 1000).toFixed(2)} s (${perMin(seq)} fits/min), 1 worker ${(w1 / 1000).toFixed(2)} s, 2 workers ${(w2 / 1000).toFixed(2)} s (×${(w1 / w2).toFixed(2)})`);
client.disconnect();
await redis.stop();
console.log(`queue overhead per job, measured on the jobs: median ${median(overhead).toFixed(1)} ms (of ${overhead.length}); from wall times, (1 worker - sequential) / ${JOBS}: ${((w1 - seq) / JOBS).toFixed(1)} ms`);
console.log(`  of which: in the worker besides the fit ${median(inWorker).toFixed(1)} ms, between jobs ${median(gaps).toFixed(1)} ms, queueing ${median(queueing).toFixed(1)} ms (medians)`);
console.log(JSON.stringify({ jobs_per_min_1w: perMin(w1), jobs_per_min_2w: perMin(w2), overhead_ms_per_job: Number(median(overhead).toFixed(1)) }));
