import { availableParallelism, hostname } from 'node:os';
import type { Worker } from 'bullmq';
import { onInterrupt } from '../fit/results-writer.ts';
import { connectRedis, DEFAULT_QUEUE, loadBullmq, redactUrl, type QueueConnection } from './connection.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './job.ts';
import type { WorkerPolicy } from './job-spec.ts';
import { runFitJob, uploadCheckpoint, type RunningJob } from './run-fit-job.ts';
import { checkpointKey } from './queue-fits.ts';

export interface WorkerOptions extends QueueConnection, WorkerPolicy {
  /** Fits run at once by this process (default 1). */
  concurrency?: number;
  /** Worker threads per fit (default: one per core); results do not depend on it. */
  threads?: number;
  /** Seconds between checkpoints of a running fit into Redis (default 2). */
  checkpointSeconds?: number;
  /**
   * Seconds a job's lock lasts without renewal (default 30): a worker that dies leaves its
   * job to another worker this long after. The lock is renewed from the event loop, so it
   * must outlast the longest batch simulated in the worker's main thread.
   */
  lockSeconds?: number;
  maxPayloadBytes?: number;
  /**
   * Stop after this many seconds without a job to run (default: never): for batch systems
   * (a SLURM job array) whose workers should end when the queue is empty.
   */
  idleSeconds?: number;
  /** Called when the worker stopped for being idle (default: nothing more). */
  onIdle?: () => void;
  /** Where the worker tells what it does (default: stderr). */
  log?: (message: string) => void;
  /**
   * Handle SIGINT and SIGTERM: checkpoint the running fits, hand their jobs back to the
   * queue, and exit (default true; an API user with signals of their own says false).
   */
  handleSignals?: boolean;
}

/** A running worker: `close()` waits for its running fits to end. */
export interface FitWorker {
  readonly worker: Worker;
  /** Checkpoints running fits and hands their jobs back to the queue (for another worker), then disconnects. */
  handBack(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Takes fit jobs from the queue and runs them, each with its machine's worker threads,
 * resuming a job from its checkpoint when a previous worker died with it. Runs any number
 * of times on any number of machines; a job runs code (a model module) only from under
 * `allowModules`, and reads data paths only under `dataRoot`.
 *
 * ```ts
 * const w = await runWorker({ redis: 'redis://queue-host:6379', concurrency: 1, threads: 8 });
 * // ... later
 * await w.close();
 * ```
 */
export async function runWorker(o: WorkerOptions): Promise<FitWorker> {
  const { Worker, UnrecoverableError } = await loadBullmq();
  const queue = o.queue ?? DEFAULT_QUEUE;
  const log = o.log ?? ((m: string) => process.stderr.write(`neurofit worker: ${m}\n`));
  // the built-in models load once, before the first job, not as part of it
  await import('../models/index.ts');
  const redis = await connectRedis(o.redis, { persistent: true, log });
  const bclient = await connectRedis(o.redis, { persistent: true, log: () => {} });
  const name = `${hostname()}:${process.pid}`;
  const running = new Set<RunningJob>();
  const lockDuration = Math.round((o.lockSeconds ?? 30) * 1000);
  const concurrency = o.concurrency ?? 1;
  const ctx = {
    redis,
    queue,
    policy: { allowModules: o.allowModules, dataRoot: o.dataRoot },
    threads: o.threads ?? Math.max(1, Math.floor(availableParallelism() / concurrency)),
    checkpointMs: Math.round((o.checkpointSeconds ?? 2) * 1000),
    maxPayloadBytes: o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    worker: name,
    running,
    log,
    unrecoverable: (message: string) => new UnrecoverableError(message),
  };
  const worker = new Worker(queue, (job, token) => runFitJob(job, token, ctx), {
    connection: bclient,
    name,
    concurrency,
    lockDuration,
    stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
    // a job whose worker died is resumed, not failed: machines die, fits do not
    maxStalledCount: 5,
  });
  let lastError = '';
  worker.on('error', (err) => {
    // connection errors are told once by the connection itself
    if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|Connection is closed/.test(err.message)) return;
    if (err.message !== lastError) log(`error: ${err.message}`);
    lastError = err.message;
  });
  let lastBusy = Date.now();
  worker.on('active', (job) => log(`${job.name}: started`));
  worker.on('completed', (job) => {
    lastBusy = Date.now();
    log(`${job.name}: done`);
    redis.del(checkpointKey(queue, job.id!)).catch(() => {});
  });
  worker.on('failed', (job, err) => {
    lastBusy = Date.now();
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log(`${job.name}: failed${final ? '' : ' (will retry)'}: ${err.message}`);
    if (final) redis.del(checkpointKey(queue, job.id!)).catch(() => {});
  });
  log(`taking fits from queue '${queue}' at ${redactUrl(o.redis)} (${concurrency} at once, ${ctx.threads} thread${ctx.threads === 1 ? '' : 's'} each${o.allowModules ? `, modules from ${o.allowModules}` : ''})`);

  const handBack = async (): Promise<number> => {
    await worker.pause(true);
    let n = 0;
    for (const r of [...running]) {
      await uploadCheckpoint(redis, r);
      try {
        await r.job.moveToWait(r.token);
        n++;
      } catch (err) {
        // its lock expired (Redis was away longer than --lock-seconds): the queue gives it to another worker anyway
        log(`${r.job.name}: not handed back (${(err as Error).message}); its checkpoint is saved and another worker takes it over`);
      }
    }
    return n;
  };
  let idleTimer: ReturnType<typeof setInterval> | undefined;
  const close = async () => {
    if (idleTimer) clearInterval(idleTimer);
    if (o.handleSignals !== false) onInterrupt(undefined);
    await worker.close();
    redis.disconnect();
    bclient.disconnect();
  };
  if (o.handleSignals !== false) {
    let stopping = false;
    // the results files are flushed by now; the fits go on until their jobs are handed back
    onInterrupt((signal) => {
      if (stopping) return 'continue';
      stopping = true;
      log(`${signal}: checkpointing ${running.size} running fit${running.size === 1 ? '' : 's'} and handing ${running.size === 1 ? 'it' : 'them'} back to the queue`);
      handBack()
        .then((n) => log(`${n} job${n === 1 ? '' : 's'} handed back`))
        .catch((err) => log(`could not hand back every job (${(err as Error).message}); a stalled job goes to another worker after ${lockDuration / 1000} s`))
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      return 'continue';
    });
  }
  if (o.idleSeconds !== undefined) {
    const idleMs = o.idleSeconds * 1000;
    idleTimer = setInterval(() => {
      if (running.size > 0) lastBusy = Date.now();
      else if (Date.now() - lastBusy > idleMs) {
        log(`no job for ${o.idleSeconds} s: stopping`);
        close().then(() => o.onIdle?.(), (err) => log(`error while stopping: ${(err as Error).message}`));
      }
    }, Math.min(1000, idleMs));
  }
  return { worker, handBack, close };
}
