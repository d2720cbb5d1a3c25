import { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { DEFAULT_QUEUE } from '../distributed/connection.ts';
import { runWorker } from '../distributed/worker.ts';
import { parseNumber } from './args.ts';
import { UsageError } from './errors.ts';
import { example } from './help.ts';
import { redisUrl } from './queue.ts';

interface WorkerFlags {
  redis?: string;
  queue: string;
  concurrency: string;
  workers?: string;
  allowModules?: string;
  dataRoot?: string;
  checkpointSeconds: string;
  lockSeconds: string;
  maxPayloadMb: string;
  idleExit?: string;
}

function positive(text: string, what: string, integer: boolean): number {
  const n = parseNumber(text, what);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new UsageError(`${what} must be ${integer ? 'an integer >= 1' : '> 0'}, got ${text}`);
  return n;
}

function directory(path: string | undefined, flag: string): string | undefined {
  if (path === undefined) return undefined;
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: no such directory`);
  return path;
}

/** `neurofit worker`: runs queued fits until SIGTERM, which checkpoints them and hands them back to the queue. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run queued fits from Redis (any number of workers on any number of machines) until SIGTERM')
    .option('--redis <url>', 'Redis holding the queue: redis://[user:password@]host:6379[/db], rediss:// for TLS (default $NEUROFIT_REDIS_URL)')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'fits run at once by this process', '1')
    .option('--workers <n>', `threads per fit (default: the cores / --concurrency, here ${availableParallelism()} cores)`)
    .option('--allow-modules <dir>', 'run model modules (.ts/.js) named by jobs, only from under this folder; without it, jobs run no code')
    .option('--data-root <dir>', 'shared storage: jobs may name data files under this folder (and only there)')
    .option('--checkpoint-seconds <s>', "seconds between checkpoints of a running fit into Redis", '2')
    .option('--lock-seconds <s>', 'a dead worker\'s job goes to another worker after this long; must outlast one batch', '30')
    .option('--max-payload-mb <mb>', 'refuse larger jobs', '16')
    .option('--idle-exit <s>', 'exit (status 0) after this many seconds without a job: for batch systems such as a SLURM job array')
    .addHelpText('after', example('neurofit worker --redis redis://queue-host:6379 --data-root /shared/cells'))
    .action(async (o: WorkerFlags) => {
      const concurrency = positive(o.concurrency, '--concurrency', true);
      await runWorker({
        redis: redisUrl(o),
        queue: o.queue,
        concurrency,
        threads: o.workers !== undefined ? positive(o.workers, '--workers', true) : undefined,
        allowModules: directory(o.allowModules, '--allow-modules'),
        dataRoot: directory(o.dataRoot, '--data-root'),
        checkpointSeconds: positive(o.checkpointSeconds, '--checkpoint-seconds', false),
        lockSeconds: positive(o.lockSeconds, '--lock-seconds', false),
        maxPayloadBytes: Math.round(positive(o.maxPayloadMb, '--max-payload-mb', false) * 1024 * 1024),
        idleSeconds: o.idleExit !== undefined ? positive(o.idleExit, '--idle-exit', false) : undefined,
        onIdle: () => process.exit(0),
      });
      // the worker runs until a signal: its connections keep the process alive
    });
}
