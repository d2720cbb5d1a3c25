import type { KernelConfig } from './kernel-io.ts';
import type { ModelSpec } from './types.ts';

/** The JavaScript name of a model symbol (`$` keeps it clear of the kernel's own names). */
export const jsName = (symbol: string): string => `$${symbol}`;

/** The tangent d(state k)/d(θ p) inside the loops. */
export const tangentName = (k: number, p: number): string => `T${k}_${p}`;

/**
 * Wraps a step body in the kernel's loops: the arrays read from `io`, a loop over neurons
 * that loads each one's state, tangents, parameters and hoisted terms (`prelude`), an inner
 * loop over steps that reads the time, driven parameters and random draws, then `body`,
 * and the write-back of state and tangents.
 *
 * ```ts
 * const source = kernelLoops(spec, { method: 'euler', driven: [], record: [] }, [], ['      $v = $v + dt;']);
 * ```
 */
export function kernelLoops(spec: ModelSpec, config: KernelConfig, prelude: string[], body: string[]): string {
  const theta = config.sensitivities ?? [];
  const driven = new Set(config.driven.map((d) => d.param));
  const T = tangentName;
  const head = [
    'const N = io.N, K = io.steps, s0 = io.s0, dt = io.dt;',
    'const recEvery = io.recEvery, nRec = io.nRec, TL = io.lastSpike, RNG = io.rng, onSpike = io.onSpike;',
    ...spec.odes.map((o, k) => `const S_${o.name} = io.state[${k}];`),
    ...spec.paramNames.map((p, k) => (driven.has(p) ? '' : `const P_${p} = io.params[${k}];`)).filter(Boolean),
    ...config.driven.map((d, k) => `const D${k} = io.driven[${k}];`),
    ...config.record.map((_, k) => `const R${k} = io.rec[${k}];`),
    ...spec.odes.flatMap((_, k) => theta.map((_, p) => `const SS${k}_${p} = io.sens[${k * theta.length + p}];`)),
    ...config.record.flatMap((_, r) => theta.map((_, p) => `const RS${r}_${p} = io.recSens[${r * theta.length + p}];`)),
  ];
  const perNeuron = [
    ...spec.odes.map((o) => `let ${jsName(o.name)} = S_${o.name}[i];`),
    ...spec.odes.flatMap((_, k) => theta.map((_, p) => `let ${T(k, p)} = SS${k}_${p}[i];`)),
    ...spec.paramNames.filter((p) => !driven.has(p)).map((p) => `const ${jsName(p)} = P_${p}[i];`),
    'let tl = TL[i];',
    spec.randoms.length > 0 ? 'const rnd = RNG[i];' : '',
    'let ph = io.recPhase, ri = i * nRec;',
    ...prelude.map((l) => l.trim()),
  ].filter(Boolean);
  const perStep = [
    'const t = (s0 + s) * dt;',
    ...config.driven.map((d, k) => `const ${jsName(d.param)} = D${k}[${d.perNeuron ? 'i * K + s' : 's'}];`),
    ...spec.randoms.map((r) =>
      r.kind === 'uniform'
        ? `const ${r.symbol} = rnd();`
        : `const ${r.symbol} = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(6.283185307179586 * rnd());`,
    ),
  ];
  return [
    '"use strict";',
    ...head,
    'for (let i = 0; i < N; i++) {',
    ...perNeuron.map((l) => '  ' + l),
    '  for (let s = 0; s < K; s++) {',
    ...perStep.map((l) => '    ' + l),
    ...body,
    '  }',
    ...spec.odes.map((o) => `  S_${o.name}[i] = ${jsName(o.name)};`),
    ...spec.odes.flatMap((_, k) => theta.map((_, p) => `  SS${k}_${p}[i] = ${T(k, p)};`)),
    '  TL[i] = tl;',
    '}',
  ].join('\n');
}
