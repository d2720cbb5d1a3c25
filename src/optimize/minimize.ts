/**
 * `minimize(fun, x0, options)`: scipy's `minimize` with automatic gradients, as
 * autograd-minimize gives it to Python users: `fun` written with tfjs ops over a number, an
 * array or a tree of tensors, the result in x0's shape.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf, type TF } from './tf.ts';
import { flatten, unflatten, unflattenWith, type ParamTree, type TreeSpec } from './tree.ts';
import { expandBounds, type Bounds } from './bounds.ts';
import { plainObjective, tfObjective, type FlatObjective } from './objective.ts';
import type { FlatConstraint, Method, MethodSettings } from './method.ts';
import { lbfgsMethod } from './methods/lbfgs.ts';
import { bfgsMethod } from './methods/bfgs.ts';
import { cgMethod } from './methods/cg.ts';
import { newtonCgMethod } from './methods/newton-cg.ts';
import { trustNcgMethod } from './methods/trust-ncg.ts';
import { trustExactMethod } from './methods/trust-exact.ts';
import { nelderMeadMethod } from './methods/nelder-mead.ts';
import { augmentedLagrangianMethod } from './methods/augmented-lagrangian.ts';
import { slsqpMethod } from './methods/slsqp.ts';

/** The methods of {@link minimize}. */
export const MINIMIZE_METHODS = ['lbfgs', 'bfgs', 'cg', 'newton-cg', 'trust-ncg', 'trust-exact', 'slsqp', 'augmented-lagrangian', 'nelder-mead'] as const;
export type MinimizeMethod = (typeof MINIMIZE_METHODS)[number];

const METHODS: Record<MinimizeMethod, Method> = {
  lbfgs: lbfgsMethod,
  bfgs: bfgsMethod,
  cg: cgMethod,
  'newton-cg': newtonCgMethod,
  'trust-ncg': trustNcgMethod,
  'trust-exact': trustExactMethod,
  slsqp: slsqpMethod,
  'augmented-lagrangian': augmentedLagrangianMethod,
  'nelder-mead': nelderMeadMethod,
};

/** scipy's spellings, lower-cased. trust-constr maps to SLSQP with a warning. */
const SCIPY_NAMES: Record<string, MinimizeMethod> = {
  'l-bfgs-b': 'lbfgs',
  'l-bfgs': 'lbfgs',
  lbfgsb: 'lbfgs',
  newtoncg: 'newton-cg',
  trustncg: 'trust-ncg',
  trustexact: 'trust-exact',
  neldermead: 'nelder-mead',
  auglag: 'augmented-lagrangian',
  'trust-constr': 'slsqp',
};

/** A constraint as scipy writes it: `{ type: 'ineq', fun }` means fun(x) >= 0 (elementwise). */
export interface Constraint {
  type: 'eq' | 'ineq';
  /** With precision 'float32' a tfjs function (any shape); with 'float64' plain JS returning a number or numbers. */
  fun: (x: any) => unknown;
  /** float64 only: the m × n Jacobian (rows per constraint value); central differences when absent. */
  jac?: (x: any) => ArrayLike<number>[] | ArrayLike<number>;
}

/** What the callback sees after each iteration. */
export interface MinimizeState {
  nit: number;
  /** The current point, in x0's shape. */
  x: any;
  fun: number;
}

export interface MinimizeOptions {
  /** Default 'lbfgs'; scipy's spellings ('L-BFGS-B', 'Newton-CG', …) are accepted. */
  method?: MinimizeMethod | string;
  /**
   * 'float32' (default): `fun` is written with tfjs ops and differentiated by tfjs, whose
   * arithmetic is float32; the optimiser's state, line search and stopping tests are float64.
   * 'float64': tfjs has no float64, so `fun` is plain JS on numbers (x in x0's shape, as
   * numbers / nested arrays / Float64Array), evaluated in float64, with the gradient from
   * `jac` (or central differences) and Hessian-vector products from `hessp` (or differences
   * of the gradient).
   */
  precision?: 'float32' | 'float64';
  /** Sets the gradient, relative-function and step tolerances together (as scipy's `tol`). */
  tol?: number;
  /** Iteration limit; default max(1000, 200·n). */
  maxIter?: number;
  /** Box and one-sided bounds (lbfgs, nelder-mead, slsqp, augmented-lagrangian), e.g. `[null, 0]` or `{ U: [0, null] }`. */
  bounds?: Bounds;
  /** Constraints (slsqp, also under scipy's name 'trust-constr'; augmented-lagrangian). */
  constraints?: Constraint | Constraint[];
  /** float64: the gradient of fun, in x0's shape or flat. */
  jac?: (x: any) => unknown;
  /** float64: the Hessian of fun at x times v, in x0's shape or flat. */
  hessp?: (x: any, v: any) => unknown;
  /** After each iteration; return true or 'stop' to end the run. */
  callback?: (state: MinimizeState) => boolean | 'stop' | void | Promise<boolean | 'stop' | void>;
  /**
   * Method options: gtol, ftol, xtol (override tol), maxcor (L-BFGS memory), maxfev and
   * adaptive, xatol, fatol (Nelder–Mead), initialTrustRadius, maxTrustRadius (trust-ncg, trust-exact),
   * ctol (slsqp, augmented-lagrangian), mu, maxOuter (augmented-lagrangian).
   */
  options?: Record<string, unknown>;
  /** The tfjs namespace to use (default: the one {@link loadTf} loads). */
  tf?: TF;
}

