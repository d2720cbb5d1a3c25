import { mathjs, type MathNode } from './mathjs.ts';
import { Emitter } from './emit.ts';
import { ModelDefinitionError } from './errors.ts';
import { symbolsOf } from './parse.ts';
import { partial } from './differentiate.ts';
import { algebraicClosure, neededAlgebraics } from './algebraic-deps.ts';
import {
  TABLEAUS,
  eulerStep,
  exponentialFactor,
  exponentialFactorDerivative,
  exponentialStep,
  exponentialStepTangent,
  selfDerivative,
  stageState,
  tableauStep,
  updateOf,
} from './integrators.ts';
import type { KernelConfig } from './kernel-io.ts';
import { jsName, kernelLoops, tangentName as T } from './kernel-loops.ts';
import type { ModelSpec, OdeSpec } from './types.ts';


/** Slopes and their tangents at one stage. */
interface Stage {
  slopes: Map<string, string>;
  dslopes: Map<string, string[]>;
}

/** The state at the end of the step: the `let` bindings `n_<x>` and `nT<k>_<p>`, by ODE name. */
interface StepEnd {
  next: Map<string, string>;
  nextTan: Map<string, string[]>;
}

/** The spike-crossing function at the start of the step, which interpolation and upward crossings compare with. */
interface SpikeStart {
  g0?: string;
  dg0: string[];
}

/**
 * Writes one kernel: one loop over neurons, an inner loop over steps, straight-line code
 * per step. The step body goes through one {@link Emitter}, so a subexpression is computed
 * once per step however many stages, tangents or spike tests read it, and anything that
 * reads only per-neuron constants is hoisted into the per-neuron prelude.
 *
 * The builder walks the step in order: stage 1 at the start of the step, recording, later
 * stages, the update, the `min`/`max` bounds, spike detection and reset, then wraps it in
 * the loops ({@link kernelLoops}). Every expression is evaluated in the current scope: JavaScript for each
 * model symbol at that point of the step (`env`) and, with sensitivities, its tangent for
 * each θ (`tan`).
 *
 * ```ts
 * const source = new KernelBuilder(izhikevich.spec, { method: 'rk4', driven: [], record: ['v'] }).source();
 * const kernel = new Function('io', source);
 * ```
 */
export class KernelBuilder {
  /** Temporaries of per-neuron constants, emitted once per neuron before the step loop. */
  private readonly prelude: Emitter;
  /** The step body, with its table of shared subexpressions. */
  private readonly em: Emitter;
  /** JavaScript for each model symbol at the point of the step being written. */
  private env = new Map<string, string>();
  /** Tangents (one expression per θ) of the symbols in `env` that depend on θ. */
  private tan = new Map<string, string[]>();
  private built?: string;
  private readonly theta: string[];
  /** Parameters, random draws and dt: in scope everywhere in the step. */
  private readonly baseEnv = new Map<string, string>();
  private readonly algebraicDeps: Map<string, Set<string>>;
  /** ∂node/∂symbol, formed once each. */
  private readonly partials = new Map<MathNode, Map<string, MathNode>>();

  constructor(
    private readonly spec: ModelSpec,
    private readonly config: KernelConfig,
  ) {
    const driven = new Set(config.driven.map((d) => d.param));
    const invariant = new Set(spec.paramNames.filter((p) => !driven.has(p)).map(jsName));
    this.prelude = new Emitter(() => {
      throw new Error('internal: prelude resolves nothing');
    }, '_h', '    ');
    this.em = new Emitter(
      (s) => {
        const js = this.env.get(s);
        if (js === undefined) throw new Error(`internal: symbol '${s}' has no value here`);
        return js;
      },
      '_t',
      '      ',
      { emitter: this.prelude, invariant },
    );
    this.theta = config.sensitivities ?? [];
    for (const p of this.theta) {
      if (!spec.paramNames.includes(p)) throw new Error(`sensitivities: '${p}' is not a parameter of neuron '${spec.name}'`);
      if (driven.has(p)) throw new Error(`sensitivities: parameter '${p}' is driven by an input; it has no single value to differentiate by`);
    }
    this.algebraicDeps = algebraicClosure(spec);
    for (const p of spec.paramNames) this.baseEnv.set(p, jsName(p));
    for (const r of spec.randoms) this.baseEnv.set(r.symbol, r.symbol);
    this.baseEnv.set('dt', 'dt');
  }

  /** The kernel's source, the body of `function (io)`. */
  source(): string {
    // the emitters only append: a second walk would write the step twice
    return (this.built ??= this.build());
  }

