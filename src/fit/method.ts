import { samplers } from '../search/registry.ts';
import { GRADIENT_METHODS, type GradientMethod } from '../gradient/driver.ts';

/**
 * CompNeuroPy's method names: 'hyperopt' is its TPE, 'deap' its CMA-ES (its current default).
 *
 * ```ts
 * parseMethod('deap'); // { search: 'cmaes' }
 * ```
 */
export const COMPNEUROPY_NAMES: Readonly<Record<string, string>> = { hyperopt: 'tpe', deap: 'cmaes' };

/**
 * A fit's method, taken apart: a black-box search (a name in {@link samplers}), a gradient
 * refinement (one of {@link GRADIENT_METHODS}), a search followed by a refinement, or
 * simulation-based inference ('sbi', CompNeuroPy's other method).
 */
export interface FitMethod {
  search?: string;
  refine?: GradientMethod;
  /** Simulation-based inference ('sbi'): a posterior over the parameters, its MAP as the fit. */
  sbi?: true;
}

/**
 * Takes a method string apart: `'tpe'` is a search, `'adam'` a gradient fit, `'tpe+adam'`
 * a search for the evaluation budget, then gradient refinement from its best points.
 * Throws, listing every valid method and combination, for anything else.
 *
 * ```ts
 * parseMethod('cmaes+lbfgs'); // { search: 'cmaes', refine: 'lbfgs' }
 * parseMethod('lm');          // { refine: 'lm' }
 * parseMethod('sbi');         // { sbi: true }
 * parseMethod('grid');        // throws: unknown method 'grid' (available: tpe, random, ...)
 * ```
 */
export function parseMethod(method: string): FitMethod {
  const given = method;
  const parts = typeof method === 'string' ? method.split('+').map((p) => (Object.hasOwn(COMPNEUROPY_NAMES, p) ? COMPNEUROPY_NAMES[p]! : p)) : [];
  if (typeof method === 'string') method = parts.join('+');
  if (method === 'sbi') return { sbi: true };
  if (parts.length === 1 && isGradientMethod(method)) return { refine: method };
  if (parts.length === 1 && isSearchMethod(method)) return { search: method };
  const [search, refine] = parts as [string, string];
  if (parts.length === 2 && isSearchMethod(search) && isGradientMethod(refine)) return { search, refine };
  throw new Error(`unknown method '${given}' (available: ${fitMethods().join(', ')})`);
}

/**
 * Every method string {@link parseMethod} accepts: the searches, the gradient methods, then
 * each search followed by each gradient method. Samplers registered later are included.
 *
 * ```ts
 * fitMethods(); // ['tpe', 'random', 'cmaes', 'auto', 'adam', ..., 'tpe+adam', ..., 'auto+lm', 'sbi']
 * ```
 */
export function fitMethods(): string[] {
  const searches = Object.keys(samplers);
  return [...searches, ...GRADIENT_METHODS, ...searches.flatMap((s) => GRADIENT_METHODS.map((g) => `${s}+${g}`)), 'sbi'];
}

function isSearchMethod(name: string): boolean {
  // own keys only: 'toString' is not a sampler
  return Object.hasOwn(samplers, name);
}

function isGradientMethod(name: string): name is GradientMethod {
  return (GRADIENT_METHODS as readonly string[]).includes(name);
}
