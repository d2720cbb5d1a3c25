/**
 * Small composable callbacks for gradient fits (after TVB-Optim's DefaultPrintCallback,
 * SavingLossCallback, SavingParametersCallback, StopLossCallback and MultiCallback).
 */

/** The state of a fit after one step. */
export interface FitState {
  /** Step number. */
  iteration: number;
  /** Loss after the step. */
  loss: number;
  /** Parameter values (constrained space) after the step. */
  params: Record<string, number>;
  /**
   * A callback that stops may say why here; the fit then reports it as its stop reason
   * (otherwise 'user stop'). {@link stopOnPlateau} sets 'plateau'.
   */
  stopReason?: 'plateau' | 'user stop';
}

/** A callback sees the state after each step; returning true stops the fit. */
export type Callback = (state: FitState) => boolean | void;

/** Six significant digits without trailing zeros: enough to watch a fit, short enough to scan. */
function format(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/**
 * Writes one line "step N: loss L, p=v, ..." whenever the step number is a multiple of n.
 * By default to stderr, so progress does not mix with results written to stdout.
 *
 * ```ts
 * const opt = new OptNeuron({ ...options, method: 'adam', callbacks: [printEvery(10)] });
 * // stderr: step 10: loss 0.123457, a=0.02, d=8.1
 * ```
 */
export function printEvery(n: number, write?: (line: string) => void): Callback {
  if (!Number.isInteger(n) || n < 1) throw new Error(`printEvery: n must be a positive integer, got ${n}`);
  const out = write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  return (state) => {
    if (state.iteration % n !== 0) return;
    const params = Object.entries(state.params).map(([k, v]) => `, ${k}=${format(v)}`).join('');
    out(`step ${state.iteration}: loss ${format(state.loss)}${params}`);
  };
}

/**
 * Appends each step's loss to `into`.
 *
 * ```ts
 * const losses: number[] = [];
 * const opt = new OptNeuron({ ...options, method: 'adam', callbacks: [saveLoss(losses)] });
 * ```
 */
export function saveLoss(into: number[]): Callback {
  return (state) => {
    into.push(state.loss);
  };
}

/**
 * Appends a copy of each step's parameters to `into` (a copy, so later steps cannot alter it).
 *
 * ```ts
 * const path: Record<string, number>[] = [];
 * const opt = new OptNeuron({ ...options, method: 'adam', callbacks: [saveParameters(path)] });
 * ```
 */
export function saveParameters(into: Record<string, number>[]): Callback {
  return (state) => {
    into.push({ ...state.params });
  };
}

/**
 * Stops once the loss is at or below `target`.
 *
 * ```ts
 * const stop = stopAtLoss(1e-3);
 * stop({ iteration: 6, loss: 5e-4, params: {} }); // true
 * ```
 */
export function stopAtLoss(target: number): Callback {
  if (Number.isNaN(target)) throw new Error('stopAtLoss: target must not be NaN');
  return (state) => state.loss <= target;
}

/**
 * Stops when the best loss has not improved by more than `minDelta` (relative, default 1e-6)
 * for `patience` consecutive steps: the patience-th non-improving step returns true. A
 * non-finite loss never counts as an improvement. Keeps state, so use one instance per fit.
 *
 * ```ts
 * const plateau = stopOnPlateau({ patience: 2 });
 * [1, 1, 1].map((loss, i) => plateau({ iteration: i + 1, loss, params: {} })); // [false, false, true]
 * ```
 */
export function stopOnPlateau(o: { patience: number; minDelta?: number }): Callback {
  const { patience } = o;
  const minDelta = o.minDelta ?? 1e-6;
  if (!Number.isInteger(patience) || patience < 1) throw new Error(`stopOnPlateau: patience must be a positive integer, got ${patience}`);
  if (!(minDelta >= 0)) throw new Error(`stopOnPlateau: minDelta must be >= 0, got ${minDelta}`);
  let best = Infinity;
  let stale = 0;
  return (state) => {
    const loss = state.loss;
    const improved = Number.isFinite(loss) && (Number.isFinite(best) ? best - loss > minDelta * Math.abs(best) : true);
    if (improved) {
      best = loss;
      stale = 0;
      return false;
    }
    stale++;
    if (stale < patience) return false;
    state.stopReason = 'plateau';
    return true;
  };
}

/**
 * Runs every callback on each step, even after one has asked to stop (so that, say, the
 * last loss is still saved), and stops if any asked.
 *
 * ```ts
 * const losses: number[] = [];
 * const callbacks = [combine(printEvery(50), saveLoss(losses), stopOnPlateau({ patience: 20 }))];
 * const opt = new OptNeuron({ ...options, method: 'adam', iterations: 500, callbacks });
 * ```
 */
export function combine(...callbacks: Callback[]): Callback {
  return (state) => {
    let stop = false;
    for (const cb of callbacks) if (cb(state) === true) stop = true;
    return stop;
  };
}
