import type { Redis } from 'ioredis';
import { connectRedis, DEFAULT_QUEUE, loadBullmq, type QueueConnection } from './connection.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, validateFitJob, type FitJob } from './job.ts';

/** How a queued fit is retried when it fails for a reason other than bad input. */
export interface RetryOptions {
  /** Attempts in all (default 3). */
  attempts?: number;
  /** First retry after this long (ms), doubling each time (default 5000). */
  backoffMs?: number;
  /** Refuse payloads larger than this (default 16 MB). */
  maxPayloadBytes?: number;
}

/** A job as {@link queueFits} left it: `added` false when a job of that name was already queued (it is kept). */
export interface QueuedFit {
  name: string;
  added: boolean;
}

/** @internal The Redis key holding a job's checkpoint (its results file while it runs). */
export function checkpointKey(queue: string, jobId: string): string {
  return `neurofit:${queue}:checkpoint:${jobId}`;
}

/**
 * Queues fits as BullMQ jobs, one job per fit, named (and identified) by `name`: queueing
 * a name again keeps the first job. Each job is validated here as a worker will validate it.
 *
 * ```ts
 * await queueFits({ redis: 'redis://localhost:6379' }, [
 *   { name: 'cell1-izh-s1', model: { name: 'izhikevich' }, data: { files: ['cells/cell1.csv'] }, fit: ['a', 'b', 'd'], seed: 1, maxEvals: 500 },
 * ]);
 * ```
 */
export async function queueFits(connection: QueueConnection, jobs: FitJob[], o: RetryOptions = {}): Promise<QueuedFit[]> {
  const valid = jobs.map((j) => validateFitJob(j, o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES));
  const names = new Set<string>();
  for (const j of valid) {
    if (names.has(j.name)) throw new Error(`two fits are named '${j.name}': names identify jobs and their results files`);
    names.add(j.name);
  }
  const { Queue } = await loadBullmq();
  const client: Redis = await connectRedis(connection.redis, { persistent: false });
  const queue = new Queue(connection.queue ?? DEFAULT_QUEUE, { connection: client });
  try {
    // two round trips for any number of jobs: which names exist, then every new job at once
    const exists = client.pipeline();
    for (const job of valid) exists.exists(queue.toKey(job.name));
    const found = ((await exists.exec()) ?? []).map(([, n]) => n === 1);
    const fresh = valid.filter((_, k) => !found[k]);
    const opts = { attempts: o.attempts ?? 3, backoff: { type: 'exponential', delay: o.backoffMs ?? 5000 } };
    // in chunks of at most about 32 MB, so that a whole dataset is not one transaction
    for (let k = 0; k < fresh.length; ) {
      const chunk: FitJob[] = [];
      for (let bytes = 0; k < fresh.length && (chunk.length === 0 || bytes < 32 * 1024 * 1024); k++) {
        chunk.push(fresh[k]!);
        bytes += 'sweeps' in fresh[k]!.data ? JSON.stringify(fresh[k]!.data).length : 1000;
      }
      await queue.addBulk(chunk.map((job) => ({ name: job.name, data: job, opts: { ...opts, jobId: job.name } })));
    }
    const out: QueuedFit[] = valid.map((job, k) => ({ name: job.name, added: !found[k] }));
    return out;
  } finally {
    await queue.close();
    client.disconnect();
  }
}