  private build(): string {
    const first = this.startOfStep();
    const spikeStart = this.spikeAtStart();
    if (this.config.record.length > 0) this.recording();
    const jacobians = this.exponentialJacobians();
    const stages = this.laterStages(first);
    const end = this.update(stages, jacobians);
    this.bounds();
    if (this.spec.spike) this.spike(end, spikeStart);
    this.commit();
    return kernelLoops(this.spec, this.config, this.prelude.lines, this.em.lines);
  }

  // ---- scope and tangents

  /** Makes `values` (with the parameters, random draws and dt) and `tangents` the symbols in scope. */
  private enter(values: Map<string, string>, tangents: Map<string, string[]>): void {
    this.env = new Map(this.baseEnv);
    for (const [k, v] of values) this.env.set(k, v);
    this.tan = new Map(tangents);
  }

  private partialOf(node: MathNode, s: string): MathNode {
    let bySymbol = this.partials.get(node);
    if (!bySymbol) this.partials.set(node, (bySymbol = new Map()));
    let d = bySymbol.get(s);
    if (!d) {
      try {
        d = partial(node, s);
      } catch (err) {
        throw new ModelDefinitionError(this.spec.name, `'${node.toString()}'`, `no derivative with respect to '${s}': ${(err as Error).message}`, s);
      }
      bySymbol.set(s, d);
    }
    return d;
  }

  /** The directional derivative of `node` along each θ in the current scope: chain rule over every symbol it reads. */
  private tangentOf(node: MathNode): string[] {
    const symbols = [...symbolsOf(node)];
    return this.theta.map((p, pi) => {
      const terms: string[] = [];
      for (const s of symbols) {
        const t = this.tan.get(s);
        if (t ? t[pi] === '0' : s !== p) continue;
        const d = this.em.expr(this.partialOf(node, s));
        if (d === '0') continue;
        terms.push(t ? `${d} * ${t[pi]}` : d);
      }
      return terms.length === 0 ? '0' : this.em.code(`(${terms.join(' + ')})`);
    });
  }

  /** Binds each algebraic variable `nodes` need in the current scope, with its tangents if `withTangents`. */
  private algebraics(nodes: MathNode[], withTangents: boolean): Set<string> {
    const needed = neededAlgebraics(nodes, this.algebraicDeps);
    for (const a of this.spec.algebraics) {
      if (!needed.has(a.name)) continue;
      this.env.set(a.name, this.em.expr(a.expr));
      if (withTangents) this.tan.set(a.name, this.tangentOf(a.expr));
    }
    return needed;
  }

  // ---- stages

  /**
   * Evaluates the needed algebraic definitions and the slopes at the state held in
   * `state`, and with sensitivities their tangents given the state's tangents `tangents`.
   * The stage's scope stays current until the next one is entered.
   */
  private stage(state: Map<string, string>, tangents: Map<string, string[]>, t: string, extra: MathNode[] = []): Stage {
    this.enter(new Map([...state, ['t', t]]), tangents);
    this.algebraics([...this.spec.odes.map((o) => o.rhs), ...extra], this.theta.length > 0);
    const slopes = new Map<string, string>();
    const dslopes = new Map<string, string[]>();
    for (const o of this.spec.odes) {
      slopes.set(o.name, this.em.expr(o.rhs));
      if (this.theta.length > 0) dslopes.set(o.name, this.tangentOf(o.rhs));
    }
    return { slopes, dslopes };
  }

  /** Stage 1, at the state at the start of the step, with what recording and spike detection read there. */
  private startOfStep(): Stage {
    const spec = this.spec;
    const recorded = this.config.record.filter((r) => spec.algebraics.some((a) => a.name === r)).map((r) => new (mathjs().SymbolNode)(r));
    return this.stage(
      new Map(spec.odes.map((o) => [o.name, jsName(o.name)])),
      new Map(spec.odes.map((o, k) => [o.name, this.theta.map((_, p) => T(k, p))])),
      't',
      [...recorded, ...this.spikeNodes()],
    );
  }

  private spikeNodes(): MathNode[] {
    const spike = this.spec.spike;
    return spike ? [spike.crossing?.g ?? spike.condition] : [];
  }

