import { Worker } from 'node:worker_threads';

type Reply<R> = { kind: 'ready' } | { kind: 'done'; id: number; results: R[] } | { kind: 'error'; id: number; message: string };

/**
 * Worker threads that evaluate parts of a batch alongside the main thread. A batch is cut
 * into contiguous parts, the first for the main thread and one for each worker, and the
 * results are joined in order.
 *
 * Invariant: whoever uses the pool makes each item's result independent of which other
 * items share its part (a fit's points each get their own neurons and random streams), so
 * the joined result is the same, bit for bit, as one thread evaluating the whole batch.
 *
 * The pool knows nothing of neurons: a worker runs `module`, which calls
 * {@link serveBatches} with a function that builds its evaluator from `init`.
 *
 * ```ts
 * const pool = await WorkerPool.start<Point, Evaluation>(1, evaluationWorkerUrl, { source, overrides });
 * const evaluations = await pool.evaluate(points, (part) => opt.evaluateBatch(part));
 * await pool.close();
 * ```
 */
export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: R[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  private constructor() {}

  /**
   * Starts `size` worker threads (besides the main thread) running `module`, each handed
   * `init` (structured-clonable); resolves when all are ready.
   */
  static async start<T, R>(size: number, module: URL, init: unknown): Promise<WorkerPool<T, R>> {
    const pool = new WorkerPool<T, R>();
    const ready = Array.from({ length: size }, () => {
      // the boot file registers a TypeScript loader first when `module` is a .ts source file
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { module: module.href } });
      pool.workers.push(worker);
      worker.postMessage({ kind: 'init', init });
      return new Promise<void>((resolve, reject) => {
        worker.on('message', (reply: Reply<R>) => {
          if (reply.kind === 'ready') resolve();
          else if (reply.kind === 'error' && reply.id < 0) reject(new Error(`worker could not start: ${reply.message}`));
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

  /** Evaluates the items: the first part with `local` in this thread, the rest in the workers; results in the items' order. */
  async evaluate(items: T[], local: (part: T[]) => Promise<R[]>): Promise<R[]> {
    if (this.failure) throw this.failure;
    const [mine, ...theirs] = split(items, this.workers.length + 1);
    // posted before the local part runs, so the workers compute while this thread does
    const remote = theirs.map(
      (part, k) =>
        new Promise<R[]>((resolve, reject) => {
          if (part.length === 0) return resolve([]);
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.workers[k]!.postMessage({ kind: 'evaluate', id, items: part });
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

  private settle(reply: Reply<R>): void {
    if (reply.kind === 'ready') return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.kind === 'done') waiting.resolve(reply.results);
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
