import { mathjs, type MathNode } from '../model/mathjs.ts';
import { symbolsOf } from '../model/parse.ts';
import type { NeuronModel } from '../model/neuron.ts';

/**
 * What OptNeuron is told about each name: `[lo, hi]` to fit, a number to hold, or an expression
 * of other entries. A side may be open (`[-80, Infinity]`, `[null, 0]`): gradient methods then
 * fit through softplus (one side) or the identity (both); the black-box searches need a finite box.
 */
export type VariableBound = readonly [number | null, number | null] | number | string | ArrayBound;
export type VariablesBounds = Record<string, VariableBound>;

/**
 * An array-valued variable (TVB-Optim's array parameters: a value per sweep or per
 * compartment): `[[lo0, lo1, …], [hi0, hi1, …]]`, or that as `bounds` with a `mask`
 * (`false` holds an element fixed, at `init`'s value or the middle of its bounds).
 * Element k is the scalar `name_k` (a model parameter, state variable or helper of that
 * name): the search and the gradient see one dimension per fitted element, and
 * `fit.arrays[name]` gives the elements back in order.
 *
 * ```ts
 * // a model with parameters amp_0, amp_1, amp_2 (one step amplitude per sweep)
 * const vars = new Variables({ amp: { bounds: [[0, 0, 0], [4, 4, 4]], mask: [true, false, true], init: [1, 2.1, 1] } }, lifSteps);
 * vars.fitted.map((f) => f.name); // ['amp_0', 'amp_2']: amp_1 is held at 2.1
 * vars.shape(vars.resolve({ amp_0: 1.3, amp_2: 0.7 })); // { amp: [1.3, 2.1, 0.7] }
 * ```
 */
export type ArrayBound =
  | readonly [readonly (number | null)[], readonly (number | null)[]]
  | { readonly bounds: readonly [readonly (number | null)[], readonly (number | null)[]]; readonly mask?: readonly boolean[]; readonly init?: readonly number[] };

/** An array-valued variable's elements, in order: the scalar each element is. */
export interface ArrayVariable {
  name: string;
  elements: string[];
}

/** The scalar that element `k` of array variable `name` is (`w_0`, `w_1`, …): a name the model's equations can use. */
export function elementName(name: string, k: number): string {
  return `${name}_${k}`;
}

function isArrayBound(b: VariableBound): b is ArrayBound {
  if (typeof b !== 'object' || b === null) return false;
  if (!Array.isArray(b)) return 'bounds' in b;
  return b.length === 2 && Array.isArray(b[0]) && Array.isArray(b[1]);
}

export interface FittedVariable {
  name: string;
  /** May be -Infinity. */
  low: number;
  /** May be Infinity. */
  high: number;
}

/** How many scalars `variablesBounds` fits: a `[lo, hi]` pair is one, an array variable one per unmasked element. */
export function countFitted(bounds: VariablesBounds): number {
  let n = 0;
  for (const b of Object.values(bounds)) {
    if (isArrayBound(b)) {
      const form = (Array.isArray(b) ? { bounds: b } : b) as { bounds: readonly unknown[][]; mask?: readonly boolean[] };
      n += form.mask ? form.mask.filter((m) => m !== false).length : (form.bounds[0]?.length ?? 0);
    } else if (Array.isArray(b)) n++;
  }
  return n;
}

/** Whether both bounds of a fitted variable are finite (the searches need that). */
export function isFiniteBox(f: FittedVariable): boolean {
  return Number.isFinite(f.low) && Number.isFinite(f.high);
}

/**
 * `variablesBounds` checked against a model and put in evaluation order. Names are
 * parameters or state variables (whose initial value is then set); a name the model
 * lacks is allowed only as a helper that some expression uses (`y: 'x + dxy'`).
 *
 * ```ts
 * const vars = new Variables({ a: [0.01, 0.1], b: 0.2, d: '80 * a' }, izhikevich);
 * vars.fitted; // [{ name: 'a', low: 0.01, high: 0.1 }]
 * vars.resolve({ a: 0.05 }); // { b: 0.2, a: 0.05, d: 4 }
 * ```
 */
export class Variables {
  readonly fitted: FittedVariable[] = [];
  readonly constants: Record<string, number> = {};
  /** Expressions in an order where each comes after what it reads. */
  readonly expressions: { name: string; node: MathNode; code: (scope: Record<string, number>) => number }[] = [];
  /** Names that set a state variable's initial value. */
  readonly initialValues: string[] = [];
  /** Names that are model parameters. */
  readonly parameters: string[] = [];
  /** Array-valued variables and the scalars their elements are. */
  readonly arrays: ArrayVariable[] = [];

