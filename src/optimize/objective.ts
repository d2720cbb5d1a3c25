/**
 * The flat float64 objective every method works on, made from the user's function: a tfjs
 * function differentiated by tfjs (float32 evaluation), or a plain-JS function evaluated in
 * float64 with a given or finite-difference gradient.
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { TF } from './tf.ts';
import type { FG } from './lbfgs.ts';
import { flattenLike, unflatten, unflattenWith, type TreeSpec } from './tree.ts';

/** What the methods call. Every call of fg or f counts as a function evaluation. */
export interface FlatObjective {
  n: number;
  fg(x: Float64Array): Promise<FG>;
  f(x: Float64Array): Promise<number>;
  /** Hessian times v at x. */
  hessp(x: Float64Array, v: Float64Array): Promise<Float64Array>;
  /** Evaluations so far (f and fg). */
  readonly nfev: number;
}

/** tf.tidy for a function that returns plain JS values (tidy's own type allows tensors only). */
function tidyValue<T>(tf: TF, fn: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = fn();
  });
  return out as T;
}

/** The tensors of one flat vector, in the tree's shape (float32: tfjs has no float64). */
function tensorsOf(spec: TreeSpec, leaves: Tensor[]): unknown {
  return unflattenWith(spec, (leaf) => leaves[spec.leaves.indexOf(leaf)]!);
}

function leafTensors(tf: TF, spec: TreeSpec, x: Float64Array): Tensor[] {
  return spec.leaves.map((leaf) => tf.tensor(Float32Array.from(x.subarray(leaf.offset, leaf.offset + leaf.size)), leaf.shape, 'float32'));
}

function scalarOf(out: unknown, who: string): Tensor {
  const t = out as Tensor;
  if (!t || typeof t.dataSync !== 'function') {
    throw new Error(`${who}: with precision 'float32' the function must return a tfjs scalar (write it with tf ops); for a plain-JS function returning a number use precision 'float64'`);
  }
  if (t.size !== 1) throw new Error(`${who}: the function must return a scalar, got a tensor of shape [${t.shape.join(', ')}]`);
  return t.reshape([]);
}

/**
 * A tfjs objective: `fun` receives tensors shaped as x0 and returns a scalar tensor; the
 * gradient and Hessian-vector products (the gradient of g·v) come from tfjs's autodiff. Values
 * are float32 inside tfjs and float64 everywhere else.
 *
 * ```ts
 * const obj = tfObjective(tf, spec, (x) => tf.sum(tf.square(x as tf.Tensor)));
 * const { f, g } = await obj.fg(Float64Array.of(1, 2)); // 5, [2, 4]
 * ```
 */
export function tfObjective(tf: TF, spec: TreeSpec, fun: (x: any) => unknown): FlatObjective {
  let nfev = 0;
  const call = (ts: Tensor[]) => scalarOf(fun(tensorsOf(spec, ts)), 'minimize');
  const flat = (grads: Tensor[]): Float64Array => {
    const g = new Float64Array(spec.size);
    spec.leaves.forEach((leaf, k) => g.set(grads[k]!.dataSync() as Float32Array, leaf.offset));
    return g;
  };
  return {
    n: spec.size,
    get nfev() {
      return nfev;
    },
    async f(x) {
      nfev++;
      return tidyValue(tf, () => call(leafTensors(tf, spec, x)).dataSync()[0]!);
    },
    async fg(x) {
      nfev++;
      return tidyValue(tf, () => {
        const { value, grads } = tf.valueAndGrads((...ts: Tensor[]) => call(ts))(leafTensors(tf, spec, x));
        return { f: value.dataSync()[0]!, g: flat(grads) };
      });
    },
    async hessp(x, v) {
      return tidyValue(tf, () => {
        const vs = leafTensors(tf, spec, v);
        const gv = (...ts: Tensor[]) => {
          const gs = tf.grads((...us: Tensor[]) => call(us))(ts);
          return tf.addN(gs.map((g, k) => tf.sum(tf.mul(g, vs[k]!))));
        };
        return flat(tf.grads(gv)(leafTensors(tf, spec, x)));
      });
    },
  };
}

/** The step of a central difference that balances truncation against rounding: ∛ε·max(1, |x|). */
const CBRT_EPS = Math.cbrt(Number.EPSILON);

/**
 * A float64 objective: `fun` receives plain numbers / arrays shaped as x0 and returns a
 * number. Without `jac`, the gradient is a central difference (2n evaluations, ~1e-10
 * relative error); without `hessp`, Hessian-vector products are central differences of the
 * gradient along v.
 *
 * ```ts
 * const obj = plainObjective(spec, (x) => (x as number[])[0]! ** 2);
 * ```
 */
export function plainObjective(
  spec: TreeSpec,
  fun: (x: unknown) => unknown,
  jac?: (x: unknown) => unknown,
  hessp?: (x: unknown, v: unknown) => unknown,
): FlatObjective {
  let nfev = 0;
  const value = (x: Float64Array): number => {
    nfev++;
    const out = fun(unflatten(spec, x));
    if (typeof out !== 'number') {
      throw new Error(
        typeof (out as Tensor)?.dataSync === 'function'
          ? "minimize: precision 'float64' needs a plain-JS function returning a number (tfjs has no float64); for a tfjs function use precision 'float32'"
          : `minimize: the function must return a number, got ${typeof out}`,
      );
    }
    return out;
  };
  const gradient = (x: Float64Array): Float64Array => {
    if (jac) return flattenLike(spec, jac(unflatten(spec, x)), 'jac(x)');
    const g = new Float64Array(x.length);
    const xt = x.slice();
    for (let i = 0; i < x.length; i++) {
      const h = CBRT_EPS * Math.max(1, Math.abs(x[i]!));
      xt[i] = x[i]! + h;
      const up = value(xt);
      xt[i] = x[i]! - h;
      const down = value(xt);
      xt[i] = x[i]!;
      g[i] = Number.isFinite(up) && Number.isFinite(down) ? (up - down) / (2 * h) : NaN;
    }
    return g;
  };
  return {
    n: spec.size,
    get nfev() {
      return nfev;
    },
    async f(x) {
      return value(x);
    },
    async fg(x) {
      const f = value(x);
      return { f, g: gradient(x) };
    },
    async hessp(x, v) {
      if (hessp) return flattenLike(spec, hessp(unflatten(spec, x), unflatten(spec, v)), 'hessp(x, v)');
      let vn = 0;
      for (let i = 0; i < v.length; i++) vn = Math.max(vn, Math.abs(v[i]!));
      if (vn === 0) return new Float64Array(x.length);
      let xn = 0;
      for (let i = 0; i < x.length; i++) xn = Math.max(xn, Math.abs(x[i]!));
      const h = (jac ? Math.sqrt(Number.EPSILON) : CBRT_EPS) * Math.max(1, xn) / vn;
      const up = gradient(Float64Array.from(x, (xi, i) => xi + h * v[i]!));
      const down = gradient(Float64Array.from(x, (xi, i) => xi - h * v[i]!));
      return Float64Array.from(up, (u, i) => (u - down[i]!) / (2 * h));
    },
  };
}
