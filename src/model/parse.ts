import { mathjs, type MathNode } from './mathjs.ts';
import { ModelDefinitionError } from './errors.ts';
import { BUILTIN_FUNCTIONS, CONDITIONAL_FUNCTION, CONSTANTS, RANDOM_FUNCTIONS } from './functions.ts';
import {
  METHODS,
  type AlgebraicSpec,
  type Method,
  type ModelSpec,
  type NeuronDefinition,
  type OdeSpec,
  type RandomDraw,
  type ResetStatement,
  type SpikeSpec,
} from './types.ts';

/** Symbols every expression may use besides the model's own names. */
const TIME_SYMBOLS = ['t', 'dt'];
const FLAG_METHODS: Method[] = ['euler', 'exponential'];

interface Line {
  number: number;
  text: string;
}

interface UserFunction {
  params: string[];
  body: MathNode;
}

/** Parses and validates a definition. Every error names the model, the line and the symbol. */
export function parseDefinition(def: NeuronDefinition): ModelSpec {
  const name = def.name;
  if (typeof name !== 'string' || name === '') throw new Error('a neuron definition needs a non-empty name');
  const fail = (where: string, detail: string, symbol?: string): never => {
    throw new ModelDefinitionError(name, where, detail, symbol);
  };

  const parameters: Record<string, number> = { ...(def.parameters ?? {}) };
  for (const [p, value] of Object.entries(parameters)) {
    checkIdentifier(p, `parameter '${p}'`, fail);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(`parameter '${p}'`, `value ${String(value)} is not a finite number`, p);
    }
  }
  const paramNames = Object.keys(parameters);

  const functions = parseFunctions(def.functions ?? '', fail);
  const randoms: RandomDraw[] = [];
  const prepare = (text: string, where: string): MathNode =>
    extractRandoms(inlineFunctions(parseExpression(text, where, fail), functions, where, fail), randoms);

  const method = def.method ?? 'euler';
  if (!METHODS.includes(method)) fail('method', `unknown integration method '${method}' (use ${METHODS.join(', ')})`);

  const odes: OdeSpec[] = [];
  const algebraics: AlgebraicSpec[] = [];
  const definedAt = new Map<string, number>();
  const lineText = new Map<number, string>();
  const at = (n: number) => `equations line ${n} ('${lineText.get(n)}')`;
  for (const line of splitLines(def.equations ?? '')) {
    lineText.set(line.number, line.text);
    const where = at(line.number);
    const { body, flags } = splitFlags(line.text);
    const eq = findAssignment(body);
    if (eq < 0) fail(where, "expected 'dx/dt = expression' or 'name = expression'");
    const lhs = body.slice(0, eq).trim();
    const rhsText = body.slice(eq + 1).trim();
    if (rhsText === '') fail(where, 'missing right-hand side');
    const ode = /^(?:(.*?)\s*\*\s*)?d\s*([A-Za-z_]\w*)\s*\/\s*dt$/.exec(lhs);
    const target = ode ? ode[2]! : lhs;
    checkIdentifier(target, where, fail);
    if (target in parameters) fail(where, `'${target}' is already defined as a parameter`, target);
    const previous = definedAt.get(target);
    if (previous !== undefined) fail(where, `duplicate definition of '${target}' (first defined on line ${previous})`, target);
    definedAt.set(target, line.number);

    let rhs = prepare(rhsText, where);
    const flagSet = parseFlags(flags, where, prepare, fail);
    if (ode) {
      if (ode[1]) {
        // ANNarchy's `tau * dv/dt = f` means dv/dt = f / tau.
        const coef = prepare(ode[1], where);
        const m = mathjs();
        rhs = new m.OperatorNode('/', 'divide', [new m.ParenthesisNode(rhs), new m.ParenthesisNode(coef)]);
      }
      odes.push({
        name: target,
        rhs,
        line: line.number,
        method: flagSet.method,
        init: flagSet.init ?? constant(0),
        min: flagSet.min,
        max: flagSet.max,
        unlessRefractory: flagSet.unlessRefractory,
      });
    } else {
      if (flagSet.method) fail(where, `flag '${flagSet.method}' applies only to differential equations`);
      if (flagSet.init) fail(where, `'${target}' is algebraic: it has no initial value of its own`);
      algebraics.push({ name: target, expr: rhs, line: line.number });
    }
  }
  if (odes.length === 0) fail('equations', 'no differential equation (dx/dt = ...) found');

  const stateNames = odes.map((o) => o.name);
  const algebraicNames = algebraics.map((a) => a.name);
  const known = new Set([...paramNames, ...stateNames, ...algebraicNames, ...TIME_SYMBOLS, ...randoms.map((r) => r.symbol)]);
  for (const ode of odes) {
    const where = at(ode.line);
    checkSymbols(ode.rhs, known, where, fail);
    // Initial values and bounds are evaluated before any step: parameters only.
    const paramsOnly = new Set(paramNames);
    checkSymbols(ode.init, paramsOnly, `${where}, init`, fail);
    if (ode.min) checkSymbols(ode.min, paramsOnly, `${where}, min`, fail);
    if (ode.max) checkSymbols(ode.max, paramsOnly, `${where}, max`, fail);
  }
  for (const alg of algebraics) checkSymbols(alg.expr, known, at(alg.line), fail);
  const ordered = orderAlgebraics(algebraics, at, fail);

  for (const ode of odes) {
    if (ode.method && !FLAG_METHODS.includes(method)) {
      fail(at(ode.line), `per-equation scheme '${ode.method}' can only be mixed with method 'euler' or 'exponential', not '${method}'`);
    }
  }

  let spike: SpikeSpec | undefined;
  if (def.spike !== undefined && def.spike.trim() !== '') {
    const condition = prepare(def.spike, `spike condition ('${def.spike}')`);
    checkSymbols(condition, known, `spike condition ('${def.spike}')`, fail);
    spike = describeSpike(condition, new Set(stateNames));
  }

  const reset: ResetStatement[] = [];
  if (def.reset !== undefined && def.reset.trim() !== '') {
    if (!spike) fail('reset', 'a reset needs a spike condition');
    const resetKnown = new Set([...paramNames, ...stateNames, ...TIME_SYMBOLS]);
    for (const stmt of def.reset.split(/[;\n]/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'))) {
      const where = `reset ('${stmt}')`;
      const match = /^([A-Za-z_]\w*)\s*([-+*/]?)=(?!=)\s*(.+)$/.exec(stmt);
      if (!match) fail(where, "expected 'variable = expression' (or +=, -=, *=, /=)");
      const [, target, op, exprText] = match!;
      if (!stateNames.includes(target!)) {
        const kind = target! in parameters ? 'a parameter' : algebraicNames.includes(target!) ? 'an algebraic variable' : 'not defined';
        fail(where, `reset of unknown state variable '${target}' (${kind}; only variables with dx/dt can be reset)`, target);
      }
      let expr = prepare(exprText!, where);
      checkSymbols(expr, resetKnown, where, fail);
      if (op) {
        const m = mathjs();
        const fn = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' }[op]!;
        expr = new m.OperatorNode(op as '+', fn as 'add', [new m.SymbolNode(target!), new m.ParenthesisNode(expr)]);
      }
      reset.push({ target: target!, expr });
    }
  }

  let refractory: MathNode | undefined;
  if (def.refractory !== undefined) {
    if (!spike) fail('refractory', 'a refractory period needs a spike condition');
    if (typeof def.refractory === 'number') {
      if (!Number.isFinite(def.refractory) || def.refractory < 0) fail('refractory', `${def.refractory} is not a duration >= 0 ms`);
      refractory = constant(def.refractory);
    } else {
      refractory = prepare(def.refractory, `refractory ('${def.refractory}')`);
      checkSymbols(refractory, new Set(paramNames), `refractory ('${def.refractory}')`, fail);
    }
  }

  const bounds: Record<string, [number, number]> = {};
  for (const [p, b] of Object.entries(def.bounds ?? {})) {
    if (!(p in parameters)) fail(`bounds.${p}`, `'${p}' is not a parameter`, p);
    if (!Array.isArray(b) || b.length !== 2 || !b.every(Number.isFinite) || !(b[0] < b[1])) fail(`bounds.${p}`, `expected [low, high] with low < high, got ${JSON.stringify(b)}`, p);
    bounds[p] = [b[0], b[1]];
  }

  return {
    name,
    parameters,
    bounds,
    paramNames,
    odes,
    algebraics: ordered,
    spike,
    reset,
    refractory,
    method,
    randoms,
    units: { ...(def.units ?? {}) },
    description: def.description ?? '',
  };
}

