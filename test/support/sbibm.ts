import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Rows of an sbibm CSV (header skipped). */
function readCsv(path: string): number[][] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => l.split(',').map(Number));
}

/** sbibm's observation 1 of a task, from test/fixtures/sbibm (2,000 reference samples). */
export function sbibmObservation(task: string): { xo: number[]; theta: number[]; reference: number[][] } {
  const dir = fileURLToPath(new URL(`../fixtures/sbibm/${task}/`, import.meta.url));
  return {
    xo: readCsv(`${dir}observation.csv`)[0]!,
    theta: readCsv(`${dir}true_parameters.csv`)[0]!,
    reference: readCsv(`${dir}reference_posterior_samples.csv`),
  };
}
