import { tracedSource } from './traced.ts';

/** What the trace losses accept: plain arrays, or tfjs tensors under gradient fitting. */
export type TraceLike = ArrayLike<number> | TensorLike;

/** The part of a tfjs tensor the losses use, so this module does not load tfjs itself. */
interface TensorLike {
  sub(b: unknown): TensorLike;
  square(): TensorLike;
  mean(): TensorLike;
  sqrt(): TensorLike;
  shape: number[];
}

const isTensor = (x: unknown): x is TensorLike => typeof (x as TensorLike)?.sub === 'function' && Array.isArray((x as TensorLike).shape);

/**
 * Mean squared error between two equally long traces. With a tfjs tensor for either
 * argument (gradient fitting) the result is a scalar tensor that carries the gradient.
 *
 * ```ts
 * mse([1, 2, 3], [1, 2, 6]); // 3
 * ```
 */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number;
export function mse(a: TraceLike, b: TraceLike): number | TensorLike;
export function mse(a: TraceLike, b: TraceLike): number | TensorLike {
  const la = isTensor(a) ? a.shape[0]! : a.length;
  const lb = isTensor(b) ? b.shape[0]! : b.length;
  if (la !== lb) throw new Error(`mse: traces differ in length (${la} vs ${lb})`);
  if (la === 0) throw new Error('mse: empty traces');
  const traced = tracedSource(a) ?? tracedSource(b);
  const other = traced === tracedSource(a) ? b : a;
  if (traced && !isTensor(other)) {
    // a simulated trace against data: value and gradient in one float64 pass
    const v = traced.values;
    let sum = 0;
    const residual = new Float64Array(la);
    for (let k = 0; k < la; k++) {
      residual[k] = v[k]! - other[k]!;
      sum += residual[k]! ** 2;
    }
    const grad = traced.jacobian.map((column) => {
      let g = 0;
      for (let k = 0; k < la; k++) g += residual[k]! * column[k]!;
      return (2 * g) / la;
    });
    return traced.scalar(sum / la, Float64Array.from(grad)) as TensorLike;
  }
  if (isTensor(a)) return a.sub(isTensor(b) ? b : Float32Array.from(b)).square().mean();
  if (isTensor(b)) return b.sub(Float32Array.from(a)).square().mean();
  let sum = 0;
  for (let k = 0; k < la; k++) sum += (a[k]! - b[k]!) ** 2;
  return sum / la;
}

/**
 * Root mean squared error between two equally long traces (tensors as for {@link mse}).
 *
 * ```ts
 * rmse([1, 2, 3], [1, 2, 6]); // 1.732…
 * ```
 */
export function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number;
export function rmse(a: TraceLike, b: TraceLike): number | TensorLike;
export function rmse(a: TraceLike, b: TraceLike): number | TensorLike {
  const m = mse(a, b);
  return typeof m === 'number' ? Math.sqrt(m) : m.sqrt();
}
