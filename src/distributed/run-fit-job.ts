import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Job } from 'bullmq';
import type { SweepTrace } from '../loss/sweeps.ts';
import { OptNeuron } from '../fit/opt-neuron.ts';
import { FIT_DEFAULTS, defaultMaxEvals } from '../fit/defaults.ts';
import { parseMethod } from '../fit/method.ts';
import { readResultsFile, writeResultsFile } from '../fit/results-file.ts';
import { validateOnSweeps } from '../fit/validate.ts';
import { BadJobError, validateFitJob, type FitJob } from './job.ts';
import { fitJobOptions, jobSweeps, type WorkerPolicy } from './job-spec.ts';
import type { Sweep } from '../io/recording.ts';
import { checkpointKey } from './queue-fits.ts';

/** What a job's progress holds while it runs (`queue status` shows it). */
export interface FitProgress {
  evaluations: number;
  planned: number;
  /** Best loss so far (null before the first finite one). */
  bestLoss: number | null;
  /** `host:pid` of the worker running it. */
  worker: string;
}

/** A job running in this process: what SIGTERM checkpoints and hands back. */
export interface RunningJob {
  job: Job;
  token: string | undefined;
  /** The fit's results file (in a temporary directory): the checkpoint. */
  file: string;
  key: string;
}

/** @internal What the job processor of one worker process shares. */
export interface JobContext {
  redis: Redis;
  queue: string;
  policy: WorkerPolicy;
  /** Worker threads per fit unless the job says. */
  threads: number;
  checkpointMs: number;
  maxPayloadBytes: number;
  worker: string;
  running: Set<RunningJob>;
  log: (message: string) => void;
  /** BullMQ's error for input no retry can fix. */
  unrecoverable: (message: string) => Error;
}

/**
 * Uploads a job's results file to Redis as its checkpoint, if it changed since `last`
 * (its modification time); returns the time uploaded.
 */
export async function uploadCheckpoint(redis: Redis, r: RunningJob, last = 0): Promise<number> {
  if (!existsSync(r.file)) return last;
  const mtime = statSync(r.file).mtimeMs;
  if (mtime === last) return last;
  await redis.set(r.key, readFileSync(r.file, 'utf8'));
  return mtime;
}

/**
 * @internal Runs one fit job: validates it, resumes from its checkpoint if a previous
 * attempt left one (exactly as `--resume` does, so the result equals an uninterrupted
 * run), uploads the results file as the checkpoint every few seconds, reports progress,
 * and returns the final results file's text. Bad input fails as unrecoverable.
 */
export async function runFitJob(job: Job, token: string | undefined, ctx: JobContext): Promise<string> {
  const bad = (err: unknown): Error => (err instanceof BadJobError ? ctx.unrecoverable(err.message) : (err as Error));
  let fit: FitJob;
  try {
    fit = validateFitJob(job.data, ctx.maxPayloadBytes);
  } catch (err) {
    throw bad(err);
  }
  const dir = mkdtempSync(join(tmpdir(), 'neurofit-job-'));
  const running: RunningJob = { job, token, file: join(dir, `${fit.name}.json`), key: checkpointKey(ctx.queue, job.id!) };
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    let opt: OptNeuron<SweepTrace[]>;
    let maxEvals: number;
    const warnings: string[] = [];
    const options = await fitJobOptions(fit, ctx.policy, (m) => warnings.push(m)).catch((err) => Promise.reject(bad(err)));
    try {
      const method = fit.method ?? FIT_DEFAULTS.method;
      maxEvals = fit.maxEvals ?? defaultMaxEvals(parseMethod(method), FIT_DEFAULTS.commandMaxEvals['fit-trace']);
      opt = new OptNeuron({ ...options, method, seed: fit.seed ?? FIT_DEFAULTS.seed, batchSize: fit.batchSize, workers: fit.workers ?? ctx.threads });
    } catch (err) {
      throw ctx.unrecoverable((err as Error).message.replace(/^OptNeuron: /, ''));
    }
    // held-out sweeps are read before the fit: a bad file fails the job at once, not after it
    let held: Sweep[] | undefined;
    try {
      held = fit.validate ? jobSweeps(fit.validate, ctx.policy, 'validate') : undefined;
    } catch (err) {
      throw bad(err);
    }
    for (const w of warnings) await job.log(`warning: ${w}`);
    const saved = await ctx.redis.get(running.key);
    if (saved) {
      writeFileSync(running.file, saved);
      ctx.log(`${fit.name}: resuming from its checkpoint (${(JSON.parse(saved) as { evaluations?: number }).evaluations ?? 0} evaluations)`);
    }
    ctx.running.add(running);
    let uploaded = 0;
    let uploading = false;
    timer = setInterval(() => {
      if (uploading) return;
      uploading = true;
      uploadCheckpoint(ctx.redis, running, uploaded)
        .then((t) => (uploaded = t))
        .catch(() => {})
        .finally(() => (uploading = false));
    }, ctx.checkpointMs);
    let reported = 0;
    const run = (resume: boolean) =>
      opt.run({
        maxEvals,
        resultsFile: running.file,
        resume,
        onProgress: (p) => {
          const now = Date.now();
          if (now - reported < 1000 && p.evaluations < p.maxEvals) return;
          reported = now;
          const progress: FitProgress = { evaluations: p.evaluations, planned: p.maxEvals, bestLoss: Number.isFinite(p.bestLoss) ? p.bestLoss : null, worker: ctx.worker };
          job.updateProgress(progress as unknown as object).catch(() => {});
        },
      });
    let result;
    try {
      result = await run(saved !== null);
    } catch (err) {
      // a checkpoint of another fit under this job's name (a job removed and queued again with other data): start afresh
      if (saved === null || !(err as Error).message.startsWith('cannot resume:')) throw err;
      ctx.log(`${fit.name}: its checkpoint is of another fit (${(err as Error).message}); starting afresh`);
      rmSync(running.file, { force: true });
      result = await run(false);
    }
    clearInterval(timer);
    if (held) {
      const { recordings, ...validation } = await validateOnSweeps(options.neuronModel, result.params, held, { timeStep: result.timeSteps?.fine ?? (options.timeStep as number), threshold: fit.threshold ?? -20 });
      writeResultsFile(running.file, { ...readResultsFile(running.file), validation, validationRecordings: recordings });
    }
    return readFileSync(running.file, 'utf8');
  } finally {
    if (timer) clearInterval(timer);
    ctx.running.delete(running);
    rmSync(dir, { recursive: true, force: true });
  }
}