  /** Stages 2… of the tableau, each from the state the previous stage's slopes lead to. */
  private laterStages(first: Stage): Stage[] {
    const weights = TABLEAUS[this.config.method];
    const stages = [first];
    for (let k = 1; k < weights.c.length; k++) {
      const prev = stages[k - 1]!;
      const a = weights.a[k - 1]!;
      const staged = new Map<string, string>();
      const stagedTan = new Map<string, string[]>();
      this.spec.odes.forEach((o, ko) => {
        staged.set(o.name, this.em.bind(`_s${k}_${o.name}`, stageState(jsName(o.name), a, prev.slopes.get(o.name)!)));
        stagedTan.set(o.name, this.theta.map((_, p) => this.em.bind(`_ts${k}_${ko}_${p}`, stageState(T(ko, p), a, prev.dslopes.get(o.name)![p]!))));
      });
      stages.push(this.stage(staged, stagedTan, `t + ${weights.c[k]} * dt`));
    }
    return stages;
  }

  /** For the exponential scheme, d(slope)/dx at the start of the step (and its tangents), by ODE name. */
  private exponentialJacobians(): { jac: Map<string, string>; djac: Map<string, string[]> } {
    const jac = new Map<string, string>();
    const djac = new Map<string, string[]>();
    for (const o of this.spec.odes) {
      if (updateOf(o, this.config.method) !== 'exponential') continue;
      const b = selfDerivative(this.spec, o, this.algebraicDeps);
      jac.set(o.name, this.em.expr(b));
      if (this.theta.length > 0) djac.set(o.name, this.tangentOf(b));
    }
    return { jac, djac };
  }

  /** Binds each state at the end of the step, `n_<x>`, and its tangents. */
  private update(stages: Stage[], jacobians: { jac: Map<string, string>; djac: Map<string, string[]> }): StepEnd {
    const next = new Map<string, string>();
    const nextTan = new Map<string, string[]>();
    this.spec.odes.forEach((o, ko) => {
      const { value, tangent } = this.updateExpression(o, ko, stages, jacobians);
      next.set(o.name, this.em.bind(`n_${o.name}`, value, 'let'));
      nextTan.set(o.name, this.theta.map((_, p) => this.em.bind(`n${T(ko, p)}`, tangent(p), 'let')));
    });
    return { next, nextTan };
  }

  private updateExpression(
    o: OdeSpec,
    ko: number,
    stages: Stage[],
    { jac, djac }: { jac: Map<string, string>; djac: Map<string, string[]> },
  ): { value: string; tangent: (p: number) => string } {
    const x = jsName(o.name);
    const first = stages[0]!;
    switch (updateOf(o, this.config.method)) {
      case 'exponential': {
        const f = first.slopes.get(o.name)!;
        const b = jac.get(o.name)!;
        const phi = this.em.code(exponentialFactor(b));
        const dphi = this.theta.length > 0 ? this.em.code(exponentialFactorDerivative(b)) : '';
        return {
          value: exponentialStep(x, f, phi),
          tangent: (p) => exponentialStepTangent(T(ko, p), first.dslopes.get(o.name)![p]!, phi, f, dphi, djac.get(o.name)![p]!),
        };
      }
      case 'euler':
        return {
          value: eulerStep(x, first.slopes.get(o.name)!),
          tangent: (p) => eulerStep(T(ko, p), first.dslopes.get(o.name)![p]!),
        };
      case 'tableau': {
        const b = TABLEAUS[this.config.method].b;
        return {
          value: tableauStep(x, b, stages.map((st) => st.slopes.get(o.name)!)),
          tangent: (p) => tableauStep(T(ko, p), b, stages.map((st) => st.dslopes.get(o.name)![p]!)),
        };
      }
    }
  }

  /** The `min`/`max` flags (expressions of parameters); a clamped variable's tangent is the bound's. */
  private bounds(): void {
    this.enter(new Map(), new Map());
    this.spec.odes.forEach((o, ko) => {
      for (const [bound, cmp] of [[o.min, '<'], [o.max, '>']] as const) {
        if (!bound) continue;
        const value = this.em.expr(bound);
        const dbound = this.tangentOf(bound);
        this.em.raw(`if (n_${o.name} ${cmp} ${value}) { n_${o.name} = ${value};${this.theta.map((_, p) => ` n${T(ko, p)} = ${dbound[p]};`).join('')} }`);
      }
    });
  }

  // ---- recording

  /** Writes the recorded variables (and their tangents) at the start of the step, every `recEvery` steps. */
  private recording(): void {
    const em = this.em;
    em.raw('if (ph === 0) {');
    this.config.record.forEach((r, k) => {
      em.raw(`  R${k}[ri] = ${this.env.get(r) ?? '0'};`);
      this.theta.forEach((p, pi) => em.raw(`  RS${k}_${pi}[ri] = ${this.tan.get(r)?.[pi] ?? (r === p ? '1' : '0')};`));
    });
    em.raw('  ri++;');
    em.raw('}');
    em.raw('if (++ph === recEvery) ph = 0;');
  }

