import { mathjs, type MathNode } from './mathjs.ts';
import { Emitter } from './emit.ts';
import { ModelDefinitionError } from './errors.ts';
import { symbolsOf } from './parse.ts';
import { partial } from './differentiate.ts';
import type { Method, ModelSpec, OdeSpec } from './types.ts';

/** What a kernel is specialised for. Kernels are cached per configuration. */
export interface KernelConfig {
  method: Method;
  /** Parameters read each step from an array instead of a per-neuron constant. */
  driven: { param: string; perNeuron: boolean }[];
  /** Variables written to the recording arrays: state, algebraic or parameter names. */
  record: string[];
  /**
   * Parameters θ to differentiate by: the kernel then also advances d(state)/dθ through
   * the same discrete scheme (forward sensitivities) and records d(recorded)/dθ.
   */
  sensitivities?: string[];
}

/** The arrays a kernel reads and writes. Struct of arrays: one Float64Array of length N per variable. */
export interface KernelIO {
  N: number;
  /** Steps to advance. */
  steps: number;
  /** Index of the first step since the last reset: times are (s0 + s) * dt, whatever blocks a run is cut into. */
  s0: number;
  dt: number;
  /** One array per ODE variable, in `spec.odes` order. Updated in place. */
  state: Float64Array[];
  /** One array per parameter, in `spec.paramNames` order. */
  params: Float64Array[];
  /** One array per driven parameter: length `steps` (shared) or `N * steps` (neuron-major). */
  driven: Float64Array[];
  /** One array per recorded variable, `N * nRec`, neuron-major. */
  rec: Float64Array[];
  nRec: number;
  /** Record at step s when (s + recPhase) % recEvery === 0. */
  recEvery: number;
  recPhase: number;
  /** Time of each neuron's last spike (ms), for the refractory period. */
  lastSpike: Float64Array;
  /** One uniform [0, 1) generator per neuron, for models with random draws. */
  rng: (() => number)[] | null;
  /** With sensitivities, `dTime[p]` is d(spike time)/d(θ p) through the interpolation inside the step. */
  onSpike: (neuron: number, time: number, dTime?: number[]) => void;
  /** With sensitivities: d(state k)/d(θ p) at index k * P + p, each of length N. Updated in place. */
  sens?: Float64Array[];
  /** With sensitivities: d(recorded r)/d(θ p) at index r * P + p, each `N * nRec`. */
  recSens?: Float64Array[];
}

export type Kernel = (io: KernelIO) => void;
/** Sets every neuron's state to its initial values (which may depend on its parameters). */
export type InitKernel = (N: number, params: Float64Array[], state: Float64Array[]) => void;

const STAGE_WEIGHTS: Record<Method, { c: number[]; a: number[]; b: number[] }> = {
  euler: { c: [0], a: [], b: [1] },
  exponential: { c: [0], a: [], b: [1] },
  midpoint: { c: [0, 0.5], a: [0.5], b: [0, 1] },
  // classic Runge-Kutta: stage k uses the previous stage's slope with weight a[k-1]
  rk4: { c: [0, 0.5, 0.5, 1], a: [0.5, 0.5, 1], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6] },
};

const jsName = (symbol: string) => `$${symbol}`;

