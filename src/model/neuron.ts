import { compileInit, compileInitTangents, compileKernel, type InitKernel, type InitTangentKernel, type Kernel, type KernelConfig } from './compile.ts';
import { parseDefinition } from './parse.ts';
import type { Method, ModelSpec, NeuronDefinition } from './types.ts';

/**
 * A validated neuron model: its definition, the parsed spec, and the generated
 * kernels (compiled on first use, once per configuration).
 *
 * ```ts
 * izhikevich.parameterNames; // ['a', 'b', 'c', 'd', 'I']
 * const pop = new Population(izhikevich, 10); // 10 neurons run by its kernel
 * ```
 */
export class NeuronModel {
  readonly spec: ModelSpec;
  private kernels = new Map<string, Kernel>();
  private initKernel?: InitKernel;

  constructor(readonly definition: NeuronDefinition) {
    this.spec = parseDefinition(definition);
  }

  get name(): string {
    return this.spec.name;
  }
  /** Default parameter values (a copy). */
  get parameters(): Record<string, number> {
    return { ...this.spec.parameters };
  }
  get parameterNames(): string[] {
    return [...this.spec.paramNames];
  }
  /** Variables with a differential equation, in definition order. */
  get stateVariables(): string[] {
    return this.spec.odes.map((o) => o.name);
  }
  get algebraicVariables(): string[] {
    return this.spec.algebraics.map((a) => a.name);
  }
  /** Search bounds for fitting `name`: the model's own typical range, else half to twice the default. */
  boundsOf(name: string): [number, number] {
    const own = this.spec.bounds[name];
    if (own) return [...own];
    const value = this.spec.parameters[name];
    if (value === undefined) throw new Error(`'${name}' is not a parameter of neuron '${this.name}'`);
    if (value === 0) throw new Error(`no default range for '${name}' of neuron '${this.name}' (its default is 0): give bounds`);
    const [a, b] = [value / 2, value * 2];
    return a < b ? [a, b] : [b, a];
  }

  get method(): Method {
    return this.spec.method;
  }
  /** True if `name` can be recorded: a state, algebraic variable or parameter. */
  hasVariable(name: string): boolean {
    return this.stateVariables.includes(name) || this.algebraicVariables.includes(name) || name in this.spec.parameters;
  }

  /** The batched step function for a configuration, generated and compiled once. */
  kernel(config: KernelConfig): Kernel {
    const key = JSON.stringify(config);
    let k = this.kernels.get(key);
    if (!k) {
      k = compileKernel(this.spec, config);
      this.kernels.set(key, k);
    }
    return k;
  }

  initializer(): InitKernel {
    return (this.initKernel ??= compileInit(this.spec));
  }

  private initTangents = new Map<string, InitTangentKernel>();

  /** Sets d(initial state)/dθ for the parameters θ. */
  initialTangents(theta: string[]): InitTangentKernel {
    const key = theta.join(',');
    let k = this.initTangents.get(key);
    if (!k) {
      k = compileInitTangents(this.spec, theta);
      this.initTangents.set(key, k);
    }
    return k;
  }
}

/**
 * Defines a neuron model from ANNarchy-style equation strings. Throws a
 * {@link ModelDefinitionError} naming model, line and symbol for anything it cannot use.
 *
 * ```ts
 * const leaky = defineNeuron({ name: 'leaky', parameters: { tau: 10, EL: -65, I: 0 }, equations: 'tau * dv/dt = EL - v + I', spike: 'v >= -50', reset: 'v = -65' });
 * leaky.stateVariables; // ['v']
 * ```
 */
export function defineNeuron(definition: NeuronDefinition): NeuronModel {
  return new NeuronModel(definition);
}
