/**
 * Standard optimisation test functions, each in two forms: plain float64 JS (with the
 * gradient where it is short) and tfjs (for automatic differentiation). Minima as in
 * S. Surjanovic & D. Bingham, Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/optimization.html).
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { TF } from './tf.ts';

/**
 * Rosenbrock: Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1).
 *
 * ```ts
 * rosen([1, 1, 1]); // 0
 * ```
 */
export function rosen(x: ArrayLike<number>): number {
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) f += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return f;
}

/** Gradient of {@link rosen} (scipy's rosen_der). */
export function rosenDer(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) {
    const t = x[i + 1]! - x[i]! ** 2;
    g[i] += -400 * x[i]! * t - 2 * (1 - x[i]!);
    g[i + 1] += 200 * t;
  }
  return g;
}

/** Hessian of {@link rosen} times p (scipy's rosen_hess_prod). */
export function rosenHessProd(x: ArrayLike<number>, p: ArrayLike<number>): Float64Array {
  const n = x.length;
  const hp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let diag = 0;
    if (i + 1 < n) diag += 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
    if (i > 0) diag += 200;
    hp[i] = diag * p[i]!;
    if (i + 1 < n) hp[i] += -400 * x[i]! * p[i + 1]!;
    if (i > 0) hp[i] += -400 * x[i - 1]! * p[i - 1]!;
  }
  return hp;
}

/**
 * Rosenbrock in tfjs, for a 1-D tensor.
 *
 * ```ts
 * const f = rosenTf(tf); f(tf.tensor1d([1, 1])); // scalar 0
 * ```
 */
export function rosenTf(tf: TF): (x: Tensor) => Tensor {
  return (x) => {
    const n = x.shape[0]!;
    const head = x.slice(0, n - 1);
    const tail = x.slice(1, n - 1);
    return tf.sum(tf.add(tf.mul(100, tf.square(tf.sub(tail, tf.square(head)))), tf.square(tf.sub(1, head))));
  };
}

/**
 * Ackley (2-D form of the optimizers notebook, any dimension here), minimum 0 at the origin.
 *
 * ```ts
 * ackley([0, 0]); // 0 (to rounding)
 * ```
 */
export function ackley(x: ArrayLike<number>): number {
  const n = x.length;
  let sq = 0;
  let cs = 0;
  for (let i = 0; i < n; i++) {
    sq += x[i]! ** 2;
    cs += Math.cos(2 * Math.PI * x[i]!);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(sq / n)) - Math.exp(cs / n) + Math.E + 20;
}

/** Ackley in tfjs, for a 1-D tensor. */
export function ackleyTf(tf: TF): (x: Tensor) => Tensor {
  return (x) => {
    const n = x.shape[0]!;
    const sq = tf.div(tf.sum(tf.square(x)), n);
    const cs = tf.div(tf.sum(tf.cos(tf.mul(2 * Math.PI, x))), n);
    return tf.add(tf.sub(tf.mul(-20, tf.exp(tf.mul(-0.2, tf.sqrt(sq)))), tf.exp(cs)), Math.E + 20);
  };
}

/**
 * Rastrigin: 10n + Σ x_i² − 10 cos(2πx_i), minimum 0 at the origin, many local minima.
 *
 * ```ts
 * rastrigin([0, 0]); // 0
 * ```
 */
export function rastrigin(x: ArrayLike<number>): number {
  let f = 10 * x.length;
  for (let i = 0; i < x.length; i++) f += x[i]! ** 2 - 10 * Math.cos(2 * Math.PI * x[i]!);
  return f;
}

/** Rastrigin in tfjs. */
export function rastriginTf(tf: TF): (x: Tensor) => Tensor {
  return (x) => tf.add(10 * x.shape[0]!, tf.sum(tf.sub(tf.square(x), tf.mul(10, tf.cos(tf.mul(2 * Math.PI, x))))));
}

/**
 * Branin on x1 ∈ [−5, 10], x2 ∈ [0, 15]; global minimum 0.397887 at (−π, 12.275), (π, 2.275)
 * and (9.42478, 2.475).
 *
 * ```ts
 * branin([Math.PI, 2.275]); // 0.397887…
 * ```
 */
export function branin(x: ArrayLike<number>): number {
  const [x1, x2] = [x[0]!, x[1]!];
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/**
 * Hartmann 6-D on [0, 1]⁶; global minimum −3.32237 at (0.20169, 0.150011, 0.476874,
 * 0.275332, 0.311652, 0.6573).
 */
export function hartmann6(x: ArrayLike<number>): number {
  let f = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (x[j]! - H6_P[i]![j]!) ** 2;
    f -= H6_ALPHA[i]! * Math.exp(-inner);
  }
  return f;
}

/**
 * Schwefel on [−500, 500]ⁿ: 418.9829·n − Σ x_i sin(√|x_i|), minimum 0 at x_i = 420.9687.
 *
 * ```ts
 * schwefel([420.9687, 420.9687]); // ≈ 0
 * ```
 */
export function schwefel(x: ArrayLike<number>): number {
  let f = 418.9829 * x.length;
  for (let i = 0; i < x.length; i++) f -= x[i]! * Math.sin(Math.sqrt(Math.abs(x[i]!)));
  return f;
}
