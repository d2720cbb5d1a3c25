import { Command } from 'commander';
import { basename } from 'node:path';
import type { RecordingOptions } from '../io/recording.ts';
import type { FitJob, JobData } from '../distributed/job.ts';
import { sweepToData } from '../distributed/job-spec.ts';
import { addRecordingInputOptions, loadRecordingInputs, type CsvFlags } from './recording-input.ts';
import { detectFormat } from '../io/recording-file.ts';
import { openSync, readSync, closeSync } from 'node:fs';
import { DEFAULT_QUEUE } from '../distributed/connection.ts';
import { jobData, jobModelOf, readManifest, type DataTransfer } from '../distributed/manifest.ts';
import { queueFits } from '../distributed/queue-fits.ts';
import { queueStatus, type QueueStatus } from '../distributed/queue-status.ts';
import { queueResults } from '../distributed/queue-results.ts';
import { collect, parseAssignments, parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { example } from './help.ts';

interface ConnectionFlags {
  redis?: string;
  queue: string;
}

/** The Redis URL: `--redis`, else $NEUROFIT_REDIS_URL. */
export function redisUrl(flags: { redis?: string }): string {
  const url = flags.redis ?? process.env['NEUROFIT_REDIS_URL'];
  if (!url) throw new UsageError('--redis URL is needed (redis://host:6379, rediss:// for TLS), or set NEUROFIT_REDIS_URL');
  return url;
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--redis <url>', 'Redis holding the queue: redis://[user:password@]host:6379[/db], rediss:// for TLS (default $NEUROFIT_REDIS_URL)')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE);
}

interface AddFlags extends ConnectionFlags, CsvFlags {
  manifest?: string;
  name?: string;
  shared?: boolean;
  model?: string;
  data: string[];
  validate: string[];
  fit?: string;
  bounds: string[];
  set: string[];
  dt?: string;
  loss?: string;
  threshold?: string;
  method?: string;
  maxEvals?: string;
  seed?: string;
  batchSize?: string;
  workers?: string;
  attempts: string;
  json?: boolean;
}

function addCommand(): Command {
  const cmd = withConnection(new Command('add'))
    .description('queue one fit (fit-trace\'s options) or every row of a manifest CSV; each becomes one job')
    .option('--manifest <fits.csv>', 'one fit per row: columns name, data (files, ;-separated), model, fit, and optionally sweeps, validate, bounds, set, method, seed, max_evals, loss, dt, threshold')
    .option('--name <name>', 'the job\'s name, and its results file\'s (default: <data>-<model>-s<seed>)')
    .option('--shared', 'send data paths, not data: each worker reads them under its --data-root (shared storage; for large data; CSV files only). Default: upload the data with the job (up to 16 MB a job)')
    .option('--model <name>', 'built-in model name, a .json file with a model definition (equation strings: runs on any worker), or a .ts/.js module (runs only on workers started with --allow-modules)');
  // the same recording options as fit-trace: one declaration for both
  const inputs = addRecordingInputOptions(cmd, { required: false, validate: true });
  return cmd
    .option('--fit <a,b,...>', 'parameters to fit')
    .option('--bounds <p=lo:hi>', 'search bounds (repeatable or comma-separated)', collect, [])
    .option('--set <p=value>', 'hold a parameter at a value (repeatable or comma-separated)', collect, [])
    .option('--dt <ms>', 'integration step')
    .option('--loss <kind>', 'loss per sweep (see fit-trace --help)')
    .option('--threshold <mV>', 'spike detection threshold on the recorded voltage')
    .option('--method <m>', 'search or gradient method (see fit-trace --help)')
    .option('--max-evals <n>', 'evaluations in all')
    .option('--seed <n>', 'seed of the search')
    .option('--batch-size <n>', 'parameter sets simulated together per round')
    .option('--workers <n>', 'threads of this fit on its worker (default: the worker\'s --workers)')
    .option('--attempts <n>', 'attempts of a fit that fails for another reason than bad input (retried with backoff)', '3')
    .option('--json', 'print the queued jobs as JSON')
    .addHelpText('after', example('neurofit queue add --redis redis://localhost:6379 --model izhikevich --data cell1.csv --fit a,b,d --seed 1 --name cell1-s1'))
    .action(async (o: AddFlags) => {
      const redis = redisUrl(o);
      const transfer: DataTransfer = o.shared ? 'shared' : 'upload';
      const column = (c: string) => (/^\d+$/.test(c) ? Number(c) : c);
      const read: RecordingOptions = {
        ...(o.tCol !== 't' ? { t: column(o.tCol) } : {}),
        ...(o.vCol !== 'v' ? { v: o.vCol.split(',').map(column) } : {}),
        ...(o.iCol !== undefined ? { I: o.iCol === 'none' ? null : o.iCol.split(',').map(column) } : {}),
        ...(o.timeUnit !== 'ms' ? { timeUnit: o.timeUnit as 's' } : {}),
        ...(o.voltageUnit !== 'mV' ? { voltageUnit: o.voltageUnit as 'V' } : {}),
        ...(o.currentScale !== '1' ? { currentScale: parseNumber(o.currentScale, '--current-scale') } : {}),
      };
      let jobs: FitJob[];
      try {
        if (o.manifest) jobs = readManifest(o.manifest, transfer, read);
        else {
          const binary = inputs.files.some((f) => f.current !== undefined || f.sweeps || f.channel !== undefined || f.protocol !== undefined) || Object.keys(inputs.defaults).length > 0 || (await anyRecordingFile(inputs.files.map((f) => f.path)));
          if (binary && transfer === 'shared') throw new UsageError('--shared sends paths that workers read as CSV: upload ABF, NWB and Igor recordings with the job (leave out --shared), or convert them (neurofit inspect FILE --sweep K --out sweep.csv)');
          // uploaded: read here in any format, the job carries the sweeps
          const uploaded = binary ? { data: { sweeps: (await loadRecordingInputs(inputs, 'data', read)).map(sweepToData) }, validate: { sweeps: (await loadRecordingInputs(inputs, 'validate', read)).map(sweepToData) } } : undefined;
          jobs = [singleJob(o, read, transfer, uploaded)];
        }
      } catch (err) {
        throw err instanceof UsageError ? err : new UsageError((err as Error).message);
      }
      const attempts = parseNumber(o.attempts, '--attempts');
      let queued;
      try {
        queued = await queueFits({ redis, queue: o.queue }, jobs, { attempts });
      } catch (err) {
        // a payload that fails validation is the user's to fix
        if ((err as Error).name === 'BadJobError') throw new UsageError((err as Error).message);
        throw err;
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(queued) + '\n');
        return;
      }
      const added = queued.filter((q) => q.added);
      const kept = queued.filter((q) => !q.added);
      process.stdout.write(`queued ${added.length} fit${added.length === 1 ? '' : 's'} on '${o.queue}'${added.length > 0 && added.length <= 10 ? `: ${added.map((q) => q.name).join(', ')}` : ''}\n`);
      if (kept.length > 0) process.stdout.write(`already queued (kept as they are): ${kept.map((q) => q.name).join(', ')}\n`);
    });
}

