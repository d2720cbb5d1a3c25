import type { Evaluation } from '../search/sampler.ts';
import type { ResultsFile } from './results-file.ts';
import { fingerprintDifferences, type Fingerprint } from './fingerprint.ts';

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
  /** Array-valued variables: the scalars their elements are (`w` → `w_0`, `w_1`, …). */
  arrayVariables?: { name: string; elements: string[] }[];
  /** Written when there is a results file: what `resume` checks. */
  fingerprint?: Fingerprint;
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
    // the best values of array variables in their shape, beside their elements' scalars in params
    ...(header.arrayVariables && best ? { arrays: Object.fromEntries(header.arrayVariables.map((a) => [a.name, a.elements.map((e) => best.params[e]!)])) } : {}),
    loss: best?.loss ?? null,
    lossSd: best?.lossSd ?? null,
    history,
    ...extra,
  };
}

/**
 * @internal Throws unless the file was written by the same fit, naming each difference
 * (data, model, experiment, variables and bounds, loss, method, seed, time step, repetitions;
 * a file without a fingerprint cannot be checked); with `force`, returns the differences instead.
 */
export function checkResumable(previous: ResultsFile, header: ResultsHeader, path: string, force = false): string[] {
  const fit = header.fingerprint!;
  // a file from before fingerprints: what its header says
  const file: Partial<Fingerprint> = previous.fingerprint ?? { method: previous.method, seed: previous.seed, timeStep: previous.timeStep, numRepLoss: previous.numRepLoss };
  const differences = fingerprintDifferences(file, fit);
  const names = (f: { name: string }[]) => f.map((x) => x.name).join(',');
  if (!previous.fingerprint && names(previous.fitted) !== names(header.fitted)) {
    differences.unshift(`the fitted variables differ (file ${names(previous.fitted)}, this fit ${names(header.fitted)})`);
  }
  if (previous.model !== header.model) differences.unshift(`the model differs (file '${previous.model}', this fit '${header.model}')`);
  if (!previous.fingerprint) differences.push(`${path} has no fingerprint of its data, model and loss (written by an older neurofit), so they cannot be checked`);
  if (differences.length > 0 && !force) throw new Error(`cannot resume: ${differences.join('; ')}; to resume anyway, pass force (--force)`);
  return differences;
}

/** @internal The evaluation with the lowest finite loss (the first of equals), if any; a mini-batch step's loss over some sweeps does not count. */
export function bestEvaluation(history: Evaluation[]): Evaluation | undefined {
  let best: Evaluation | undefined;
  for (const h of history) if (Number.isFinite(h.loss) && !h.batch && (!best || h.loss < best.loss)) best = h;
  return best;
}
