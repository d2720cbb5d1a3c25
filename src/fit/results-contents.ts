import type { Evaluation } from '../search/sampler.ts';
import type { ResultsFile } from './results-file.ts';

/** Which fit a results file belongs to: what it says at the top besides the best values. */
export interface ResultsHeader {
  model: string;
  /** The target model's name, or 'resultsSoll' for data. */
  target: string;
  method: string;
  seed: number;
  timeStep: number;
  numRepLoss: number;
  fitted: { name: string; low: number; high: number }[];
}

/**
 * @internal The whole file at one moment of a fit: the header, the best evaluation so far
 * at the top, every evaluation in `history`, then `extra` (wall time, gradient steps,
 * recordings at the end).
 */
export function resultsContents(header: ResultsHeader, status: ResultsFile['status'], history: Evaluation[], extra: Partial<ResultsFile>): ResultsFile {
  const best = bestEvaluation(history);
  return {
    format: 'neurofit-fit/1',
    status,
    ...header,
    evaluations: history.length,
    params: best?.params ?? null,
    loss: best?.loss ?? null,
    lossSd: best?.lossSd ?? null,
    history,
    ...extra,
  };
}

/** @internal Throws unless the file was written by the same fit: same fitted variables, method and model. */
export function checkResumable(previous: ResultsFile, header: ResultsHeader): void {
  const names = header.fitted.map((f) => f.name).join(',');
  const before = previous.fitted.map((f) => f.name).join(',');
  if (names !== before) throw new Error(`cannot resume: the file fitted ${before}, this fit fits ${names}`);
  if (previous.method !== header.method) throw new Error(`cannot resume: the file used method '${previous.method}', this fit '${header.method}'`);
  if (previous.model !== header.model) throw new Error(`cannot resume: the file fitted model '${previous.model}', not '${header.model}'`);
}

/** @internal The evaluation with the lowest finite loss (the first of equals), if any. */
export function bestEvaluation(history: Evaluation[]): Evaluation | undefined {
  let best: Evaluation | undefined;
  for (const h of history) if (Number.isFinite(h.loss) && (!best || h.loss < best.loss)) best = h;
  return best;
}