function splitLines(text: string): Line[] {
  const raw = text.split('\n');
  while (raw.length > 0 && raw[0]!.trim() === '') raw.shift();
  const lines: Line[] = [];
  raw.forEach((full, i) => {
    const text = full.replace(/#.*$/, '').trim();
    if (text) lines.push({ number: i + 1, text });
  });
  return lines;
}

/** The flags follow the first ':' that does not close a `?` of a conditional expression. */
function splitFlags(text: string): { body: string; flags: string } {
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '?') open++;
    else if (c === ':') {
      if (open > 0) open--;
      else return { body: text.slice(0, i).trim(), flags: text.slice(i + 1).trim() };
    }
  }
  return { body: text.trim(), flags: '' };
}

/** Index of the assignment '=' (not part of ==, <=, >=, !=), or -1. */
function findAssignment(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '=') continue;
    const before = text[i - 1];
    const after = text[i + 1];
    if (before === '<' || before === '>' || before === '!' || before === '=' || after === '=') continue;
    return i;
  }
  return -1;
}

interface Flags {
  init?: MathNode;
  min?: MathNode;
  max?: MathNode;
  method?: Method;
  unlessRefractory: boolean;
}

function parseFlags(
  text: string,
  where: string,
  prepare: (text: string, where: string) => MathNode,
  fail: (where: string, detail: string, symbol?: string) => never,
): Flags {
  const flags: Flags = { unlessRefractory: false };
  if (!text) return flags;
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const valued = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(item);
    if (valued) {
      const key = valued[1]!;
      if (key !== 'init' && key !== 'min' && key !== 'max') fail(where, `unknown flag '${key}' (valued flags: init, min, max)`, key);
      flags[key as 'init'] = prepare(valued[2]!, `${where}, flag ${key}`);
    } else if ((FLAG_METHODS as string[]).includes(item)) {
      flags.method = item as Method;
    } else if (item === 'unless_refractory') {
      flags.unlessRefractory = true;
    } else {
      fail(where, `unknown flag '${item}' (known: init, min, max, euler, exponential, unless_refractory)`, item);
    }
  }
  return flags;
}