  // ---- spikes

  /** The crossing function at the start of the step (in stage 1's scope), where a spike test or interpolation needs it. */
  private spikeAtStart(): SpikeStart {
    const spike = this.spec.spike;
    const needsOld = spike && this.spec.reset.length === 0; // upward crossing needs the old value
    const g0 = spike && (needsOld || spike.crossing) ? this.em.expr(this.spikeNodes()[0]!) : undefined;
    // the crossing function's tangent at the start of the step, for d(spike time)/dθ
    const dg0 = spike?.crossing && this.theta.length > 0 ? this.tangentOf(spike.crossing.g) : [];
    return { g0, dg0 };
  }

  /** Outside the refractory period: the spike test at the end of the step, the interpolated spike time, and the reset. */
  private spike(end: StepEnd, { g0, dg0 }: SpikeStart): void {
    const spec = this.spec;
    const spike = spec.spike!;
    const em = this.em;
    const held = spike.variable && !spec.odes.find((o) => o.name === spike.variable)?.unlessRefractory ? spike.variable : undefined;
    em.clearMemo();
    if (spec.refractory) {
      const refr = em.expr(spec.refractory); // parameters only: hoisted out of the step loop
      em.raw(`if (t < tl + ${refr}) {`);
      if (held) {
        em.raw(`  n_${held} = ${jsName(held)};`);
        // the new tangent nT<k>_<p> keeps the old one, T<k>_<p>
        end.nextTan.get(held)!.forEach((nt) => em.raw(`  ${nt} = ${nt.slice(1)};`));
      }
      em.raw('} else {');
    } else {
      em.raw('{');
    }
    // the condition at the end of the step
    this.enter(new Map([...end.next, ['t', '(t + dt)']]), end.nextTan);
    const node = spike.crossing?.g ?? spike.condition;
    const needed = this.algebraics([node], false);
    const now = em.expr(node);
    const { fires, when } = this.spikeTest(g0, now);
    em.raw(`  if (${fires}) {`);
    em.raw(`    tl = ${when};`);
    if (dg0.length > 0) {
      // t_spike = t + dt g0 / (g0 - g1): its derivative through the tangents of g at both ends of the step
      for (const a of spec.algebraics) if (needed.has(a.name)) this.tan.set(a.name, this.tangentOf(a.expr));
      const dg1 = this.tangentOf(node);
      const dTime = dg0.map((d0, p) => `(${g0} < 0 ? dt * (${g0} * ${dg1[p]} - ${now} * ${d0}) / ((${g0} - ${now}) * (${g0} - ${now})) : 0)`);
      em.raw(`    onSpike(i, tl, [${dTime.join(', ')}]);`);
    } else {
      em.raw('    onSpike(i, tl);');
    }
    this.reset(end);
    em.raw('  }');
    em.raw('}');
    em.clearMemo();
  }

  /** Whether a spike fires in this step, and when: interpolated where the condition has a crossing function. */
  private spikeTest(g0: string | undefined, now: string): { fires: string; when: string } {
    const spike = this.spec.spike!;
    const upward = this.spec.reset.length === 0;
    if (spike.crossing) {
      const cmp = spike.crossing.strict ? '>' : '>=';
      return {
        fires: upward ? `${g0} ${spike.crossing.strict ? '<=' : '<'} 0 && ${now} ${cmp} 0` : `${now} ${cmp} 0`,
        when: `(${g0} < 0 ? t + dt * ${g0} / (${g0} - ${now}) : t + dt)`,
      };
    }
    return { fires: upward ? `!${g0} && ${now}` : now, when: '(t + dt)' };
  }

  /** The reset statements, in order, in the end-of-step scope. */
  private reset(end: StepEnd): void {
    for (const r of this.spec.reset) {
      // statements run in order: nothing computed before an assignment may be reused after it
      this.em.clearMemo();
      const value = this.em.expr(r.expr);
      // the reset's own derivative (u = u + d gives du/dd += 1); the spike time is taken as fixed
      const dvalue = this.tangentOf(r.expr);
      this.em.raw(`    n_${r.target} = ${value};`);
      end.nextTan.get(r.target)!.forEach((nt, p) => this.em.raw(`    ${nt} = ${dvalue[p]};`));
    }
  }

  /** The end of the step becomes the state. */
  private commit(): void {
    this.spec.odes.forEach((o, ko) => {
      this.em.raw(`${jsName(o.name)} = n_${o.name};`);
      this.theta.forEach((_, p) => this.em.raw(`${T(ko, p)} = n${T(ko, p)};`));
    });
  }
}