/** The job of `queue add` without a manifest: fit-trace's options. */
function singleJob(o: AddFlags, read: RecordingOptions, transfer: DataTransfer, uploaded?: { data: JobData; validate: JobData }): FitJob {
  if (!o.model) throw new UsageError('--model is needed (or --manifest)');
  if (o.data.length === 0) throw new UsageError('--data is needed (or --manifest)');
  if (!o.fit) throw new UsageError('--fit is needed (or --manifest)');
  const bounds: Record<string, [number, number]> = {};
  for (const item of o.bounds.flatMap((b) => b.split(',')).filter(Boolean)) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*([^:]+):(.+)$/.exec(item);
    if (!m) throw new UsageError(`--bounds: expected p=LO:HI, got '${item}'`);
    bounds[m[1]!] = [parseNumber(m[2]!, `--bounds ${m[1]} low`), parseNumber(m[3]!, `--bounds ${m[1]} high`)];
  }
  const integer = (text: string | undefined, what: string) => {
    if (text === undefined) return undefined;
    const n = parseNumber(text, what);
    if (!Number.isInteger(n)) throw new UsageError(`${what} must be an integer, got ${text}`);
    return n;
  };
  const seed = integer(o.seed, '--seed');
  const stem = (p: string) => basename(p).replace(/\.[^.]+$/, '');
  const job: FitJob = {
    name: o.name ?? `${stem(o.data[0]!)}-${stem(o.model)}-s${seed ?? 'default'}`,
    model: jobModelOf(o.model),
    data: uploaded?.data ?? jobData(o.data, read, transfer),
    fit: o.fit.split(',').map((s) => s.trim()).filter(Boolean),
  };
  if (o.validate.length > 0) job.validate = uploaded?.validate ?? jobData(o.validate, read, transfer);
  if (Object.keys(bounds).length > 0) job.bounds = bounds;
  if (o.set.length > 0) job.set = parseAssignments(o.set);
  if (o.dt !== undefined) job.timeStep = parseNumber(o.dt, '--dt');
  if (o.loss !== undefined) job.loss = o.loss as FitJob['loss'];
  if (o.threshold !== undefined) job.threshold = parseNumber(o.threshold, '--threshold');
  if (o.method !== undefined) job.method = o.method;
  if (seed !== undefined) job.seed = seed;
  const maxEvals = integer(o.maxEvals, '--max-evals');
  if (maxEvals !== undefined) job.maxEvals = maxEvals;
  const batchSize = integer(o.batchSize, '--batch-size');
  if (batchSize !== undefined) job.batchSize = batchSize;
  const workers = integer(o.workers, '--workers');
  if (workers !== undefined) job.workers = workers;
  return job;
}