/** Generates the step function: one loop over neurons, an inner loop over steps, straight-line code per step. */
export function generateKernelSource(spec: ModelSpec, config: KernelConfig): string {
  const method = config.method;
  const odes = spec.odes;
  const drivenIndex = new Map(config.driven.map((d, k) => [d.param, k]));
  const invariant = new Set(spec.paramNames.filter((p) => !drivenIndex.has(p)).map(jsName));
  const prelude = new Emitter(() => {
    throw new Error('internal: prelude resolves nothing');
  }, '_h', '    ');
  let env = new Map<string, string>();
  const em = new Emitter(
    (s) => {
      const js = env.get(s);
      if (js === undefined) throw new Error(`internal: symbol '${s}' has no value here`);
      return js;
    },
    '_t',
    '      ',
    { emitter: prelude, invariant },
  );

  const theta = config.sensitivities ?? [];
  for (const p of theta) {
    if (!spec.paramNames.includes(p)) throw new Error(`sensitivities: '${p}' is not a parameter of neuron '${spec.name}'`);
    if (drivenIndex.has(p)) throw new Error(`sensitivities: parameter '${p}' is driven by an input; it has no single value to differentiate by`);
  }
  /** Tangents of the symbols in scope, one JavaScript expression per θ. */
  let tan = new Map<string, string[]>();
  const partials = new Map<MathNode, Map<string, MathNode>>();
  const partialOf = (node: MathNode, s: string): MathNode => {
    let bySymbol = partials.get(node);
    if (!bySymbol) partials.set(node, (bySymbol = new Map()));
    let d = bySymbol.get(s);
    if (!d) {
      try {
        d = partial(node, s);
      } catch (err) {
        throw new ModelDefinitionError(spec.name, `'${node.toString()}'`, `no derivative with respect to '${s}': ${(err as Error).message}`, s);
      }
      bySymbol.set(s, d);
    }
    return d;
  };
  /** The directional derivative of `node` along each θ: chain rule over every symbol it reads. */
  const tangentOf = (node: MathNode): string[] => {
    const symbols = [...symbolsOf(node)];
    return theta.map((p, pi) => {
      const terms: string[] = [];
      for (const s of symbols) {
        const t = tan.get(s);
        if (t ? t[pi] === '0' : s !== p) continue;
        const d = em.expr(partialOf(node, s));
        if (d === '0') continue;
        terms.push(t ? `${d} * ${t[pi]}` : d);
      }
      return terms.length === 0 ? '0' : em.code(`(${terms.join(' + ')})`);
    });
  };
  const T = (k: number, p: number) => `T${k}_${p}`;

  const algebraicDeps = algebraicClosure(spec);
  const baseEnv = new Map<string, string>();
  for (const p of spec.paramNames) baseEnv.set(p, jsName(p));
  for (const r of spec.randoms) baseEnv.set(r.symbol, r.symbol);
  baseEnv.set('dt', 'dt');

  /** Slopes and their tangents at one stage. */
  interface Stage {
    slopes: Map<string, string>;
    dslopes: Map<string, string[]>;
  }
  /**
   * Evaluates the needed algebraic definitions and the slopes at the state held in
   * `stateJs`, and with sensitivities their tangents given the state's tangents `tanJs`.
   */
  const stage = (stateJs: Map<string, string>, tanJs: Map<string, string[]>, tJs: string, extra: MathNode[] = []): Stage => {
    env = new Map(baseEnv);
    for (const [k, v] of stateJs) env.set(k, v);
    env.set('t', tJs);
    tan = new Map(tanJs);
    const needed = neededAlgebraics([...odes.map((o) => o.rhs), ...extra], algebraicDeps);
    for (const a of spec.algebraics) {
      if (!needed.has(a.name)) continue;
      env.set(a.name, em.expr(a.expr));
      if (theta.length > 0) tan.set(a.name, tangentOf(a.expr));
    }
    const slopes = new Map<string, string>();
    const dslopes = new Map<string, string[]>();
    for (const o of odes) {
      slopes.set(o.name, em.expr(o.rhs));
      if (theta.length > 0) dslopes.set(o.name, tangentOf(o.rhs));
    }
    return { slopes, dslopes };
  };

  const body: string[] = [];
  const stateNow = new Map(odes.map((o) => [o.name, jsName(o.name)]));
  const tanNow = new Map(odes.map((o, k) => [o.name, theta.map((_, p) => T(k, p))]));

  // stage 1, at the state at the start of the step
  const recordNodes = config.record.filter((r) => spec.algebraics.some((a) => a.name === r)).map((r) => sym(r));
  const spikeNodes: MathNode[] = spec.spike ? [spec.spike.crossing?.g ?? spec.spike.condition] : [];
  const first = stage(stateNow, tanNow, 't', [...recordNodes, ...spikeNodes]);
  const k1 = first.slopes;
  const env1 = env;
  const tan1 = tan;
  const needsOld = spec.spike && spec.reset.length === 0; // upward crossing needs the old value
  const g0 = spec.spike && (needsOld || spec.spike.crossing) ? em.expr(spikeNodes[0]!) : undefined;
  // the crossing function's tangent at the start of the step, for d(spike time)/dθ
  const dg0 = spec.spike?.crossing && theta.length > 0 ? tangentOf(spec.spike.crossing.g) : [];

  if (config.record.length > 0) {
    em.raw('if (ph === 0) {');
    config.record.forEach((r, k) => {
      em.raw(`  R${k}[ri] = ${env1.get(r) ?? '0'};`);
      theta.forEach((p, pi) => em.raw(`  RS${k}_${pi}[ri] = ${tan1.get(r)?.[pi] ?? (r === p ? '1' : '0')};`));
    });
    em.raw('  ri++;');
    em.raw('}');
    em.raw('if (++ph === recEvery) ph = 0;');
  }

  // exponential scheme: slope and d(slope)/dx at the start of the step
  const expOdes = odes.filter((o) => (o.method ?? method) === 'exponential');
  const jac = new Map<string, string>();
  const djac = new Map<string, string[]>();
  for (const o of expOdes) {
    const b = selfDerivative(spec, o, algebraicDeps);
    jac.set(o.name, em.expr(b));
    if (theta.length > 0) djac.set(o.name, tangentOf(b));
  }

  const weights = STAGE_WEIGHTS[method];
  const stages = [first];
  for (let k = 1; k < weights.c.length; k++) {
    const prev = stages[k - 1]!;
    const staged = new Map<string, string>();
    const stagedTan = new Map<string, string[]>();
    odes.forEach((o, ko) => {
      staged.set(o.name, em.bind(`_s${k}_${o.name}`, `${jsName(o.name)} + ${weights.a[k - 1]} * dt * ${prev.slopes.get(o.name)}`));
      stagedTan.set(o.name, theta.map((_, p) => em.bind(`_ts${k}_${ko}_${p}`, `${T(ko, p)} + ${weights.a[k - 1]} * dt * ${prev.dslopes.get(o.name)![p]}`)));
    });
    stages.push(stage(staged, stagedTan, `t + ${weights.c[k]} * dt`));
  }

  const next = new Map<string, string>();
  const nextTan = new Map<string, string[]>();
  odes.forEach((o, ko) => {
    const x = jsName(o.name);
    let update: string;
    let updateTan: (p: number) => string;
    if ((o.method ?? method) === 'exponential') {
      const f = k1.get(o.name)!;
      const b = jac.get(o.name)!;
      // x + f * (e^{b dt} - 1) / b: exact when f is linear in x (gating variables)
      const phi = em.code(`(${b} === 0 ? dt : Math.expm1(${b} * dt) / ${b})`);
      update = `${x} + ${f} * ${phi}`;
      // d phi / d b, by its series where the closed form cancels
      const dphi = theta.length > 0
        ? em.code(`(Math.abs(${b} * dt) < 1e-4 ? dt * dt * (0.5 + ${b} * dt / 3) : (dt * Math.exp(${b} * dt) * ${b} - Math.expm1(${b} * dt)) / (${b} * ${b}))`)
        : '';
      updateTan = (p) => `${T(ko, p)} + ${first.dslopes.get(o.name)![p]} * ${phi} + ${f} * ${dphi} * ${djac.get(o.name)![p]}`;
    } else if (method === 'euler' || method === 'exponential') {
      update = `${x} + dt * ${k1.get(o.name)}`;
      updateTan = (p) => `${T(ko, p)} + dt * ${first.dslopes.get(o.name)![p]}`;
    } else {
      const combine = (pick: (st: Stage) => string) =>
        weights.b.map((w, k) => (w === 0 ? '' : `${w} * ${pick(stages[k]!)}`)).filter(Boolean).join(' + ');
      update = `${x} + dt * (${combine((st) => st.slopes.get(o.name)!)})`;
      updateTan = (p) => `${T(ko, p)} + dt * (${combine((st) => st.dslopes.get(o.name)![p]!)})`;
    }
    next.set(o.name, em.bind(`n_${o.name}`, update, 'let'));
    nextTan.set(o.name, theta.map((_, p) => em.bind(`n${T(ko, p)}`, updateTan(p), 'let')));
  });

  // bounds from the `min`/`max` flags; a clamped variable's tangent is the bound's
  env = new Map(baseEnv);
  tan = new Map();
  odes.forEach((o, ko) => {
    for (const [bound, cmp] of [[o.min, '<'], [o.max, '>']] as const) {
      if (!bound) continue;
      const value = em.expr(bound);
      const dbound = tangentOf(bound);
      em.raw(`if (n_${o.name} ${cmp} ${value}) { n_${o.name} = ${value};${theta.map((_, p) => ` n${T(ko, p)} = ${dbound[p]};`).join('')} }`);
    }
  });

  if (spec.spike) {
    emitSpike(spec, em, next, nextTan, baseEnv, g0, dg0, algebraicDeps, (e, t) => {
      env = e;
      tan = t;
    }, tangentOf);
  }

  odes.forEach((o, ko) => {
    em.raw(`${jsName(o.name)} = n_${o.name};`);
    theta.forEach((_, p) => em.raw(`${T(ko, p)} = n${T(ko, p)};`));
  });
  body.push(...em.lines);

  const head: string[] = [
    'const N = io.N, K = io.steps, s0 = io.s0, dt = io.dt;',
    'const recEvery = io.recEvery, nRec = io.nRec, TL = io.lastSpike, RNG = io.rng, onSpike = io.onSpike;',
    ...odes.map((o, k) => `const S_${o.name} = io.state[${k}];`),
    ...spec.paramNames.map((p, k) => (drivenIndex.has(p) ? '' : `const P_${p} = io.params[${k}];`)).filter(Boolean),
    ...config.driven.map((d, k) => `const D${k} = io.driven[${k}];`),
    ...config.record.map((_, k) => `const R${k} = io.rec[${k}];`),
    ...odes.flatMap((_, k) => theta.map((_, p) => `const SS${k}_${p} = io.sens[${k * theta.length + p}];`)),
    ...config.record.flatMap((_, r) => theta.map((_, p) => `const RS${r}_${p} = io.recSens[${r * theta.length + p}];`)),
  ];
  const perNeuron: string[] = [
    ...odes.map((o) => `let ${jsName(o.name)} = S_${o.name}[i];`),
    ...odes.flatMap((_, k) => theta.map((_, p) => `let ${T(k, p)} = SS${k}_${p}[i];`)),
    ...spec.paramNames.filter((p) => !drivenIndex.has(p)).map((p) => `const ${jsName(p)} = P_${p}[i];`),
    'let tl = TL[i];',
    spec.randoms.length > 0 ? 'const rnd = RNG[i];' : '',
    'let ph = io.recPhase, ri = i * nRec;',
    ...prelude.lines.map((l) => l.trim()),
  ].filter(Boolean);
  const perStep: string[] = [
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
    ...odes.map((o) => `  S_${o.name}[i] = ${jsName(o.name)};`),
    ...odes.flatMap((_, k) => theta.map((_, p) => `  SS${k}_${p}[i] = ${T(k, p)};`)),
    '  TL[i] = tl;',
    '}',
  ].join('\n');
}

