import { Worker } from 'node:worker_threads';
import type { Evaluation } from '../fit/results-file.ts';
import type { Point } from '../search/space.ts';
import type { OptionsSource } from './source.ts';

type Reply = { kind: 'ready' } | { kind: 'done'; id: number; evaluations: Evaluation[] } | { kind: 'error'; id: number; message: string };

/**
 * Worker threads that evaluate parts of a batch alongside the main thread. A batch is cut
 * into contiguous parts, the first for the main thread and one for each worker, and the
 * evaluations are joined in order: each point's simulation and loss do not depend on
 * which other points share its population, so the result is the same, bit for bit, as one
 * thread evaluating the whole batch.
 */
export class EvaluationPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (e: Evaluation[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  private constructor() {}

  /** Starts `size` worker threads (besides the main thread), each building the fit's options from `source`; resolves when all are ready. */
  static async start(size: number, source: OptionsSource, overrides: Record<string, unknown>): Promise<EvaluationPool> {
    const pool = new EvaluationPool();
    const ready = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url));
      pool.workers.push(worker);
      worker.postMessage({ kind: 'init', source, overrides });
      return new Promise<void>((resolve, reject) => {
        worker.on('message', (reply: Reply) => {
          if (reply.kind === 'ready') resolve();
          else if (reply.kind === 'error' && reply.id < 0) reject(new Error(`worker could not build the fit from ${source.module}: ${reply.message}`));
          else pool.settle(reply);
        });
        worker.on('error', (err) => {
          pool.fail(new Error(`worker thread failed: ${err.message}`));
          reject(err);
        });
        // a worker that ends on its own (process.exit in user code, out of memory) must not leave a batch waiting
        worker.on('exit', (code) => {
          if (pool.closing) return;
          const err = new Error(`worker thread exited unexpectedly (code ${code})`);
          pool.fail(err);
          reject(err);
        });
      });
    });
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Evaluates the points: the first part with `local` in this thread, the rest in the workers; evaluations in the points' order. */
  async evaluate(points: Point[], local: (part: Point[]) => Promise<Evaluation[]>): Promise<Evaluation[]> {
    if (this.failure) throw this.failure;
    const [mine, ...theirs] = split(points, this.workers.length + 1);
    // posted before the local part runs, so the workers compute while this thread does
    const remote = theirs.map(
      (part, k) =>
        new Promise<Evaluation[]>((resolve, reject) => {
          if (part.length === 0) return resolve([]);
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.workers[k]!.postMessage({ kind: 'evaluate', id, points: part });
        }),
    );
    const theirsDone = Promise.all(remote);
    theirsDone.catch(() => {}); // awaited below; if the local part throws first, a worker's failure is not left unhandled
    const own = await local(mine!);
    return [own, ...(await theirsDone)].flat();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(reply: Reply): void {
    if (reply.kind === 'ready') return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.kind === 'done') waiting.resolve(reply.evaluations);
    else waiting.reject(new Error(reply.message));
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }
}

/** Contiguous parts of near-equal size, the larger ones first. */
export function split<T>(items: T[], parts: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const size = Math.floor(items.length / parts) + (k < items.length % parts ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}
