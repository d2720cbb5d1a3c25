import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { NeuronModel } from '../model/neuron.ts';
import { defineNeuron } from '../model/neuron.ts';
import { isModelModule, loadNeuronModel } from '../models/load.ts';
import { readRecording, type Sweep } from '../io/recording.ts';
import { traceFitOptions, type TraceFitSpec } from '../fit/trace-fit.ts';
import type { OptNeuronOptions } from '../fit/opt-neuron.ts';
import type { SweepTrace } from '../loss/sweeps.ts';
import { BadJobError, type FitJob, type JobData, type JobModel, type SweepData } from './job.ts';

/** What a worker lets a job reach: module code and files, each only from under its directory. */
export interface WorkerPolicy {
  /** Models given as a module path run only from under this directory; none without it. */
  allowModules?: string;
  /** Data given as paths is read only from under this directory; none without it. */
  dataRoot?: string;
}

/**
 * The model a job names, within the worker's policy: a built-in by name, equation strings
 * compiled by neurofit (never run as code), or a module under `allowModules`.
 */
export async function jobModel(m: JobModel, policy: WorkerPolicy): Promise<{ model: NeuronModel; module?: string }> {
  if ('definition' in m) {
    try {
      return { model: defineNeuron(m.definition) };
    } catch (err) {
      throw new BadJobError(`model.definition: ${(err as Error).message}`);
    }
  }
  if ('module' in m) {
    if (!isModelModule(m.module)) throw new BadJobError(`model.module '${m.module}': expected a .ts, .mts, .js or .mjs file`);
    if (!policy.allowModules) throw new BadJobError(`model.module '${m.module}' is code, and this worker runs no job's code: start it with --allow-modules DIR and put the module under DIR`);
    const file = inside(m.module, policy.allowModules, 'model.module', '--allow-modules');
    try {
      return { model: await loadNeuronModel(file), module: file };
    } catch (err) {
      throw new BadJobError((err as Error).message);
    }
  }
  if (isModelModule(m.name)) throw new BadJobError(`model.name '${m.name}' is a path: give a module as { module: '${m.name}' }`);
  try {
    return { model: await loadNeuronModel(m.name) };
  } catch (err) {
    throw new BadJobError((err as Error).message);
  }
}

/** The sweeps of a job: uploaded ones as they are, files read from under the worker's data root. */
export function jobSweeps(d: JobData, policy: WorkerPolicy, what: string): Sweep[] {
  if ('sweeps' in d) return d.sweeps.map((s, k) => sweepFromData(s, `${what}.sweeps[${k}]`));
  if (!policy.dataRoot) throw new BadJobError(`${what}.files: this worker reads no paths from jobs; start it with --data-root DIR (the shared storage) or upload the data with the job`);
  return d.files.flatMap((f) => {
    const file = inside(f, policy.dataRoot!, `${what}.files`, '--data-root');
    try {
      return readRecording(file, d.read ?? {});
    } catch (err) {
      throw new BadJobError((err as Error).message);
    }
  });
}

/** An uploaded sweep as the fit takes it; its time must be evenly spaced, as a file's. */
export function sweepFromData(s: SweepData, what: string): Sweep {
  const sampleDt = s.t[1]! - s.t[0]!;
  if (!(sampleDt > 0)) throw new BadJobError(`${what}: time must increase`);
  for (let k = 1; k < s.t.length; k++) {
    if (Math.abs(s.t[k]! - s.t[k - 1]! - sampleDt) > 1e-6 * sampleDt + 1e-9) throw new BadJobError(`${what}: time is not evenly spaced at sample ${k} (t = ${s.t[k]} ms)`);
  }
  return { name: s.name, t: Float64Array.from(s.t), I: Float64Array.from(s.I), v: Float64Array.from(s.v), sampleDt, ...(s.currentUnit ? { currentUnit: s.currentUnit } : {}) };
}

/** A sweep as a job uploads it (plain arrays). */
export function sweepToData(s: Sweep): SweepData {
  return { name: s.name, t: Array.from(s.t), I: Array.from(s.I), v: Array.from(s.v), ...(s.currentUnit ? { currentUnit: s.currentUnit } : {}) };
}

/**
 * The fit-trace spec of a job on this worker. Bad input (an unknown model, a file that
 * cannot be read, a parameter the model lacks) is a {@link BadJobError}: retrying cannot help.
 */
export async function jobTraceSpec(job: FitJob, policy: WorkerPolicy, onWarning: (message: string) => void): Promise<TraceFitSpec> {
  const { model, module } = await jobModel(job.model, policy);
  return {
    model,
    ...(module ? { modelModule: module } : {}),
    sweeps: jobSweeps(job.data, policy, 'data'),
    fit: job.fit,
    bounds: job.bounds,
    set: job.set,
    loss: job.loss,
    threshold: job.threshold,
    timeStep: job.timeStep,
    method: job.method,
    seed: job.seed,
    batchSize: job.batchSize,
    workers: job.workers,
    onWarning,
  };
}

/**
 * The OptNeuron options of a job; worker threads rebuild them from the same job (through
 * {@link fitJobWorkerOptions}), so a model given by its equations runs on threads too.
 */
export async function fitJobOptions(job: FitJob, policy: WorkerPolicy, onWarning: (message: string) => void): Promise<OptNeuronOptions<SweepTrace[]>> {
  let options: OptNeuronOptions<SweepTrace[]>;
  const spec = await jobTraceSpec(job, policy, onWarning);
  try {
    options = traceFitOptions(spec);
  } catch (err) {
    throw new BadJobError((err as Error).message);
  }
  // a built-in model or a module: trace-fit's own source; equations: this module, from the job
  return options.source ? options : { ...options, source: { module: import.meta.url, export: 'fitJobWorkerOptions', args: [job, policy] } };
}

/** @internal What a worker thread of a job's fit builds (the main thread has warned already). */
export async function fitJobWorkerOptions(job: FitJob, policy: WorkerPolicy): Promise<OptNeuronOptions<SweepTrace[]>> {
  return traceFitOptions(await jobTraceSpec(job, policy, () => {}));
}

/** `path` resolved, its links followed, and refused unless it lies under `root`. */
function inside(path: string, root: string, what: string, flag: string): string {
  let file: string;
  let base: string;
  try {
    base = realpathSync(root);
  } catch {
    throw new BadJobError(`${flag} ${root}: no such directory on this worker`);
  }
  try {
    file = realpathSync(isAbsolute(path) ? path : resolve(base, path));
  } catch {
    throw new BadJobError(`${what} '${path}': no such file under ${flag} ${root} on this worker`);
  }
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
    throw new BadJobError(`${what} '${path}' is outside ${flag} ${root}: refused`);
  }
  return file;
}
