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
    const out: QueuedFit[] = [];
    for (const job of valid) {
      const existing = await queue.getJob(job.name);
      if (existing) {
        out.push({ name: job.name, added: false });
        continue;
      }
      await queue.add(job.name, job, {
        jobId: job.name,
        attempts: o.attempts ?? 3,
        backoff: { type: 'exponential', delay: o.backoffMs ?? 5000 },
      });
      out.push({ name: job.name, added: true });
    }
    return out;
  } finally {
    await queue.close();
    client.disconnect();
  }
}
