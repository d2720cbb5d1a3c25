import { WorkerPool } from '../parallel/pool.ts';
import { siblingModule } from '../parallel/module-url.ts';
import type { OptionsSource } from '../parallel/source.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Point } from '../search/space.ts';

/**
 * Worker threads that each build these options from `source` (with `overrides`) and
 * evaluate parts of batches; see {@link WorkerPool} for why results do not change.
 *
 * ```ts
 * // my-fit.ts default-exports the OptNeuron options; each worker builds their Evaluator
 * const pool = await startEvaluationPool(1, { module: '/abs/path/my-fit.ts' }, { seed: 4 });
 * const evaluator = new Evaluator({ ...options, seed: 4 });
 * const evaluations = await pool.evaluate(points, (part) => evaluator.evaluate(part));
 * await pool.close();
 * ```
 */
export function startEvaluationPool(size: number, source: OptionsSource, overrides: Record<string, unknown>): Promise<WorkerPool<Point, Evaluation>> {
  return WorkerPool.start<Point, Evaluation>(size, siblingModule(import.meta.url, 'evaluation-worker'), { source, overrides });
}

/** The options a worker needs besides its source: numbers, strings and booleans (seed, timeStep, method, ...). */
export function workerOverrides(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v)));
}

/**
 * @internal A fit's worker pool from the moment it is asked for. Workers take about 1.5 s
 * to start (each loads the model compiler); meanwhile this thread evaluates batches alone,
 * which changes no result.
 */
export class StartingPool {
  private pool: WorkerPool<Point, Evaluation> | undefined;
  private error: Error | undefined;

  /** `starting` undefined: no workers, every batch runs in this thread. */
  constructor(private readonly starting: Promise<WorkerPool<Point, Evaluation>> | undefined) {
    starting?.then(
      (pool) => (this.pool = pool),
      (err: Error) => (this.error = err),
    );
  }

  /** Evaluates the points, parts of them in the workers once they are up; `here` evaluates a part in this thread. */
  async evaluate(points: Point[], here: (part: Point[]) => Promise<Evaluation[]>): Promise<Evaluation[]> {
    if (this.error) throw this.error;
    if (this.pool) return this.pool.evaluate(points, here);
    return here(points);
  }

  /** Waits until the workers are up or failed to start, and throws in the second case. */
  async started(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.error) throw this.error;
  }

  /** Ends the workers, waiting for them to start first if need be. */
  async close(): Promise<void> {
    const pool = await this.starting?.catch(() => undefined);
    await pool?.close();
    this.pool = undefined;
  }
}
