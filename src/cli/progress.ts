import cliProgress from 'cli-progress';

/** A progress bar with the best loss so far, on a terminal only (logs and pipes stay clean). */
export function progressBar(total: number, label: string, unit = 'evaluations'): { update(done: number, best: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} ${unit} | best loss {best} | {duration_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { best: '-' });
  return {
    update(done, best) {
      bar.update(done, { best: Number.isFinite(best) ? best.toPrecision(4) : '-' });
    },
    stop() {
      bar.stop();
    },
  };
}

/**
 * What gives a terminal back its cursor and line wrap (the progress bar turns both off):
 * empty when the stream is not a terminal, whose output stays clean.
 *
 * ```ts
 * process.stderr.write(terminalRestore(process.stderr.isTTY)); // '\x1b[?25h\x1b[?7h' on a terminal
 * ```
 */
export function terminalRestore(isTTY: boolean | undefined): string {
  return isTTY ? '\x1b[?25h\x1b[?7h' : '';
}
