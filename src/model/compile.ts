import { Emitter } from './emit.ts';
import { partial } from './differentiate.ts';
import { KernelBuilder } from './kernel-builder.ts';
import { jsName } from './kernel-loops.ts';
import type { InitKernel, InitTangentKernel, Kernel, KernelConfig } from './kernel-io.ts';
import type { ModelSpec } from './types.ts';

export type { InitKernel, InitTangentKernel, Kernel, KernelConfig, KernelIO } from './kernel-io.ts';

/**
 * Generates the step function's source: one loop over neurons, an inner loop over steps,
 * straight-line code per step (the body of `function (io)`; see {@link KernelIO}).
 *
 * ```ts
 * const source = generateKernelSource(izhikevich.spec, { method: 'euler', driven: [], record: ['v'] });
 * ```
 */
export function generateKernelSource(spec: ModelSpec, config: KernelConfig): string {
  return new KernelBuilder(spec, config).source();
}

/** Generates the function that sets initial values. */
export function generateInitSource(spec: ModelSpec): string {
  const em = new Emitter((s) => jsName(s), '_i', '  ');
  for (const o of spec.odes) em.raw(`S[${spec.odes.indexOf(o)}][i] = ${em.expr(o.init)};`);
  return overNeurons(spec, em.lines);
}

/** A loop over the neurons with each one's parameters in scope (initial values depend on nothing else). */
function overNeurons(spec: ModelSpec, body: string[]): string {
  return [
    '"use strict";',
    'for (let i = 0; i < N; i++) {',
    ...spec.paramNames.map((p, k) => `  const ${jsName(p)} = P[${k}][i];`),
    ...body,
    '}',
  ].join('\n');
}

export function compileKernel(spec: ModelSpec, config: KernelConfig): Kernel {
  const source = generateKernelSource(spec, config);
  return new Function('io', source) as Kernel;
}

export function compileInit(spec: ModelSpec): InitKernel {
  return new Function('N', 'P', 'S', generateInitSource(spec)) as InitKernel;
}

export function compileInitTangents(spec: ModelSpec, theta: string[]): InitTangentKernel {
  const em = new Emitter((s) => jsName(s), '_i', '  ');
  spec.odes.forEach((o, k) =>
    theta.forEach((p, pi) => em.raw(`SS[${k * theta.length + pi}][i] = ${em.expr(partial(o.init, p))};`)),
  );
  return new Function('N', 'P', 'SS', overNeurons(spec, em.lines)) as InitTangentKernel;
}
