import { connectRedis, DEFAULT_QUEUE, loadBullmq, type QueueConnection } from './connection.ts';
import type { FitProgress } from './run-fit-job.ts';

/** One job as `queue status` shows it. */
export interface FitJobStatus {
  name: string;
  state: string;
  evaluations: number | null;
  planned: number | null;
  bestLoss: number | null;
  worker: string | null;
  attempts: number;
  /** Why it failed (its last attempt), if it did. */
  failedReason: string | null;
}

export interface QueueStatus {
  counts: Record<string, number>;
  jobs: FitJobStatus[];
}

const STATES = ['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/**
 * The queue's counts per state, and each job with its progress (evaluations, best loss so
 * far, the worker running it) or failure reason.
 *
 * ```ts
 * const { counts, jobs } = await queueStatus({ redis: 'redis://localhost:6379' });
 * console.log(counts.completed, jobs.filter((j) => j.state === 'failed'));
 * ```
 */
export async function queueStatus(connection: QueueConnection): Promise<QueueStatus> {
  const { Queue } = await loadBullmq();
  const client = await connectRedis(connection.redis, { persistent: false });
  const queue = new Queue(connection.queue ?? DEFAULT_QUEUE, { connection: client });
  try {
    const counts = await queue.getJobCounts(...STATES);
    const jobs: FitJobStatus[] = [];
    for (const state of STATES) {
      // the fields shown, not whole jobs: a job's hash holds its uploaded data too
      const ids = await queue.getRanges([state], 0, -1, true);
      const pipeline = client.pipeline();
      // BullMQ's own short field names: attempts made ('atm'), processed by ('pb')
      for (const id of ids) pipeline.hmget(queue.toKey(id), 'name', 'progress', 'atm', 'failedReason', 'pb');
      const rows = ((await pipeline.exec()) ?? []).map(([, row]) => row as (string | null)[]);
      rows.forEach(([name, progress, attempts, failedReason, processedBy], k) => {
        let p: Partial<FitProgress> = {};
        try {
          const parsed = progress ? JSON.parse(progress) : {};
          if (parsed && typeof parsed === 'object') p = parsed;
        } catch {
          // a progress some other producer wrote
        }
        jobs.push({
          name: name ?? ids[k]!,
          state,
          evaluations: p.evaluations ?? null,
          planned: p.planned ?? null,
          bestLoss: p.bestLoss ?? null,
          worker: p.worker ?? processedBy ?? null,
          attempts: Number(attempts ?? 0),
          failedReason: failedReason || null,
        });
      });
    }
    jobs.sort((a, b) => a.name.localeCompare(b.name));
    return { counts, jobs };
  } finally {
    await queue.close();
    client.disconnect();
  }
}
