import type { Sweep } from './recording.ts';

/** What a check of recorded sweeps found: something doubtful, and what to do about it. */
export interface RecordingWarning {
  /** A short key, for tests and for `--json` output. */
  kind: 'short' | 'tiny-interval' | 'volts' | 'no-spikes' | 'current-unit';
  message: string;
}

export interface CheckOptions {
  /** Spike threshold of the recorded voltage (mV). */
  threshold: number;
  /** The model's current unit (`units.I`), when it declares one. */
  modelCurrentUnit?: string;
  /** The data's current unit, when the file or the user says it. */
  dataCurrentUnit?: string;
}

/** Below these, a recording in ms and mV is doubtful: its time is likely in s, its voltage in V. */
const MIN_DURATION_MS = 10;
const MIN_INTERVAL_MS = 1e-3;
const MIN_VOLTAGE_SPAN_MV = 1;

/**
 * Doubtful recordings, found before any simulation: a recording shorter than 10 ms or
 * sampled faster than every 1 µs (time in seconds?), a voltage that never leaves ±1 (in
 * volts?), no sweep whose voltage crosses the spike threshold, and a current whose unit
 * differs from the model's. Each warning says what to do.
 *
 * ```ts
 * const sweeps = readRecording('cell.csv');
 * for (const w of checkSweeps(sweeps, { threshold: -20, modelCurrentUnit: 'pA' })) console.warn(w.message);
 * ```
 */
export function checkSweeps(sweeps: readonly Sweep[], o: CheckOptions): RecordingWarning[] {
  const warnings: RecordingWarning[] = [];
  for (const s of sweeps) {
    const duration = s.t.length * s.sampleDt;
    if (duration < MIN_DURATION_MS) {
      warnings.push({ kind: 'short', message: `${s.name}: the recording lasts ${fmt(duration)} ms; if its time column is in seconds, say so (--time-unit s; timeUnit: 's')` });
    }
    if (s.sampleDt < MIN_INTERVAL_MS) {
      warnings.push({ kind: 'tiny-interval', message: `${s.name}: samples are ${fmt(s.sampleDt * 1000)} µs apart; if the time column is in seconds, say so (--time-unit s; timeUnit: 's')` });
    }
    const [lo, hi] = range(s.v);
    if (Math.max(Math.abs(lo), Math.abs(hi)) < MIN_VOLTAGE_SPAN_MV) {
      warnings.push({ kind: 'volts', message: `${s.name}: the voltage stays within ${fmt(lo)} … ${fmt(hi)}; if it is in volts, say so (--voltage-unit V; voltageUnit: 'V')` });
    }
  }
  const crossing = sweeps.some((s) => crosses(s.v, o.threshold));
  if (sweeps.length > 0 && !crossing) {
    const lo = Math.min(...sweeps.map((s) => range(s.v)[0]));
    const hi = Math.max(...sweeps.map((s) => range(s.v)[1]));
    warnings.push({
      kind: 'no-spikes',
      message: `no sweep's voltage crosses the spike threshold ${o.threshold} mV (voltage ${fmt(lo)} … ${fmt(hi)} mV): the fit would match a silent cell; if the cell spikes, set the threshold (--threshold; threshold) or check the voltage unit`,
    });
  }
  if (o.modelCurrentUnit && o.dataCurrentUnit && normalise(o.modelCurrentUnit) !== normalise(o.dataCurrentUnit)) {
    const factor = currentFactor(o.dataCurrentUnit, o.modelCurrentUnit);
    warnings.push({
      kind: 'current-unit',
      message:
        `the data's current is in ${o.dataCurrentUnit}, the model's in ${o.modelCurrentUnit}` +
        (factor ? `: scale it (--current-scale ${fmt(factor)}; currentScale: ${fmt(factor)})` : ': convert one to the other'),
    });
  }
  return warnings;
}

/**
 * The factor that takes a current from one unit to another (`nA` → `pA`: 1000), or
 * undefined when either is not a plain current unit (a density such as `uA/cm2` needs the
 * membrane area).
 *
 * ```ts
 * currentFactor('nA', 'pA'); // 1000
 * ```
 */
export function currentFactor(from: string, to: string): number | undefined {
  const a = CURRENT_FACTORS[normalise(from)];
  const b = CURRENT_FACTORS[normalise(to)];
  return a !== undefined && b !== undefined ? Number((a / b).toPrecision(12)) : undefined;
}

/** Amperes per unit, for the units a current-clamp file or model uses. */
const CURRENT_FACTORS: Record<string, number> = { fa: 1e-15, pa: 1e-12, na: 1e-9, ua: 1e-6, µa: 1e-6, ma: 1e-3, a: 1 };

function normalise(unit: string): string {
  return unit.trim().toLowerCase();
}

function crosses(v: Float64Array, threshold: number): boolean {
  for (let k = 1; k < v.length; k++) if (v[k - 1]! < threshold && v[k]! >= threshold) return true;
  return false;
}

function range(v: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
