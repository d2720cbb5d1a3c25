import { constants } from 'node:os';
import { writeResultsFile, type ResultsFile } from './results-file.ts';

/**
 * Keeps a fit's results file current without rewriting it after every batch: a rewrite
 * costs time in proportion to the history, so writing after each of thousands of small
 * batches made an 8,000-evaluation fit about 60 % slower. Running states are written at
 * most about once a second (less often if a write is slow); a final state at once; and
 * whatever is pending when the fit throws or the process gets SIGINT or SIGTERM, so an
 * interrupted fit still loses nothing it evaluated.
 */
export class ResultsWriter {
  private last = 0;
  private cost = 0;
  private pending: (() => ResultsFile) | undefined;
  /** Evaluations in the file as last written (undefined: not written yet). */
  private saved: number | undefined;

  constructor(private readonly path: string | undefined) {
    if (!path) return;
    open.add(this);
    listen();
  }

  /** Records the file's contents (built lazily); `now` writes at once. */
  update(contents: () => ResultsFile, now = false): void {
    if (!this.path) return;
    this.pending = contents;
    if (now || Date.now() - this.last >= Math.max(1000, 20 * this.cost)) this.flush();
  }

  /** Writes what is pending, if anything. */
  flush(): void {
    if (!this.path || !this.pending) return;
    const started = Date.now();
    const contents = this.pending();
    writeResultsFile(this.path, contents);
    this.saved = contents.evaluations;
    this.pending = undefined;
    this.last = Date.now();
    this.cost = this.last - started;
  }

  /** Flushes and stops listening for signals. */
  close(): void {
    this.flush();
    if (open.delete(this)) listen();
  }

  /** @internal Flushes, closes and says what the file holds. */
  interrupt(): SavedFit {
    this.close();
    return { path: this.path!, evaluations: this.saved };
  }
}

/** A results file as a signal left it: `evaluations` undefined if the fit had written nothing yet. */
export interface SavedFit {
  path: string;
  evaluations?: number;
}

/**
 * What happens on SIGINT or SIGTERM once every open results file is flushed, before the
 * process exits; returning `'continue'` keeps the process running (a queue worker hands its
 * jobs back before it exits itself).
 */
export type InterruptHandler = (signal: 'SIGINT' | 'SIGTERM', saved: SavedFit[]) => void | 'continue';

/**
 * Replaces what a SIGINT or SIGTERM prints once the open results files are flushed (by
 * default, `N evaluations saved to FILE; continue with run({ resume: true })` on stderr);
 * `undefined` restores the default. The process then exits with 128 + the signal's number
 * (130, 143). While a handler is set, signals are handled even with no fit running, so a
 * command line can restore its terminal at any time.
 *
 * ```ts
 * onInterrupt((signal, saved) => {
 *   for (const s of saved) process.stderr.write(`${s.evaluations} evaluations saved to ${s.path}\n`);
 * });
 * ```
 */
export function onInterrupt(handler: InterruptHandler | undefined): void {
  interruptHandler = handler;
  listen();
}

/** The default message: what each file holds and how to go on. */
export function interruptMessage(saved: SavedFit[], resume = 'run({ resume: true })'): string {
  return saved
    .map((s) => (s.evaluations === undefined ? `interrupted before any evaluation was saved to ${s.path}\n` : `${s.evaluations} evaluations saved to ${s.path}; continue with ${resume}\n`))
    .join('');
}

/** Writers of fits running in this process: a signal flushes them all. */
const open = new Set<ResultsWriter>();
let interruptHandler: InterruptHandler | undefined;
let listening = false;

/** Listens for signals while a results file is open or a handler is set, and only then. */
function listen(): void {
  const want = open.size > 0 || interruptHandler !== undefined;
  if (want === listening) return;
  listening = want;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (want) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
}

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  const saved = [...open].map((writer) => writer.interrupt());
  if (interruptHandler) {
    if (interruptHandler(signal, saved) === 'continue') return;
  } else process.stderr.write(interruptMessage(saved));
  // the shell's convention for a process ended by a signal
  process.exit(128 + (constants.signals[signal] ?? 0));
}
