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
  }

  /** Emits a named binding (used for algebraic variables and results) and returns its name. */
  bind(name: string, code: string, kind: 'const' | 'let' = 'const'): string {
    this.lines.push(`${this.indent}${kind} ${name} = ${code};`);
    return name;
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
        const builtin = BUILTIN_FUNCTIONS[name];
        if (!builtin) throw new Error(`internal: no code for function '${name}'`);
        return this.temp(builtin.js(args));
      }
      default:
        throw new Error(`internal: cannot generate code for ${node.type}`);
    }
  }

  private operator(op: M.OperatorNode): string {
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
    let e = exponentNode;
    while (e.type === 'ParenthesisNode') e = (e as M.ParenthesisNode).content;
    if (e.type === 'ConstantNode' && typeof (e as M.ConstantNode).value === 'number') {
      const k = (e as M.ConstantNode).value as number;
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
