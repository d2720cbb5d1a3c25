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

  constructor(private readonly path: string | undefined) {
    if (!path) return;
    if (open.size === 0) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    open.add(this);
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
    writeResultsFile(this.path, this.pending());
    this.pending = undefined;
    this.last = Date.now();
    this.cost = this.last - started;
  }

  /** Flushes and stops listening for signals. */
  close(): void {
    this.flush();
    if (!open.delete(this) || open.size > 0) return;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writers of fits running in this process: a signal flushes them all. */
const open = new Set<ResultsWriter>();

function onSignal(signal: NodeJS.Signals): void {
  for (const writer of [...open]) writer.close();
  // the shell's convention for a process ended by a signal
  process.exit(128 + (constants.signals[signal] ?? 0));
}