/** What {@link minimize} returns, named as scipy's OptimizeResult. */
export interface MinimizeResult<X = any> {
  /** The solution, in x0's shape. */
  x: X;
  fun: number;
  /** Gradient at x, in x0's shape (undefined for nelder-mead). */
  jac: X | undefined;
  nit: number;
  nfev: number;
  success: boolean;
  message: string;
  method: MinimizeMethod;
}

function resolveMethod(name: string | undefined): MinimizeMethod {
  const key = (name ?? 'lbfgs').toLowerCase();
  if ((MINIMIZE_METHODS as readonly string[]).includes(key)) return key as MinimizeMethod;
  const mapped = SCIPY_NAMES[key];
  if (!mapped) throw new Error(`minimize: unknown method '${name}' (known: ${MINIMIZE_METHODS.join(', ')}, or scipy's spellings such as 'L-BFGS-B')`);
  if (key === 'trust-constr') {
    process.stderr.write(`warning: minimize method '${name}' runs SLSQP here (same problems and conventions, different iterates)\n`);
  }
  return mapped;
}

function flatConstraint(tf: TF | undefined, spec: TreeSpec, c: Constraint, k: number): FlatConstraint {
  if (c.type !== 'eq' && c.type !== 'ineq') throw new Error(`minimize: constraints[${k}].type must be 'eq' or 'ineq', got '${String(c.type)}'`);
  if (typeof c.fun !== 'function') throw new Error(`minimize: constraints[${k}].fun must be a function`);
  if (tf) {
    const tensors = (x: Float64Array): Tensor[] => spec.leaves.map((leaf) => tf.tensor(Float32Array.from(x.subarray(leaf.offset, leaf.offset + leaf.size)), leaf.shape));
    const call = (ts: Tensor[]) => {
      const out = c.fun(unflattenWith(spec, (leaf) => ts[spec.leaves.indexOf(leaf)]!)) as Tensor;
      if (!out || typeof out.dataSync !== 'function') throw new Error(`minimize: constraints[${k}].fun must return a tfjs tensor with precision 'float32'`);
      return out.flatten();
    };
    return {
      type: c.type,
      async value(x) {
        const t = tf.tidy(() => call(tensors(x)));
        const v = Float64Array.from(t.dataSync());
        t.dispose();
        return v;
      },
      async vjp(x, w) {
        const grads = tf.tidy(() => tf.grads((...ts: Tensor[]) => tf.sum(tf.mul(call(ts), tf.tensor1d(Float32Array.from(w)))))(tensors(x)));
        const out = new Float64Array(spec.size);
        spec.leaves.forEach((leaf, i) => out.set(grads[i]!.dataSync() as Float32Array, leaf.offset));
        grads.forEach((g) => g.dispose());
        return out;
      },
    };
  }
  const value = (x: Float64Array): Float64Array => {
    const out = c.fun(unflatten(spec, x));
    if (typeof out === 'number') return Float64Array.of(out);
    if (Array.isArray(out) || out instanceof Float64Array) return Float64Array.from(out as ArrayLike<number>);
    throw new Error(`minimize: constraints[${k}].fun must return a number or an array of numbers with precision 'float64'`);
  };
  return {
    type: c.type,
    async value(x) {
      return value(x);
    },
    async vjp(x, w) {
      const out = new Float64Array(spec.size);
      if (c.jac) {
        const J = c.jac(unflatten(spec, x));
        const rows: ArrayLike<number>[] = typeof (J as ArrayLike<number>)[0] === 'number' ? [J as ArrayLike<number>] : (J as ArrayLike<number>[]);
        rows.forEach((row, r) => {
          for (let i = 0; i < spec.size; i++) out[i] += w[r]! * row[i]!;
        });
        return out;
      }
      const xt = x.slice();
      for (let i = 0; i < spec.size; i++) {
        const h = Math.cbrt(Number.EPSILON) * Math.max(1, Math.abs(x[i]!));
        xt[i] = x[i]! + h;
        const up = value(xt);
        xt[i] = x[i]! - h;
        const down = value(xt);
        xt[i] = x[i]!;
        for (let r = 0; r < w.length; r++) out[i] += (w[r]! * (up[r]! - down[r]!)) / (2 * h);
      }
      return out;
    },
  };
}

