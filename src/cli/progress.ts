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