  constructor(given: VariablesBounds, model: NeuronModel) {
    if (Object.keys(given).length === 0) throw new Error('variablesBounds is empty: name at least one parameter to fit');
    const bounds = this.expandArrays(given);
    const names = Object.keys(bounds);
    const raw = new Map<string, MathNode>();
    for (const [name, b] of Object.entries(bounds)) {
      if (typeof b === 'number') {
        if (!Number.isFinite(b)) throw new Error(`variablesBounds.${name}: ${b} is not a finite number`);
        this.constants[name] = b;
      } else if (typeof b === 'string') {
        let node: MathNode;
        try {
          node = mathjs().parse(b);
        } catch (err) {
          throw new Error(`variablesBounds.${name}: cannot parse '${b}': ${(err as Error).message}`);
        }
        raw.set(name, node);
      } else if (Array.isArray(b) && b.length === 2) {
        // null is autograd-minimize's None: no bound on that side
        const x = b[0] === null ? -Infinity : b[0];
        const y = b[1] === null ? Infinity : b[1];
        if (typeof x !== 'number' || typeof y !== 'number' || Number.isNaN(x) || Number.isNaN(y) || x === Infinity || y === -Infinity) {
          throw new Error(`variablesBounds.${name}: bounds [${b[0]}, ${b[1]}] must be numbers, lo < Infinity and hi > -Infinity (null or ±Infinity for an open side)`);
        }
        const bothFinite = Number.isFinite(x) && Number.isFinite(y);
        if (!bothFinite && !(x < y)) throw new Error(`variablesBounds.${name}: with an infinite side the bounds are [lo, hi] in that order, got [${x}, ${y}]`);
        const low = Math.min(x, y);
        const high = Math.max(x, y);
        if (low === high) throw new Error(`variablesBounds.${name}: both bounds are ${low}; give two different values to fit it, or the number alone to hold it`);
        this.fitted.push({ name, low, high });
      } else {
        throw new Error(`variablesBounds.${name}: expected [lo, hi], [[lo0, …], [hi0, …]] (an array variable), a number or an expression string, got ${JSON.stringify(b)}`);
      }
    }
    if (this.fitted.length === 0) throw new Error('variablesBounds: nothing to fit (give at least one [lo, hi] pair)');

    // expressions, in dependency order
    const used = new Set<string>();
    for (const [name, node] of raw) {
      for (const s of symbolsOf(node)) {
        if (!names.includes(s)) throw new Error(`variablesBounds.${name}: '${s}' in '${bounds[name]}' is not an entry of variablesBounds`);
        used.add(s);
      }
      node.traverse((n) => {
        if (n.type === 'FunctionNode') {
          const fn = (n as import('mathjs').FunctionNode).fn.name;
          if (!(fn in Math)) throw new Error(`variablesBounds.${name}: unknown function '${fn}'`);
        }
      });
    }
    const done = new Set([...this.fitted.map((f) => f.name), ...Object.keys(this.constants)]);
    const visiting = new Set<string>();
    const visit = (name: string, chain: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`variablesBounds: expressions form a cycle: ${[...chain, name].join(' -> ')}`);
      visiting.add(name);
      const node = raw.get(name)!;
      for (const s of symbolsOf(node)) visit(s, [...chain, name]);
      const compiled = node.compile();
      this.expressions.push({ name, node, code: (scope) => Number(compiled.evaluate({ ...scope })) });
      done.add(name);
    };
    for (const name of raw.keys()) visit(name, []);