function checkIdentifier(name: string, where: string, fail: (where: string, detail: string, symbol?: string) => never): void {
  if (!/^[A-Za-z_]\w*$/.test(name)) fail(where, `'${name}' is not a valid name`, name);
  if (TIME_SYMBOLS.includes(name) || name in CONSTANTS) fail(where, `'${name}' is reserved (t, dt, pi, e)`, name);
  if (name in BUILTIN_FUNCTIONS || name === CONDITIONAL_FUNCTION || name in RANDOM_FUNCTIONS) {
    fail(where, `'${name}' is the name of a built-in function`, name);
  }
}

function parseExpression(text: string, where: string, fail: (where: string, detail: string, symbol?: string) => never): MathNode {
  let node: MathNode;
  try {
    node = mathjs().parse(text);
  } catch (err) {
    return fail(where, `cannot parse '${text}': ${(err as Error).message}`);
  }
  node.traverse((n) => {
    const t = n.type;
    if (!['ConstantNode', 'SymbolNode', 'OperatorNode', 'FunctionNode', 'ParenthesisNode', 'ConditionalNode'].includes(t)) {
      fail(where, `'${n.toString()}' is not allowed in an equation (${t})`);
    }
    if (n.type === 'ConstantNode' && typeof (n as import('mathjs').ConstantNode).value !== 'number' && typeof (n as import('mathjs').ConstantNode).value !== 'boolean') {
      fail(where, `constant '${n.toString()}' is not a number`);
    }
  });
  return node;
}