/**
 * Minimises `fun` from `x0` (a number, an array, a typed array, a tensor, or an object / array
 * of those); the result's `x` and `jac` have x0's shape. Gradients and Hessian-vector products
 * come from tfjs's automatic differentiation (precision 'float32'), or from `jac` / `hessp` /
 * central differences with a plain-JS `fun` (precision 'float64').
 *
 * ```ts
 * const tf = await loadTf();
 * const rosen = (x: tf.Tensor) => tf.sum(tf.add(tf.mul(100, tf.square(tf.sub(x.slice(1), tf.square(x.slice(0, 1))))), tf.square(tf.sub(1, x.slice(0, 1)))));
 * const res = await minimize(rosen, [0, 0]); // res.x ≈ [1, 1]
 * const fac = await minimize(({ U, V }) => tf.mean(tf.square(tf.sub(tf.matMul(U, V), target))), { U: u0, V: v0 });
 * ```
 */
export async function minimize<X extends ParamTree>(fun: (x: any) => unknown, x0: X, options: MinimizeOptions = {}): Promise<MinimizeResult> {
  if (typeof fun !== 'function') throw new Error('minimize: fun must be a function');
  const method = resolveMethod(options.method);
  const precision = options.precision ?? 'float32';
  if (precision !== 'float32' && precision !== 'float64') throw new Error(`minimize: precision must be 'float32' or 'float64', got '${String(precision)}'`);
  const { spec, values } = flatten(x0);
  if (spec.size === 0) throw new Error('minimize: x0 holds no numbers');
  const tf = precision === 'float32' ? (options.tf ?? (await loadTf())) : undefined;
  if (tf && (options.jac || options.hessp)) {
    process.stderr.write("warning: minimize: jac and hessp are used with precision 'float64' only; tfjs differentiates fun here\n");
  }
  const obj: FlatObjective = tf ? tfObjective(tf, spec, fun) : plainObjective(spec, fun, options.jac, options.hessp);
  const n = spec.size;
  const o = options.options ?? {};
  const tol = options.tol;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
  const constraints = options.constraints === undefined ? [] : Array.isArray(options.constraints) ? options.constraints : [options.constraints];
  if (constraints.length > 0 && method !== 'augmented-lagrangian' && method !== 'slsqp') {
    throw new Error(`minimize: method '${method}' takes no constraints; use method 'slsqp' (or 'trust-constr', run by SLSQP) or 'augmented-lagrangian'`);
  }
  const bounds = options.bounds === undefined ? undefined : expandBounds(spec, options.bounds);
  if (bounds && !['lbfgs', 'nelder-mead', 'slsqp', 'augmented-lagrangian'].includes(method)) {
    throw new Error(`minimize: method '${method}' takes no bounds; use 'lbfgs', 'nelder-mead', 'slsqp' or 'augmented-lagrangian'`);
  }
  const settings: MethodSettings = {
    gtol: num(o.gtol, tol ?? 1e-5),
    ftol: num(o.ftol, tol ?? 2.2e-9),
    xtol: num(o.xtol, tol ?? 1e-9),
    maxIter: options.maxIter ?? Math.max(1000, 200 * n),
    maxFev: num(o.maxfev, method === 'nelder-mead' ? Math.max(200 * n, 1000) * 10 : Infinity),
    lower: bounds?.lower,
    upper: bounds?.upper,
    constraints: constraints.map((c, k) => flatConstraint(tf, spec, c, k)),
    callback: options.callback
      ? async (nit, x, f) => {
          const answer = await options.callback!({ nit, x: unflatten(spec, x), fun: f });
          return answer === true || answer === 'stop';
        }
      : undefined,
    options: method === 'nelder-mead' && tol !== undefined ? { xatol: tol, fatol: tol, ...o } : o,
  };
  const r = await METHODS[method](obj, values, settings);
  return {
    x: unflatten(spec, r.x),
    fun: r.f,
    jac: r.g ? unflatten(spec, r.g) : undefined,
    nit: r.nit,
    nfev: obj.nfev,
    success: r.success,
    message: r.message,
    method,
  };
}
