import type { MathNode } from './mathjs.ts';
import { BUILTIN_FUNCTIONS, CONDITIONAL_FUNCTION, CONSTANTS } from './functions.ts';
import type * as M from 'mathjs';

const OPERATORS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  mod: '%',
  larger: '>',
  largerEq: '>=',
  smaller: '<',
  smallerEq: '<=',
  equal: '===',
  unequal: '!==',
  and: '&&',
  or: '||',
};

/**
 * Turns expressions into straight-line JavaScript. Every compound subexpression
 * becomes a `const`, and identical subexpressions within one scope share it, so a
 * rate function that repeats `exp(-(v+65)/20)` computes it once per stage.
 */
export class Emitter {
  readonly lines: string[] = [];
  private memo = new Map<string, string>();
  /** exp(a*x + b) already computed in this scope, by `x|a`: its temporary and b. */
  private exps = new Map<string, { name: string; b: number }>();
  private counter = 0;

  constructor(
    /** JavaScript for a model symbol in the current scope. */
    private readonly resolve: (symbol: string) => string,
    private readonly prefix = '_e',
    private readonly indent = '      ',
    /**
     * Where to put subexpressions that read only per-neuron constants (names in
     * `invariant`), so they are computed once per neuron, not once per step.
     */
    private readonly hoist?: { emitter: Emitter; invariant: Set<string> },
  ) {}

  /** Starts a new scope: temporaries computed so far are no longer reused. */
  clearMemo(): void {
    this.memo.clear();
    this.exps.clear();
  }

  /** Emits a named binding (used for algebraic variables and results) and returns its name. */
  bind(name: string, code: string, kind: 'const' | 'let' = 'const'): string {
    this.lines.push(`${this.indent}${kind} ${name} = ${code};`);
    return name;
  }

  /** A temporary for a piece of JavaScript built by the caller (shared like any other). */
  code(js: string): string {
    return this.temp(js);
  }

  raw(line: string): void {
    this.lines.push(this.indent + line);
  }

  /** JavaScript for `node`; compound parts are hoisted into shared temporaries. */
  expr(node: MathNode): string {
    switch (node.type) {
      case 'ConstantNode': {
        const value = (node as M.ConstantNode).value as unknown;
        if (typeof value === 'boolean') return value ? 'true' : 'false';
        const num = value as number;
        return num < 0 || Object.is(num, -0) ? `(${String(num)})` : String(num);
      }
      case 'SymbolNode': {
        const name = (node as M.SymbolNode).name;
        return CONSTANTS[name] ?? this.resolve(name);
      }
      case 'ParenthesisNode':
        return this.expr((node as M.ParenthesisNode).content);
      case 'ConditionalNode': {
        const c = node as M.ConditionalNode;
        return this.temp(`(${this.expr(c.condition)} ? ${this.expr(c.trueExpr)} : ${this.expr(c.falseExpr)})`);
      }
      case 'OperatorNode':
        return this.operator(node as M.OperatorNode);
      case 'FunctionNode': {
        const f = node as M.FunctionNode;
        const name = f.fn.name;
        const args = f.args.map((a) => this.expr(a));
        if (name === CONDITIONAL_FUNCTION) return this.temp(`(${args[0]} ? ${args[1]} : ${args[2]})`);
        if (name === 'pow') return this.power(args[0]!, f.args[1]!, args[1]!);
        if (name === 'exp') return this.exponential(f.args[0]!, args[0]!);
        const builtin = BUILTIN_FUNCTIONS[name];
        if (!builtin) throw new Error(`internal: no code for function '${name}'`);
        return this.temp(builtin.js(args));
      }
      default:
        throw new Error(`internal: cannot generate code for ${node.type}`);
    }
  }

  private operator(op: M.OperatorNode): string {
    const folded = constantValue(op);
    if (folded !== undefined) return literal(folded);
    const args = op.args.map((a) => this.expr(a));
    switch (op.fn) {
      case 'unaryMinus':
        return this.temp(`(-${args[0]})`);
      case 'unaryPlus':
        return args[0]!;
      case 'not':
        return this.temp(`(!${args[0]})`);
      case 'xor':
        return this.temp(`(!${args[0]} !== !${args[1]})`);
      case 'pow':
        return this.power(args[0]!, op.args[1]!, args[1]!);
    }
    const js = OPERATORS[op.fn];
    if (!js) throw new Error(`internal: no code for operator '${op.op}'`);
    // mathjs folds `a + b + c` into one node with several arguments.
    return this.temp(`(${args.join(` ${js} `)})`);
  }

  /** Small integer powers as products: `v^2` is `v*v`, far cheaper than Math.pow. */
  private power(base: string, exponentNode: MathNode, exponent: string): string {
    const k = constantValue(exponentNode);
    if (k !== undefined) {
      if (k === 0.5) return this.temp(`Math.sqrt(${base})`);
      if (Number.isInteger(k) && k >= 1 && k <= 8) {
        let result = base;
        let squared = base;
        let rest = k;
        let acc: string | undefined;
        // binary exponentiation keeps n^4 at two multiplications
        while (rest > 0) {
          if (rest & 1) acc = acc === undefined ? squared : this.temp(`(${acc} * ${squared})`);
          rest >>= 1;
          if (rest > 0) squared = this.temp(`(${squared} * ${squared})`);
        }
        result = acc!;
        return result;
      }
    }
    return this.temp(`Math.pow(${base}, ${exponent})`);
  }

