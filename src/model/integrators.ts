import { mathjs, type MathNode } from './mathjs.ts';
import { ModelDefinitionError } from './errors.ts';
import { symbolsOf } from './parse.ts';
import type { Method, ModelSpec, OdeSpec } from './types.ts';

/**
 * The integration schemes as JavaScript formulas over the names the kernel binds (`dt`, a
 * state `x`, slopes). The kernel builder decides where each one is emitted; this file says
 * what each scheme computes.
 */

/** Explicit Runge–Kutta weights: stage k starts from x + a[k-1] dt (previous stage's slope), at t + c[k] dt; the step is x + dt Σ b[k] slope[k]. */
export interface Tableau {
  c: number[];
  a: number[];
  b: number[];
}

export const TABLEAUS: Record<Method, Tableau> = {
  euler: { c: [0], a: [], b: [1] },
  exponential: { c: [0], a: [], b: [1] },
  midpoint: { c: [0, 0.5], a: [0.5], b: [0, 1] },
  // classic Runge-Kutta: stage k uses the previous stage's slope with weight a[k-1]
  rk4: { c: [0, 0.5, 0.5, 1], a: [0.5, 0.5, 1], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6] },
};

/** How one ODE advances: its own `exponential` flag, else one Euler step, else the tableau's combination of stages. */
export type Update = 'exponential' | 'euler' | 'tableau';

export function updateOf(ode: OdeSpec, method: Method): Update {
  if ((ode.method ?? method) === 'exponential') return 'exponential';
  return method === 'euler' || method === 'exponential' ? 'euler' : 'tableau';
}

/** The state at which a later stage evaluates the slopes: x + a dt slope. */
export const stageState = (x: string, a: number, slope: string): string => `${x} + ${a} * dt * ${slope}`;

/** x + dt * slope (`slope` at the start of the step). */
export const eulerStep = (x: string, slope: string): string => `${x} + dt * ${slope}`;

/** x + dt * (Σ b[k] slope[k]), leaving out the stages of weight 0. */
export function tableauStep(x: string, b: number[], slopes: string[]): string {
  const sum = b.map((w, k) => (w === 0 ? '' : `${w} * ${slopes[k]}`)).filter(Boolean).join(' + ');
  return `${x} + dt * (${sum})`;
}

/** φ = (e^{b dt} - 1) / b, so that x + f φ is exact when the slope f is linear in x with d f/dx = b (gating variables). */
export const exponentialFactor = (b: string): string => `(${b} === 0 ? dt : Math.expm1(${b} * dt) / ${b})`;

/** dφ/db, by its series where the closed form cancels. */
export const exponentialFactorDerivative = (b: string): string =>
  `(Math.abs(${b} * dt) < 1e-4 ? dt * dt * (0.5 + ${b} * dt / 3) : (dt * Math.exp(${b} * dt) * ${b} - Math.expm1(${b} * dt)) / (${b} * ${b}))`;

/** x + f φ. */
export const exponentialStep = (x: string, slope: string, factor: string): string => `${x} + ${slope} * ${factor}`;

/** d(x + f φ)/dθ = dx/dθ + df/dθ φ + f dφ/db db/dθ. */
export const exponentialStepTangent = (dx: string, dslope: string, factor: string, slope: string, dfactor: string, db: string): string =>
  `${dx} + ${dslope} * ${factor} + ${slope} * ${dfactor} * ${db}`;

/** d(rhs)/dx for the exponential scheme, through the algebraic definitions that depend on x. */
export function selfDerivative(spec: ModelSpec, ode: OdeSpec, closure: Map<string, Set<string>>): MathNode {
  const m = mathjs();
  const dependsOnX = new Set<string>();
  for (const a of spec.algebraics) {
    const reads = symbolsOf(a.expr);
    if (reads.has(ode.name) || [...closure.get(a.name)!].some((d) => dependsOnX.has(d))) dependsOnX.add(a.name);
  }
  const byName = new Map(spec.algebraics.map((a) => [a.name, a.expr]));
  const inline = (node: MathNode): MathNode =>
    node.transform((n, path) => {
      if (n.type === 'SymbolNode' && path !== 'fn' && dependsOnX.has((n as import('mathjs').SymbolNode).name)) {
        return new m.ParenthesisNode(inline(byName.get((n as import('mathjs').SymbolNode).name)!));
      }
      return n;
    });
  try {
    return m.derivative(inline(ode.rhs), ode.name, { simplify: false });
  } catch (err) {
    throw new ModelDefinitionError(
      spec.name,
      `equations line ${ode.line}`,
      `the exponential scheme needs d(rhs)/d${ode.name}, which mathjs cannot form: ${(err as Error).message}`,
      ode.name,
    );
  }
}
