import type { Epoch, StimulusInfo } from './recorded.ts';

/**
 * The stimulus of a sweep from its current: the holding level (median of the first 5 %),
 * and the first stretch that leaves it by more than the noise (5 robust SDs of that
 * baseline, at least 1 % of the range); a stretch whose first and second halves agree
 * within 10 % is a step, one that grows steadily a ramp. Recorded currents are noisy, a
 * command is not: both give the same answer for a clean step.
 *
 * ```ts
 * describeStimulus(sweep.I, sweep.sampleDt); // { kind: 'step', amplitude: 175, start: 700, end: 2700, holding: 0 }
 * ```
 */
export function describeStimulus(I: ArrayLike<number>, dt: number): StimulusInfo {
  const n = I.length;
  if (n === 0) return { kind: 'none', amplitude: 0, start: 0, end: 0, holding: 0 };
  const head = Array.from({ length: Math.max(1, Math.floor(n / 20)) }, (_, k) => I[k]!);
  const holding = median(head);
  const noise = 1.4826 * median(head.map((x) => Math.abs(x - holding)));
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    lo = Math.min(lo, I[k]!);
    hi = Math.max(hi, I[k]!);
  }
  const threshold = Math.max(5 * noise, 0.01 * (hi - lo), 1e-9);
  // runs shorter than 1 ms are noise spikes, not a stimulus
  const minRun = Math.max(1, Math.round(1 / dt));
  let start = -1;
  for (let k = 0, run = 0; k < n; k++) {
    run = Math.abs(I[k]! - holding) > threshold ? run + 1 : 0;
    if (run >= minRun) {
      start = k - run + 1;
      break;
    }
  }
  if (start < 0) return { kind: 'none', amplitude: 0, start: 0, end: 0, holding };
  let end = n;
  for (let k = start, run = 0; k < n; k++) {
    run = Math.abs(I[k]! - holding) <= threshold ? run + 1 : 0;
    if (run >= minRun) {
      end = k - run + 1;
      break;
    }
  }
  const part = Array.from({ length: end - start }, (_, k) => I[start + k]! - holding);
  const half = Math.floor(part.length / 2);
  const first = median(part.slice(0, Math.max(1, half)));
  const second = median(part.slice(half));
  const kind: StimulusInfo['kind'] = Math.abs(second - first) <= 0.1 * Math.max(Math.abs(first), Math.abs(second)) ? 'step' : Math.abs(second) > Math.abs(first) ? 'ramp' : 'other';
  const amplitude = kind === 'step' ? median(part) : part[part.length - 1]!;
  return { kind, amplitude: round(amplitude), start: round(start * dt), end: round(end * dt), holding: round(holding) };
}

/**
 * The stimulus from an epoch table: the first epoch whose level differs from the holding
 * level, its amplitude scaled by `scale` (1000 for a command in nA, to pA).
 *
 * ```ts
 * stimulusFromEpochs(command.epochs, command.holding, 1); // { kind: 'step', amplitude: -50, ... }
 * ```
 */
export function stimulusFromEpochs(epochs: readonly Epoch[], holding: number, scale: number): StimulusInfo {
  const e = epochs.find((x) => x.level !== holding);
  if (!e) return { kind: 'none', amplitude: 0, start: 0, end: 0, holding: holding * scale };
  // levels are float32 in the file: 7 significant digits
  const r7 = (x: number) => Number(x.toPrecision(7));
  return { kind: e.kind === 'ramp' ? 'ramp' : e.kind === 'step' ? 'step' : 'other', amplitude: r7((e.level - holding) * scale), start: r7(e.start), end: r7(e.end), holding: r7(holding * scale) };
}

/**
 * Upward crossings of `threshold` (eFEL's Spikecount with its default −20 mV).
 *
 * ```ts
 * countSpikes(sweep.v); // 26 for the B6 cell's 119 pA step
 * ```
 */
export function countSpikes(v: ArrayLike<number>, threshold = -20): number {
  let count = 0;
  for (let k = 1; k < v.length; k++) if (v[k - 1]! < threshold && v[k]! >= threshold) count++;
  return count;
}

/**
 * Resting potential: the mean voltage over the 10 % of time before the stimulus (eFEL's
 * voltage_base window), or over the 10 % before a tenth of the sweep without one.
 *
 * ```ts
 * restingPotential(sweep.v, sweep.sampleDt, sweep.stimulus?.start); // mV
 * ```
 */
export function restingPotential(v: ArrayLike<number>, dt: number, stimulusStart?: number): number {
  const end = stimulusStart !== undefined && stimulusStart > 0 ? Math.min(v.length, Math.round(stimulusStart / dt)) : Math.max(1, Math.floor(v.length / 10));
  const begin = Math.floor(0.9 * end);
  let sum = 0;
  for (let k = begin; k < end; k++) sum += v[k]!;
  return round(sum / Math.max(1, end - begin));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function round(x: number): number {
  return Number(x.toPrecision(10));
}
