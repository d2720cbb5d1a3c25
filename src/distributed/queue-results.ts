import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJobName } from './job.ts';
import { connectRedis, DEFAULT_QUEUE, loadBullmq, type QueueConnection } from './connection.ts';

/** One finished fit in the summary: the best loss, held-out Γ (if validated) and the parameters. */
export interface FitSummary {
  name: string;
  model: string;
  method: string;
  seed: number;
  loss: number | null;
  validationGamma: number | null;
  params: Record<string, number>;
  file: string;
}

/**
 * Writes each completed job's results file to `dir` as `<name>.json` (what `fit-trace
 * --out` writes, so `neurofit report` reads it) and `summary.csv` with one row per fit:
 * name, model, method, seed, loss, validation Γ and every parameter.
 *
 * ```ts
 * const fits = await queueResults({ redis: 'redis://localhost:6379' }, 'results/');
 * ```
 */
export async function queueResults(connection: QueueConnection, dir: string): Promise<FitSummary[]> {
  const { Queue } = await loadBullmq();
  const client = await connectRedis(connection.redis, { persistent: false });
  const queue = new Queue(connection.queue ?? DEFAULT_QUEUE, { connection: client });
  try {
    mkdirSync(dir, { recursive: true });
    const fits: FitSummary[] = [];
    // one job at a time, and only its name and result: a job's hash holds its uploaded data too
    for (const id of await queue.getRanges(['completed'], 0, -1, true)) {
      const [name, returnvalue] = await client.hmget(queue.toKey(id), 'name', 'returnvalue');
      // a name the worker's validation would refuse never becomes a path
      if (!name || !returnvalue || !isJobName(name)) continue;
      const text = JSON.parse(returnvalue) as unknown;
      if (typeof text !== 'string') continue;
      const file = join(dir, `${name}.json`);
      writeFileSync(file, text);
      const r = JSON.parse(text) as { model: string; method: string; seed: number; loss: number | null; params: Record<string, number> | null; validation?: { gamma: number } };
      fits.push({ name, model: r.model, method: r.method, seed: r.seed, loss: r.loss, validationGamma: r.validation?.gamma ?? null, params: r.params ?? {}, file });
    }
    fits.sort((a, b) => a.name.localeCompare(b.name));
    writeFileSync(join(dir, 'summary.csv'), summaryCsv(fits));
    return fits;
  } finally {
    await queue.close();
    client.disconnect();
  }
}

/**
 * The summary as CSV: a column per parameter of any fit (empty where a fit's model lacks it).
 *
 * ```ts
 * writeFileSync('summary.csv', summaryCsv(fits));
 * ```
 */
export function summaryCsv(fits: FitSummary[]): string {
  const params = [...new Set(fits.flatMap((f) => Object.keys(f.params)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const rows = [['name', 'model', 'method', 'seed', 'loss', 'validation_gamma', ...params].join(',')];
  for (const f of fits) rows.push([f.name, f.model, f.method, f.seed, f.loss, f.validationGamma, ...params.map((p) => f.params[p])].map(cell).join(','));
  return rows.join('\n') + '\n';
}