/** The status as a table: counts, then one line per job. */
export function statusText(s: QueueStatus): string {
  const counts = Object.entries(s.counts).map(([state, n]) => `${n} ${state}`).join(', ');
  const lines = [counts];
  for (const j of s.jobs) {
    const progress = j.evaluations !== null ? ` ${j.evaluations}/${j.planned}` : '';
    const best = j.bestLoss !== null ? ` best loss ${j.bestLoss.toPrecision(5)}` : '';
    const worker = j.state === 'active' && j.worker ? ` on ${j.worker}` : '';
    const why = j.failedReason && j.state !== 'completed' ? ` (${j.state === 'failed' ? '' : 'last attempt: '}${j.failedReason})` : '';
    lines.push(`  ${j.name}  ${j.state}${progress}${best}${worker}${why}`);
  }
  return lines.join('\n') + '\n';
}

function statusCommand(): Command {
  return withConnection(new Command('status'))
    .description('counts of jobs per state, and each job with its progress, best loss so far, worker or failure reason')
    .option('--watch', 'refresh every 2 s until no job waits or runs')
    .option('--json', 'print the status as JSON')
    .action(async (o: ConnectionFlags & { watch?: boolean; json?: boolean }) => {
      const redis = redisUrl(o);
      for (;;) {
        const s = await queueStatus({ redis, queue: o.queue });
        if (o.json) process.stdout.write(JSON.stringify(s) + '\n');
        else process.stdout.write((o.watch && process.stdout.isTTY ? '\x1b[2J\x1b[H' : '') + statusText(s));
        const busy = (s.counts['active'] ?? 0) + (s.counts['waiting'] ?? 0) + (s.counts['delayed'] ?? 0) + (s.counts['prioritized'] ?? 0);
        if (!o.watch || busy === 0) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
    });
}

function resultsCommand(): Command {
  return withConnection(new Command('results'))
    .description("write each finished job's results JSON (<name>.json) and summary.csv (name, model, loss, validation Γ, parameters)")
    .requiredOption('--out <dir>', 'folder for the results')
    .action(async (o: ConnectionFlags & { out: string }) => {
      const fits = await queueResults({ redis: redisUrl(o), queue: o.queue }, o.out);
      process.stdout.write(`${fits.length} result${fits.length === 1 ? '' : 's'} written to ${o.out} (summary.csv)\n`);
    });
}

/** `neurofit queue add|status|results`: fits as jobs on a BullMQ queue in Redis, for `neurofit worker`s on any number of machines. */
export function queueCommand(): Command {
  const queue = new Command('queue')
    .description('queue fits as jobs in Redis for neurofit workers on any number of machines; their status and results')
    .addCommand(addCommand())
    .addCommand(statusCommand())
    .addCommand(resultsCommand())
    .addHelpText('after', example('neurofit queue status --redis redis://localhost:6379 --watch'));
  for (const c of queue.commands) c.exitOverride();
  return queue;
}

/** Whether any of the files is a recording format (ABF, NWB, Igor) rather than text, by its first bytes. */
async function anyRecordingFile(paths: string[]): Promise<boolean> {
  return paths.some((p) => {
    let fd: number | undefined;
    try {
      fd = openSync(p, 'r');
      const head = new Uint8Array(512);
      const n = readSync(fd, head, 0, 512, 0);
      return detectFormat(head.subarray(0, n)) !== 'csv';
    } catch {
      return false; // a missing file is reported where it is read
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
}