function emitSpike(
  spec: ModelSpec,
  em: Emitter,
  next: Map<string, string>,
  nextTan: Map<string, string[]>,
  baseEnv: Map<string, string>,
  g0: string | undefined,
  dg0: string[],
  algebraicDeps: Map<string, Set<string>>,
  setScope: (env: Map<string, string>, tan: Map<string, string[]>) => void,
  tangentOf: (node: MathNode) => string[],
): void {
  const spike = spec.spike!;
  const held = spike.variable && !spec.odes.find((o) => o.name === spike.variable)?.unlessRefractory ? spike.variable : undefined;
  em.clearMemo();
  if (spec.refractory) {
    const refr = em.expr(spec.refractory); // parameters only: hoisted out of the step loop
    em.raw(`if (t < tl + ${refr}) {`);
    if (held) {
      em.raw(`  n_${held} = ${jsName(held)};`);
      // the new tangent nT<k>_<p> keeps the old one, T<k>_<p>
      nextTan.get(held)!.forEach((nt) => em.raw(`  ${nt} = ${nt.slice(1)};`));
    }
    em.raw('} else {');
  } else {
    em.raw('{');
  }
  // the condition at the end of the step
  const env = new Map(baseEnv);
  for (const [k, v] of next) env.set(k, v);
  env.set('t', '(t + dt)');
  const tanScope = new Map(nextTan);
  setScope(env, tanScope);
  const node = spike.crossing?.g ?? spike.condition;
  const needed = neededAlgebraics([node], algebraicDeps);
  for (const a of spec.algebraics) if (needed.has(a.name)) env.set(a.name, em.expr(a.expr));
  const now = em.expr(node);
  const upward = spec.reset.length === 0;
  let fires: string;
  let when: string;
  if (spike.crossing) {
    const cmp = spike.crossing.strict ? '>' : '>=';
    fires = upward ? `${g0} ${spike.crossing.strict ? '<=' : '<'} 0 && ${now} ${cmp} 0` : `${now} ${cmp} 0`;
    when = `(${g0} < 0 ? t + dt * ${g0} / (${g0} - ${now}) : t + dt)`;
  } else {
    fires = upward ? `!${g0} && ${now}` : now;
    when = '(t + dt)';
  }
  em.raw(`  if (${fires}) {`);
  em.raw(`    tl = ${when};`);
  if (dg0.length > 0) {
    // t_spike = t + dt g0 / (g0 - g1): its derivative through the tangents of g at both ends of the step
    for (const a of spec.algebraics) if (needed.has(a.name)) tanScope.set(a.name, tangentOf(a.expr));
    const dg1 = tangentOf(node);
    const dTime = dg0.map((d0, p) => `(${g0} < 0 ? dt * (${g0} * ${dg1[p]} - ${now} * ${d0}) / ((${g0} - ${now}) * (${g0} - ${now})) : 0)`);
    em.raw(`    onSpike(i, tl, [${dTime.join(', ')}]);`);
  } else {
    em.raw('    onSpike(i, tl);');
  }
  for (const r of spec.reset) {
    // statements run in order: nothing computed before an assignment may be reused after it
    em.clearMemo();
    const value = em.expr(r.expr);
    // the reset's own derivative (u = u + d gives du/dd += 1); the spike time is taken as fixed
    const dvalue = tangentOf(r.expr);
    em.raw(`    n_${r.target} = ${value};`);
    nextTan.get(r.target)!.forEach((nt, p) => em.raw(`    ${nt} = ${dvalue[p]};`));
  }
  em.raw('  }');
  em.raw('}');
  em.clearMemo();
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

/** Sets d(initial state)/dθ: the derivative of each `init` expression by each θ. */
export type InitTangentKernel = (N: number, params: Float64Array[], sens: Float64Array[]) => void;

export function compileInitTangents(spec: ModelSpec, theta: string[]): InitTangentKernel {
  const em = new Emitter((s) => jsName(s), '_i', '  ');
  spec.odes.forEach((o, k) =>
    theta.forEach((p, pi) => em.raw(`SS[${k * theta.length + pi}][i] = ${em.expr(partial(o.init, p))};`)),
  );
  return new Function('N', 'P', 'SS', overNeurons(spec, em.lines)) as InitTangentKernel;
}

function sym(name: string): MathNode {
  return new (mathjs().SymbolNode)(name);
}

/** For each algebraic variable, every algebraic variable it reads, directly or not. */
function algebraicClosure(spec: ModelSpec): Map<string, Set<string>> {
  const names = new Set(spec.algebraics.map((a) => a.name));
  const closure = new Map<string, Set<string>>();
  for (const a of spec.algebraics) {
    // spec.algebraics is ordered: everything a reads is already in `closure`
    const deps = new Set<string>();
    for (const s of symbolsOf(a.expr)) {
      if (!names.has(s)) continue;
      deps.add(s);
      for (const d of closure.get(s)!) deps.add(d);
    }
    closure.set(a.name, deps);
  }
  return closure;
}

function neededAlgebraics(nodes: MathNode[], closure: Map<string, Set<string>>): Set<string> {
  const needed = new Set<string>();
  for (const n of nodes) {
    for (const s of symbolsOf(n)) {
      const deps = closure.get(s);
      if (!deps) continue;
      needed.add(s);
      for (const d of deps) needed.add(d);
    }
  }
  return needed;
}

/** d(rhs)/dx for the exponential scheme, through the algebraic definitions that depend on x. */
function selfDerivative(spec: ModelSpec, ode: OdeSpec, closure: Map<string, Set<string>>): MathNode {
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
