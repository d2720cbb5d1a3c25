/**
 * Parameter trees: a number, an array (nested to any depth, rectangular), a typed array, a tfjs
 * tensor, or an object / array of those (autograd-minimize's dict and list inputs). The
 * optimisers see one flat float64 vector; the user's function and the result keep the tree's
 * shape.
 */
import type { Tensor } from '@tensorflow/tfjs';

/** A tree of parameters as the user writes it. */
export type ParamTree = number | ArrayLike<number> | number[][] | number[][][] | Tensor | { [key: string]: ParamTree } | ParamTree[];

/** One leaf of a flattened tree: where it lives, its shape, and its slice of the flat vector. */
export interface Leaf {
  /** Keys from the root, e.g. ['U'] or [0, 'w']. */
  path: (string | number)[];
  /** [] for a number. */
  shape: number[];
  offset: number;
  size: number;
  /** How it is returned: a number, a (nested) plain array, or a Float64Array. */
  kind: 'number' | 'array' | 'typed';
}

/** The structure of a tree without its values, to rebuild trees from flat vectors. */
export interface TreeSpec {
  leaves: Leaf[];
  /** Total number of scalars. */
  size: number;
  /** The root's skeleton: a leaf index where a leaf sits, containers elsewhere. */
  skeleton: Skeleton;
}

type Skeleton = { leaf: number } | { object: Record<string, Skeleton> } | { list: Skeleton[] };

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && typeof (v as Tensor).dataSync === 'function' && Array.isArray((v as Tensor).shape);
}

function isTyped(v: unknown): v is Float64Array | Float32Array {
  return v instanceof Float64Array || v instanceof Float32Array;
}

/** The shape of a rectangular nested number array, or null when it is not one. */
function arrayShape(v: unknown): number[] | null {
  if (!Array.isArray(v)) return null;
  if (v.length === 0) return [0];
  if (v.every((e) => typeof e === 'number')) return [v.length];
  const inner = v.map(arrayShape);
  const first = inner[0];
  if (!first || inner.some((s) => !s || s.length !== first.length || s.some((d, k) => d !== first[k]))) return null;
  return [v.length, ...first];
}

function flatValues(v: unknown, out: number[]): void {
  if (typeof v === 'number') out.push(v);
  else for (const e of v as unknown[]) flatValues(e, out);
}

/**
 * Flattens a tree into its structure and a float64 vector of its values (row-major inside each
 * leaf, leaves in key order).
 *
 * ```ts
 * const { spec, values } = flatten({ U: [[1, 2]], b: 3 }); // values [1, 2, 3], spec.size 3
 * ```
 */
export function flatten(tree: ParamTree): { spec: TreeSpec; values: Float64Array } {
  const leaves: Leaf[] = [];
  const values: number[] = [];
  const walk = (v: unknown, path: (string | number)[]): Skeleton => {
    const where = path.length ? path.join('.') : 'x0';
    const add = (shape: number[], vals: ArrayLike<number>, kind: Leaf['kind']): Skeleton => {
      for (let i = 0; i < vals.length; i++) {
        if (typeof vals[i] !== 'number' || Number.isNaN(vals[i]!)) throw new Error(`minimize: ${where} holds ${String(vals[i])}; every parameter must be a number`);
      }
      leaves.push({ path, shape, offset: values.length, size: vals.length, kind });
      for (let i = 0; i < vals.length; i++) values.push(vals[i]!);
      return { leaf: leaves.length - 1 };
    };
    if (typeof v === 'number') return add([], [v], 'number');
    if (isTensor(v)) return add(v.shape.slice(), Array.from(v.dataSync() as Float32Array), 'array');
    if (isTyped(v)) return add([v.length], v, 'typed');
    const shape = arrayShape(v);
    if (shape) {
      const flat: number[] = [];
      flatValues(v, flat);
      return add(shape, flat, 'array');
    }
    if (Array.isArray(v)) return { list: v.map((e, k) => walk(e, [...path, k])) };
    if (typeof v === 'object' && v !== null) {
      return { object: Object.fromEntries(Object.entries(v).map(([k, e]) => [k, walk(e, [...path, k])])) };
    }
    throw new Error(`minimize: ${where} is ${v === null ? 'null' : typeof v}; give numbers, arrays of numbers, tensors, or objects/arrays of those`);
  };
  const skeleton = walk(tree, []);
  return { spec: { leaves, size: values.length, skeleton }, values: Float64Array.from(values) };
}

/** Rebuilds a tree from the spec, each leaf made by `make` from its slice of the flat vector. */
export function unflattenWith<T>(spec: TreeSpec, make: (leaf: Leaf) => T): unknown {
  const build = (s: Skeleton): unknown => {
    if ('leaf' in s) return make(spec.leaves[s.leaf]!);
    if ('list' in s) return s.list.map(build);
    return Object.fromEntries(Object.entries(s.object).map(([k, e]) => [k, build(e)]));
  };
  return build(spec.skeleton);
}

function nest(values: ArrayLike<number>, shape: number[], offset: number): unknown {
  if (shape.length === 1) return Array.from({ length: shape[0]! }, (_, i) => values[offset + i]!);
  const stride = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => nest(values, shape.slice(1), offset + i * stride));
}

/**
 * The plain-JS tree (numbers, nested arrays, Float64Arrays) of a flat vector: what results
 * hold and what a float64 objective receives.
 *
 * ```ts
 * const { spec } = flatten({ w: [0, 0] });
 * unflatten(spec, Float64Array.of(1, 2)); // { w: [1, 2] }
 * ```
 */
export function unflatten(spec: TreeSpec, x: ArrayLike<number>): unknown {
  return unflattenWith(spec, (leaf) => {
    if (leaf.kind === 'number') return x[leaf.offset]!;
    if (leaf.kind === 'typed') return Float64Array.from({ length: leaf.size }, (_, i) => x[leaf.offset + i]!);
    if (leaf.shape.length === 0) return x[leaf.offset]!;
    return nest(x, leaf.shape, leaf.offset);
  });
}

/**
 * The flat vector of a tree that has `spec`'s structure (e.g. a gradient a user returns in
 * the parameters' shape); a flat array of the right length is accepted as it is.
 */
export function flattenLike(spec: TreeSpec, tree: unknown, what: string): Float64Array {
  if ((Array.isArray(tree) || isTyped(tree)) && (tree as ArrayLike<unknown>).length === spec.size && Array.from(tree as ArrayLike<unknown>).every((v) => typeof v === 'number')) {
    return Float64Array.from(tree as ArrayLike<number>);
  }
  const { spec: other, values } = flatten(tree as ParamTree);
  if (other.size !== spec.size) throw new Error(`minimize: ${what} has ${other.size} numbers, the parameters have ${spec.size}`);
  return values;
}