function parseFunctions(text: string, fail: (where: string, detail: string, symbol?: string) => never): Map<string, UserFunction> {
  const functions = new Map<string, UserFunction>();
  for (const line of splitLines(text)) {
    const where = `functions line ${line.number} ('${line.text}')`;
    let node: MathNode;
    try {
      node = mathjs().parse(line.text);
    } catch (err) {
      return fail(where, `cannot parse: ${(err as Error).message}`);
    }
    if (node.type !== 'FunctionAssignmentNode') fail(where, "expected 'name(x, y) = expression'");
    const fa = node as import('mathjs').FunctionAssignmentNode;
    checkIdentifier(fa.name, where, fail);
    if (functions.has(fa.name)) fail(where, `duplicate function '${fa.name}'`, fa.name);
    const params = fa.params.map(String);
    const body = parseExpression(fa.expr.toString(), where, fail);
    const allowed = new Set([...params]);
    body.traverse((n, path) => {
      if (n.type === 'SymbolNode' && path !== 'fn') {
        const s = (n as import('mathjs').SymbolNode).name;
        if (!allowed.has(s) && !(s in CONSTANTS)) fail(where, `unknown symbol '${s}' (a function may use only its arguments)`, s);
      }
    });
    functions.set(fa.name, { params, body });
  }
  return functions;
}

/** Replaces calls of user functions by their bodies, so code generation and derivatives see plain expressions. */
function inlineFunctions(
  node: MathNode,
  functions: Map<string, UserFunction>,
  where: string,
  fail: (where: string, detail: string, symbol?: string) => never,
  depth = 0,
): MathNode {
  if (functions.size === 0) return node;
  if (depth > 20) fail(where, 'user functions call each other too deeply (recursion?)');
  let changed = false;
  const out = node.transform((n) => {
    if (n.type !== 'FunctionNode') return n;
    const fnName = (n as import('mathjs').FunctionNode).fn.name;
    const fn = functions.get(fnName);
    if (!fn) return n;
    const args = (n as import('mathjs').FunctionNode).args;
    if (args.length !== fn.params.length) fail(where, `function '${fnName}' takes ${fn.params.length} argument(s), got ${args.length}`, fnName);
    changed = true;
    const m = mathjs();
    const inlined = fn.body.transform((b, path) => {
      if (b.type === 'SymbolNode' && path !== 'fn') {
        const i = fn.params.indexOf((b as import('mathjs').SymbolNode).name);
        if (i >= 0) return new m.ParenthesisNode(args[i]!);
      }
      return b;
    });
    return new m.ParenthesisNode(inlined);
  });
  return changed ? inlineFunctions(out, functions, where, fail, depth + 1) : out;
}

/** `Normal(mu, sigma)` becomes `mu + sigma * __rnK` with __rnK a standard normal drawn each step. */
function extractRandoms(node: MathNode, randoms: RandomDraw[]): MathNode {
  const m = mathjs();
  return node.transform((n) => {
    if (n.type !== 'FunctionNode') return n;
    const fn = n as import('mathjs').FunctionNode;
    const kind = RANDOM_FUNCTIONS[fn.fn.name as keyof typeof RANDOM_FUNCTIONS];
    if (!kind) return n;
    if (fn.args.length !== 2) return n; // reported as an arity error by checkSymbols
    const symbol = `__r${randoms.length}`;
    randoms.push({ symbol, kind });
    const [a, b] = fn.args.map((x) => new m.ParenthesisNode(x));
    const draw = new m.SymbolNode(symbol);
    // uniform: a + (b - a) * u ; normal: a + b * z
    const scale = kind === 'uniform' ? new m.ParenthesisNode(new m.OperatorNode('-', 'subtract', [b!, a!])) : b!;
    return new m.ParenthesisNode(new m.OperatorNode('+', 'add', [a!, new m.OperatorNode('*', 'multiply', [scale, draw])]));
  });
}

