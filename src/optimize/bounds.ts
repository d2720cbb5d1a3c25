/**
 * scipy / autograd-minimize style bounds on a parameter tree, expanded to flat lower and upper
 * vectors. null, undefined and ±Infinity all mean "no bound on that side".
 */
import type { TreeSpec } from './tree.ts';

/** One side of a bound: a number, or null / undefined / ±Infinity for none. */
export type BoundSide = number | null | undefined;
/** A [lower, upper] pair, e.g. [null, 0] for x <= 0. */
export type BoundPair = readonly [BoundSide, BoundSide];
/**
 * Bounds as scipy and autograd-minimize take them: one pair for every parameter, a list of
 * pairs (one per scalar, flat), or a tree shaped as x0 with a pair (or a list of pairs) per leaf.
 */
export type Bounds = BoundPair | readonly BoundPair[] | { [key: string]: Bounds } | readonly Bounds[];

function isSide(v: unknown): v is BoundSide {
  return v === null || v === undefined || typeof v === 'number';
}

function isPair(v: unknown): v is BoundPair {
  return Array.isArray(v) && v.length === 2 && isSide(v[0]) && isSide(v[1]);
}

function isPairList(v: unknown): v is readonly BoundPair[] {
  return Array.isArray(v) && v.every(isPair);
}

function side(v: BoundSide, none: number): number {
  if (v === null || v === undefined) return none;
  if (Number.isNaN(v)) throw new Error('minimize: a bound is NaN; use null or ±Infinity for "no bound"');
  return v;
}

/**
 * Flat lower/upper vectors for the tree; throws naming the place where a bound does not fit.
 *
 * ```ts
 * const { spec } = flatten({ U: [[1, 2]], b: 3 });
 * expandBounds(spec, { U: [null, 0], b: [-1, 1] }); // lower [-Inf, -Inf, -1], upper [0, 0, 1]
 * ```
 */
export function expandBounds(spec: TreeSpec, bounds: Bounds): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(spec.size).fill(-Infinity);
  const upper = new Float64Array(spec.size).fill(Infinity);
  const fill = (offset: number, size: number, b: unknown, where: string) => {
    if (isPair(b)) {
      lower.fill(side(b[0], -Infinity), offset, offset + size);
      upper.fill(side(b[1], Infinity), offset, offset + size);
    } else if (isPairList(b) && b.length === size) {
      b.forEach((p, i) => {
        lower[offset + i] = side(p[0], -Infinity);
        upper[offset + i] = side(p[1], Infinity);
      });
    } else {
      throw new Error(`minimize: bounds${where} must be a [lower, upper] pair or a list of ${size} pairs`);
    }
  };
  // a single pair, or scipy's flat list of pairs
  if (isPair(bounds) || (isPairList(bounds) && bounds.length === spec.size && !(spec.leaves.length > 1 && bounds.length === spec.leaves.length))) {
    fill(0, spec.size, bounds, '');
  } else {
    for (const leaf of spec.leaves) {
      let b: unknown = bounds;
      for (const key of leaf.path) {
        if (b === undefined || b === null) break;
        b = (b as Record<string | number, unknown>)[key];
      }
      if (b === undefined || b === null) continue; // no bounds on this leaf
      fill(leaf.offset, leaf.size, b, leaf.path.length ? `.${leaf.path.join('.')}` : '');
    }
  }
  for (let i = 0; i < spec.size; i++) {
    if (!(lower[i]! <= upper[i]!)) throw new Error(`minimize: bound ${i} has lower ${lower[i]} > upper ${upper[i]}`);
  }
  return { lower, upper };
}
