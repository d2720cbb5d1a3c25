import { mathjs, type MathNode } from '../model/mathjs.ts';
import { symbolsOf } from '../model/parse.ts';
import type { NeuronModel } from '../model/neuron.ts';

/**
 * What OptNeuron is told about each name: `[lo, hi]` to fit, a number to hold, or an expression
 * of other entries. A side may be open (`[-80, Infinity]`, `[null, 0]`): gradient methods then
 * fit through softplus (one side) or the identity (both); the black-box searches need a finite box.
 */
export type VariableBound = readonly [number | null, number | null] | number | string;
export type VariablesBounds = Record<string, VariableBound>;

export interface FittedVariable {
  name: string;
  /** May be -Infinity. */
  low: number;
  /** May be Infinity. */
  high: number;
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

  constructor(bounds: VariablesBounds, model: NeuronModel) {
    const names = Object.keys(bounds);
    if (names.length === 0) throw new Error('variablesBounds is empty: name at least one parameter to fit');
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
        throw new Error(`variablesBounds.${name}: expected [lo, hi], a number or an expression string, got ${JSON.stringify(b)}`);
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
        throw new Error(
          `variablesBounds: '${name}' is not a parameter or state variable of neuron '${model.name}' (parameters: ${model.parameterNames.join(', ')}; state: ${stateNames.join(', ')})`,
        );
      }
    }
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
