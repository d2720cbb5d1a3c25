import { parentPort } from 'node:worker_threads';

type Message<T> = { kind: 'init'; init: unknown } | { kind: 'evaluate'; id: number; items: T[] };

/**
 * The worker side of {@link WorkerPool}: call it once in the worker's module. `build` turns
 * the pool's `init` into the function that evaluates one part of a batch.
 *
 * ```ts
 * // worker.ts: scale each item by the factor the pool sent as `init`
 * serveBatches<number, number>(async (init) => async (items) => items.map((x) => x * (init as number)));
 * ```
 */
export function serveBatches<T, R>(build: (init: unknown) => Promise<(items: T[]) => Promise<R[]>>): void {
  if (!parentPort) throw new Error('serveBatches: not in a worker thread');
  const port = parentPort;
  let evaluate: ((items: T[]) => Promise<R[]>) | undefined;
  port.on('message', async (m: Message<T>) => {
    try {
      if (m.kind === 'init') {
        evaluate = await build(m.init);
        port.postMessage({ kind: 'ready' });
      } else {
        port.postMessage({ kind: 'done', id: m.id, results: await evaluate!(m.items) });
      }
    } catch (err) {
      port.postMessage({ kind: 'error', id: m.kind === 'evaluate' ? m.id : -1, message: (err as Error).message ?? String(err) });
    }
  });
}
