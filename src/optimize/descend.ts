/**
 * The loop around a first-order optimiser: evaluate the gradient (of a tfjs function, or a
 * float64 one with its gradient), step, stop on the iteration limit, a loss plateau or a
 * parameter change below tolerance; optional mini-batches over data.
 */
import { loadTf, type TF } from './tf.ts';
import { flatten, unflatten, type ParamTree } from './tree.ts';
import { plainObjective, tfObjective, type FlatObjective } from './objective.ts';
import { applyUpdates, type Optimizer } from './optimizers/optimizer.ts';
import { neuronStreams } from '../numeric/random.ts';

export interface DescendOptions<D = unknown> {
  optimizer: Optimizer;
  /** Steps; default 1000. */
  maxIter?: number;
  /** 'float32': fun in tfjs ops (autodiff); 'float64': plain JS with `jac` (see {@link minimize}). */
  precision?: 'float32' | 'float64';
  /** float64: the gradient of fun. */
  jac?: (x: any, batch?: D[]) => unknown;
  /** Stop when the best loss has not improved by more than minDelta for `patience` steps. */
  plateau?: { patience: number; minDelta?: number };
  /** Stop when no parameter moved by more than this in one step. */
  paramTol?: number;
  /** Data for mini-batches: fun(x, batch) sees `batchSize` items, reshuffled every epoch (seeded). */
  data?: D[];
  batchSize?: number;
  seed?: number | string;
  /** After each step; true or 'stop' ends the run. */
  callback?: (state: { nit: number; x: any; fun: number }) => boolean | 'stop' | void;
  tf?: TF;
}

export interface DescendResult {
  x: any;
  fun: number;
  nit: number;
  /** The loss at every step (before the step). */
  losses: number[];
  /** Every point visited, flat (the start first). */
  path: Float64Array[];
  stoppedBy: 'max iterations' | 'plateau' | 'parameter tolerance' | 'user stop';
}

/**
 * Runs an {@link Optimizer} on fun from x0 (a number, array or tree, as {@link minimize}).
 *
 * ```ts
 * const r = await descend(ackleyTf(tf), [4, 4], { optimizer: adam({ lr: 1e-2, betas: [0.99, 0.999] }), maxIter: 1000 });
 * ```
 */
export async function descend<D = unknown>(fun: (x: any, batch?: D[]) => unknown, x0: ParamTree, o: DescendOptions<D>): Promise<DescendResult> {
  const { spec, values } = flatten(x0);
  const precision = o.precision ?? 'float32';
  const tf = precision === 'float32' ? (o.tf ?? (await loadTf())) : undefined;
  const maxIter = o.maxIter ?? 1000;
  const data = o.data;
  const batchSize = o.batchSize ?? data?.length ?? 0;
  if (data && !(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`descend: batchSize must be a positive integer, got ${batchSize}`);
  const rng = neuronStreams(`descend:${o.seed ?? 0}`, 1)[0]!;
  let order: number[] = [];
  let cursor = 0;
  const nextBatch = (): D[] | undefined => {
    if (!data) return undefined;
    const out: D[] = [];
    while (out.length < Math.min(batchSize, data.length)) {
      if (cursor >= order.length) {
        order = data.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        cursor = 0;
      }
      out.push(data[order[cursor++]!]!);
    }
    return out;
  };
  const objective = (batch: D[] | undefined): FlatObjective =>
    tf ? tfObjective(tf, spec, (x) => fun(x, batch)) : plainObjective(spec, (x) => fun(x, batch), o.jac ? (x) => o.jac!(x, batch) : undefined);
  let x: Float64Array = values.slice();
  let state = o.optimizer.init(x);
  const losses: number[] = [];
  const path: Float64Array[] = [x.slice()];
  let best = Infinity;
  let sinceBest = 0;
  let stoppedBy: DescendResult['stoppedBy'] = 'max iterations';
  let nit = 0;
  for (; nit < maxIter; nit++) {
    const { f, g } = await objective(nextBatch()).fg(x);
    if (!Number.isFinite(f) || g.some((v) => !Number.isFinite(v))) throw new Error(`descend: loss or gradient not finite at step ${nit} (loss ${f})`);
    losses.push(f);
    if (o.plateau) {
      if (f < best - (o.plateau.minDelta ?? 0)) {
        best = f;
        sinceBest = 0;
      } else if (++sinceBest >= o.plateau.patience) {
        stoppedBy = 'plateau';
        break;
      }
    }
    const r = o.optimizer.update(g, state, x);
    state = r.state;
    const next = applyUpdates(x, r.updates);
    const moved = r.updates.reduce((m, u) => Math.max(m, Math.abs(u)), 0);
    x = next;
    path.push(x.slice());
    if (o.callback) {
      const answer = o.callback({ nit: nit + 1, x: unflatten(spec, x), fun: f });
      if (answer === true || answer === 'stop') {
        nit++;
        stoppedBy = 'user stop';
        break;
      }
    }
    if (o.paramTol !== undefined && moved <= o.paramTol) {
      nit++;
      stoppedBy = 'parameter tolerance';
      break;
    }
  }
  const fun0 = await objective(data).f(x);
  return { x: unflatten(spec, x), fun: fun0, nit, losses, path, stoppedBy };
}