    const stateNames = model.stateVariables;
    for (const name of names) {
      if (model.parameterNames.includes(name)) this.parameters.push(name);
      else if (stateNames.includes(name)) this.initialValues.push(name);
      else if (!used.has(name)) {
        const array = this.arrays.find((a) => a.elements.includes(name));
        const element = array ? `element ${array.elements.indexOf(name)} of array '${array.name}' is the scalar '${name}', but ` : '';
        throw new Error(
          `variablesBounds: ${element}'${name}' is not a parameter or state variable of neuron '${model.name}' (parameters: ${model.parameterNames.join(', ')}; state: ${stateNames.join(', ')})`,
        );
      }
    }
  }

  /**
   * Array variables as their elements' scalars: a fitted element is a `[lo, hi]` pair, a
   * masked one a constant. Throws naming the variable for malformed bounds.
   */
  private expandArrays(given: VariablesBounds): Record<string, Exclude<VariableBound, ArrayBound>> {
    const out: Record<string, Exclude<VariableBound, ArrayBound>> = {};
    const add = (name: string, b: Exclude<VariableBound, ArrayBound>, from: string) => {
      if (name in out || (name !== from && name in given)) throw new Error(`variablesBounds: '${name}' is given twice (as element of '${from}' and on its own); drop one`);
      out[name] = b;
    };
    for (const [name, b] of Object.entries(given)) {
      if (!isArrayBound(b)) {
        add(name, b, name);
        continue;
      }
      const where = `variablesBounds.${name}`;
      const [lo, hi] = Array.isArray(b) ? (b as readonly [readonly (number | null)[], readonly (number | null)[]]) : (b as { bounds: readonly [readonly (number | null)[], readonly (number | null)[]] }).bounds;
      const mask = Array.isArray(b) ? undefined : (b as { mask?: readonly boolean[] }).mask;
      const init = Array.isArray(b) ? undefined : (b as { init?: readonly number[] }).init;
      if (!Array.isArray(lo) || !Array.isArray(hi)) throw new Error(`${where}: an array variable's bounds are [[lo0, lo1, …], [hi0, hi1, …]]`);
      if (lo.length !== hi.length) throw new Error(`${where}: ${lo.length} lower bounds but ${hi.length} upper bounds; give one of each per element`);
      if (lo.length === 0) throw new Error(`${where}: an array variable needs at least one element`);
      if (mask !== undefined && (!Array.isArray(mask) || mask.length !== lo.length)) throw new Error(`${where}: the mask has ${Array.isArray(mask) ? mask.length : 'no'} entries for ${lo.length} elements; give one true (fitted) or false (held) per element`);
      if (init !== undefined && (!Array.isArray(init) || init.length !== lo.length)) throw new Error(`${where}: init has ${Array.isArray(init) ? init.length : 'no'} entries for ${lo.length} elements`);
      const elements: string[] = [];
      for (let k = 0; k < lo.length; k++) {
        const l = lo[k] ?? -Infinity;
        const h = hi[k] ?? Infinity;
        if (typeof l !== 'number' || typeof h !== 'number' || Number.isNaN(l) || Number.isNaN(h)) throw new Error(`${where}[${k}]: bounds [${lo[k]}, ${hi[k]}] must be numbers (null or ±Infinity for an open side)`);
        if (l > h) throw new Error(`${where}[${k}]: lower bound ${l} > upper bound ${h}; the first array holds the lower bounds, the second the upper ones`);
        const element = elementName(name, k);
        elements.push(element);
        if (mask && mask[k] === false) {
          const value = init?.[k] ?? (l + h) / 2;
          if (!Number.isFinite(value)) throw new Error(`${where}[${k}] is held by the mask but has no finite value: give init[${k}] (or finite bounds, whose middle it then takes)`);
          if (value < l || value > h) throw new Error(`${where}[${k}]: init ${value} is outside [${l}, ${h}]`);
          add(element, value, name);
        } else {
          if (l === h) throw new Error(`${where}[${k}]: both bounds are ${l}; give two different values to fit it, or hold it with mask[${k}] = false`);
          if (mask && mask[k] !== true) throw new Error(`${where}: mask[${k}] is ${JSON.stringify(mask[k])}; give true (fitted) or false (held)`);
          add(element, [l, h], name);
        }
      }
      this.arrays.push({ name, elements });
    }
    return out;
  }

  /**
   * The array variables' values, elements in order, from a parameter set that holds their
   * elements' scalars (`{ w_0: 1, w_1: 2 }` → `{ w: [1, 2] }`).
   */
  shape(params: Record<string, number>): Record<string, number[]> {
    return Object.fromEntries(this.arrays.map((a) => [a.name, a.elements.map((e) => params[e]!)]));
  }

  /** Every value (fitted, constant, computed) for one point of the fitted variables. */
  resolve(point: Record<string, number>): Record<string, number> {
    const scope: Record<string, number> = { ...this.constants };
    for (const f of this.fitted) {
      const x = point[f.name];
      if (x === undefined || !Number.isFinite(x)) throw new Error(`no finite value for fitted variable '${f.name}'`);
      scope[f.name] = x;
    }
    for (const e of this.expressions) {
      const value = e.code(scope);
      if (!Number.isFinite(value)) throw new Error(`variablesBounds.${e.name}: '${e.node.toString()}' gave ${value}`);
      scope[e.name] = value;
    }
    return scope;
  }
}