function checkSymbols(
  node: MathNode,
  known: Set<string>,
  where: string,
  fail: (where: string, detail: string, symbol?: string) => never,
): void {
  node.traverse((n, path) => {
    if (n.type === 'FunctionNode') {
      const fn = n as import('mathjs').FunctionNode;
      const name = fn.fn.name;
      const arity = name === CONDITIONAL_FUNCTION ? 3 : name in RANDOM_FUNCTIONS ? 2 : BUILTIN_FUNCTIONS[name]?.arity;
      if (arity === undefined) fail(where, `unknown function '${name}'`, name);
      if (arity !== 'any' && fn.args.length !== arity) fail(where, `function '${name}' takes ${arity} argument(s), got ${fn.args.length}`, name);
      if (arity === 'any' && fn.args.length === 0) fail(where, `function '${name}' needs arguments`, name);
    } else if (n.type === 'SymbolNode' && path !== 'fn') {
      const s = (n as import('mathjs').SymbolNode).name;
      if (!known.has(s) && !(s in CONSTANTS)) fail(where, `unknown symbol '${s}'`, s);
    }
  });
}

/** Algebraic definitions in an order where each comes after everything it uses. */
function orderAlgebraics(
  algebraics: AlgebraicSpec[],
  at: (line: number) => string,
  fail: (where: string, detail: string, symbol?: string) => never,
): AlgebraicSpec[] {
  const byName = new Map(algebraics.map((a) => [a.name, a]));
  const deps = new Map(algebraics.map((a) => [a.name, [...symbolsOf(a.expr)].filter((s) => byName.has(s))]));
  const ordered: AlgebraicSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, chain: string[]): void => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      const a = byName.get(name)!;
      fail(at(a.line), `algebraic definitions form a cycle: ${cycle.join(' -> ')}`, name);
    }
    state.set(name, 'visiting');
    for (const d of deps.get(name)!) visit(d, [...chain, name]);
    state.set(name, 'done');
    ordered.push(byName.get(name)!);
  };
  for (const a of algebraics) visit(a.name, []);
  return ordered;
}

/** Names of the variables an expression reads (not function names). */
export function symbolsOf(node: MathNode): Set<string> {
  const out = new Set<string>();
  node.traverse((n, path) => {
    if (n.type === 'SymbolNode' && path !== 'fn') out.add((n as import('mathjs').SymbolNode).name);
  });
  return out;
}

function describeSpike(condition: MathNode, states: Set<string>): SpikeSpec {
  let c = condition;
  while (c.type === 'ParenthesisNode') c = (c as import('mathjs').ParenthesisNode).content;
  const spec: SpikeSpec = { condition };
  if (c.type === 'OperatorNode') {
    const op = c as import('mathjs').OperatorNode;
    const m = mathjs();
    const [a, b] = op.args;
    const diff = (x: MathNode, y: MathNode) =>
      new m.OperatorNode('-', 'subtract', [new m.ParenthesisNode(x), new m.ParenthesisNode(y)]);
    if (op.fn === 'largerEq' || op.fn === 'larger') spec.crossing = { g: diff(a!, b!), strict: op.fn === 'larger' };
    if (op.fn === 'smallerEq' || op.fn === 'smaller') spec.crossing = { g: diff(b!, a!), strict: op.fn === 'smaller' };
  }
  const watched = [...symbolsOf(condition)].filter((s) => states.has(s));
  if (watched.length > 0) spec.variable = watched[0];
  return spec;
}

function constant(value: number): MathNode {
  return new (mathjs().ConstantNode)(value);
}