  /**
   * Rate functions are full of exponentials that differ only by a shift, such as
   * exp(-(v+40)/10) and exp(-(v+55)/10). exp(a*x + b) is then computed as
   * exp(a*x + b0) * exp(b - b0), with the second factor a compile-time constant, and
   * exp(-a*x + b) as exp(b + b0) / exp(a*x + b0): one call to Math.exp instead of several.
   * Results agree with direct evaluation to a few ulp.
   */
  private exponential(argNode: MathNode, arg: string): string {
    const direct = () => this.temp(`Math.exp(${arg})`);
    const lin = affine(argNode);
    if (!lin || lin.symbol === undefined || lin.a === 0) return direct();
    const x = this.resolve(lin.symbol);
    const same = this.exps.get(`${x}|${lin.a}`);
    if (same && Math.abs(lin.b - same.b) <= 30) return this.temp(`(${same.name} * ${literal(Math.exp(lin.b - same.b))})`);
    const mirror = this.exps.get(`${x}|${-lin.a}`);
    if (mirror && Math.abs(lin.b + mirror.b) <= 30) return this.temp(`(${literal(Math.exp(lin.b + mirror.b))} / ${mirror.name})`);
    const name = direct();
    this.exps.set(`${x}|${lin.a}`, { name, b: lin.b });
    return name;
  }

  private temp(code: string): string {
    const hit = this.memo.get(code);
    if (hit) return hit;
    if (this.hoist && isInvariant(code, this.hoist.invariant)) {
      const name = this.hoist.emitter.temp(code);
      this.hoist.invariant.add(name);
      return name;
    }
    const name = `${this.prefix}${this.counter++}`;
    this.lines.push(`${this.indent}const ${name} = ${code};`);
    this.memo.set(code, name);
    return name;
  }
}

const NOT_NAMES = new Set(['Math', 'true', 'false']);

function isInvariant(code: string, invariant: Set<string>): boolean {
  const stripped = code.replace(/Math\.[A-Za-z0-9]+/g, '').replace(/\b\d[\d.]*(?:e[-+]?\d+)?/gi, '');
  for (const id of stripped.match(/[A-Za-z_$][\w$]*/g) ?? []) {
    if (!NOT_NAMES.has(id) && !invariant.has(id)) return false;
  }
  return true;
}

function literal(x: number): string {
  return x < 0 ? `(${String(x)})` : String(x);
}

/** a*x + b if `node` is affine in one symbol x with numeric a and b; b alone if it is constant. */
function affine(node: MathNode): { symbol?: string; a: number; b: number } | null {
  switch (node.type) {
    case 'ConstantNode': {
      const v = (node as M.ConstantNode).value as unknown;
      return typeof v === 'number' ? { a: 0, b: v } : null;
    }
    case 'SymbolNode': {
      const name = (node as M.SymbolNode).name;
      if (name in CONSTANTS) return { a: 0, b: name === 'pi' ? Math.PI : Math.E };
      return { symbol: name, a: 1, b: 0 };
    }
    case 'ParenthesisNode':
      return affine((node as M.ParenthesisNode).content);
    case 'OperatorNode': {
      const op = node as M.OperatorNode;
      const parts = op.args.map(affine);
      if (parts.some((p) => p === null)) return null;
      const [p, q] = parts as { symbol?: string; a: number; b: number }[];
      const scale = (x: { symbol?: string; a: number; b: number }, k: number) => ({ symbol: x.symbol, a: x.a * k, b: x.b * k });
      switch (op.fn) {
        case 'unaryPlus':
          return p!;
        case 'unaryMinus':
          return scale(p!, -1);
        case 'add':
        case 'subtract': {
          if (parts.length !== 2) return null;
          const sign = op.fn === 'add' ? 1 : -1;
          if (p!.symbol !== undefined && q!.symbol !== undefined && p!.symbol !== q!.symbol) return null;
          return { symbol: p!.symbol ?? q!.symbol, a: p!.a + sign * q!.a, b: p!.b + sign * q!.b };
        }
        case 'multiply':
          if (parts.length !== 2) return null;
          if (p!.symbol === undefined) return scale(q!, p!.b);
          if (q!.symbol === undefined) return scale(p!, q!.b);
          return null;
        case 'divide':
          return q!.symbol === undefined && q!.b !== 0 ? scale(p!, 1 / q!.b) : null;
      }
      return null;
    }
  }
  return null;
}

/**
 * The value of an expression made of numeric constants only (derivatives are full of
 * `x ^ (3 - 1)` and `0 * y`-free constant arithmetic), so it is computed once, here.
 */
function constantValue(node: MathNode): number | undefined {
  switch (node.type) {
    case 'ConstantNode': {
      const v = (node as M.ConstantNode).value as unknown;
      return typeof v === 'number' ? v : undefined;
    }
    case 'ParenthesisNode':
      return constantValue((node as M.ParenthesisNode).content);
    case 'OperatorNode': {
      const op = node as M.OperatorNode;
      const args = op.args.map(constantValue);
      if (args.some((a) => a === undefined)) return undefined;
      const v = args as number[];
      switch (op.fn) {
        case 'add':
          return v.reduce((a, b) => a + b);
        case 'subtract':
          return v[0]! - v[1]!;
        case 'multiply':
          return v.reduce((a, b) => a * b);
        case 'divide':
          return v[0]! / v[1]!;
        case 'unaryMinus':
          return -v[0]!;
        case 'unaryPlus':
          return v[0]!;
        case 'pow':
          return Math.pow(v[0]!, v[1]!);
      }
      return undefined;
    }
  }
  return undefined;
}
