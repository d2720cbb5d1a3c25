import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Evaluation } from '../search/sampler.ts';

/**
 * A fit's history as CSV, one row per evaluation in the order they were made: `evaluation`
 * (from 1), `loss`, `lossSd`, the fitted parameters, then every other value the fit set.
 * A failed evaluation's loss is empty (NaN is not a number in most readers).
 *
 * ```ts
 * writeFileSync('history.csv', historyCsv(fit.history, ['a', 'b']));
 * ```
 */
export function historyCsv(history: readonly Evaluation[], fitted: readonly string[]): string {
  const others = [...new Set(history.flatMap((h) => Object.keys(h.params)))].filter((n) => !fitted.includes(n)).sort();
  const columns = [...fitted, ...others];
  const cell = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : String(x));
  const rows = history.map((h, k) => [String(k + 1), cell(h.loss), cell(h.lossSd), ...columns.map((c) => cell(h.params[c]))].join(','));
  return [['evaluation', 'loss', 'lossSd', ...columns].join(','), ...rows].join('\n') + '\n';
}

/**
 * Writes {@link historyCsv} to `path`, creating its folder.
 *
 * ```ts
 * writeHistoryCsv('results/history.csv', fit.history, ['a', 'd']);
 * ```
 */
export function writeHistoryCsv(path: string, history: readonly Evaluation[], fitted: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, historyCsv(history, fitted));
}
