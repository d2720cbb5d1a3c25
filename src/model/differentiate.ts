import { mathjs, type MathNode } from './mathjs.ts';
import { symbolsOf } from './parse.ts';
import type * as M from 'mathjs';

/** Functions mathjs's `derivative` handles; anything else in a subtree is differentiated here. */
const MATHJS_FUNCTIONS = new Set(['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan']);
const ARITHMETIC = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
/** Step functions: derivative zero wherever it exists. */
const PIECEWISE_CONSTANT = new Set(['sign', 'floor', 'ceil', 'round', 'heaviside']);

/**
 * ∂node/∂x, unsimplified (simplifying would undo the sharing of subexpressions with the
 * forward step). mathjs's `derivative` does the arithmetic and elementary functions;
 * conditionals, min/max, abs, clip and the other piecewise functions are differentiated
 * here branch by branch, which is exact wherever the branch does not change.
 */
export function partial(node: MathNode, x: string): MathNode {
  const m = mathjs();
  const zero = () => new m.ConstantNode(0);
  const d = (n: MathNode): MathNode => {
    if (!symbolsOf(n).has(x)) return zero();
    if (isPlain(n)) return m.derivative(n, x, { simplify: false });
    switch (n.type) {
      case 'ParenthesisNode':
        return d((n as M.ParenthesisNode).content);
      case 'ConditionalNode': {
        const c = n as M.ConditionalNode;
        return new m.ConditionalNode(c.condition, paren(d(c.trueExpr)), paren(d(c.falseExpr)));
      }
      case 'OperatorNode':
        return operator(n as M.OperatorNode);
      case 'FunctionNode':
        return fn(n as M.FunctionNode);
    }
    throw new Error(`cannot differentiate ${n.type} '${n.toString()}'`);
  };
  const paren = (n: MathNode) => new m.ParenthesisNode(n);
  const op = (o: string, f: string, args: MathNode[]) => new m.OperatorNode(o as '+', f as 'add', args);
  const mul = (a: MathNode, b: MathNode) => op('*', 'multiply', [paren(a), paren(b)]);
  const operator = (o: M.OperatorNode): MathNode => {
    const args = o.args;
    switch (o.fn) {
      case 'add':
      case 'subtract':
        return op(o.op, o.fn, args.map((a) => paren(d(a))));
      case 'unaryMinus':
        return op('-', 'unaryMinus', [paren(d(args[0]!))]);
      case 'unaryPlus':
        return d(args[0]!);
      case 'multiply': {
        const terms = args.map((_, i) => args.reduce<MathNode>((acc, a, j) => mul(acc, i === j ? d(a) : a), new m.ConstantNode(1)));
        return op('+', 'add', terms);
      }
      case 'divide': {
        const [a, b] = args as [MathNode, MathNode];
        return op('/', 'divide', [paren(op('-', 'subtract', [mul(d(a), b), mul(a, d(b))])), paren(mul(b, b))]);
      }
      case 'pow': {
        const [a, k] = args as [MathNode, MathNode];
        if (!symbolsOf(k).has(x)) {
          const km1 = op('-', 'subtract', [paren(k), new m.ConstantNode(1)]);
          return mul(mul(k, op('^', 'pow', [paren(a), paren(km1)])), d(a));
        }
        // a^k = exp(k log a)
        const logA = new m.FunctionNode(new m.SymbolNode('log'), [a]);
        return mul(o, op('+', 'add', [mul(d(k), logA), op('/', 'divide', [paren(mul(k, d(a))), paren(a)])]));
      }
      case 'mod':
        return d(args[0]!);
    }
    return zero(); // comparisons and logic: piecewise constant
  };
  const fn = (f: M.FunctionNode): MathNode => {
    const name = f.fn.name;
    const args = f.args;
    const call = (g: string, a: MathNode[]) => new m.FunctionNode(new m.SymbolNode(g), a);
    const cond = (c: MathNode, a: MathNode, b: MathNode) => new m.ConditionalNode(c, paren(a), paren(b));
    const cmp = (o: string, f2: string, a: MathNode, b: MathNode) => op(o, f2, [paren(a), paren(b)]);
    switch (name) {
      case 'ite':
        return cond(args[0]!, d(args[1]!), d(args[2]!));
      case 'min':
      case 'max': {
        if (args.length === 1) return d(args[0]!);
        const [a, ...rest] = args as [MathNode, ...MathNode[]];
        const b = rest.length === 1 ? rest[0]! : call(name, rest);
        return name === 'min' ? cond(cmp('<=', 'smallerEq', a, b), d(a), d(b)) : cond(cmp('>=', 'largerEq', a, b), d(a), d(b));
      }
      case 'abs':
        return mul(call('sign', [args[0]!]), d(args[0]!));
      case 'pos':
        return cond(cmp('>', 'larger', args[0]!, new m.ConstantNode(0)), d(args[0]!), zero());
      case 'neg':
        return cond(cmp('<', 'smaller', args[0]!, new m.ConstantNode(0)), d(args[0]!), zero());
      case 'clip': {
        const [a, lo, hi] = args as [MathNode, MathNode, MathNode];
        return cond(cmp('<', 'smaller', a, lo), d(lo), cond(cmp('>', 'larger', a, hi), d(hi), d(a)));
      }
      case 'expm1':
        return mul(call('exp', [args[0]!]), d(args[0]!));
      case 'log1p':
        return op('/', 'divide', [paren(d(args[0]!)), paren(op('+', 'add', [new m.ConstantNode(1), paren(args[0]!)]))]);
      case 'log10':
      case 'log2': {
        const base = name === 'log10' ? Math.LN10 : Math.LN2;
        return op('/', 'divide', [paren(d(args[0]!)), paren(mul(args[0]!, new m.ConstantNode(base)))]);
      }
      case 'cbrt':
        return op('/', 'divide', [paren(d(args[0]!)), paren(mul(new m.ConstantNode(3), op('^', 'pow', [paren(call('cbrt', [args[0]!])), new m.ConstantNode(2)])))]);
      case 'pow':
        return d(op('^', 'pow', [paren(args[0]!), paren(args[1]!)]));
    }
    if (PIECEWISE_CONSTANT.has(name)) return zero();
    if (MATHJS_FUNCTIONS.has(name) && args.length === 1) {
      // chain rule around an argument mathjs cannot differentiate itself
      const outer = m.derivative(call(name, [new m.SymbolNode('__u')]), '__u', { simplify: false });
      const inner = outer.transform((k) => (k.type === 'SymbolNode' && (k as M.SymbolNode).name === '__u' ? paren(args[0]!) : k));
      return mul(inner, d(args[0]!));
    }
    throw new Error(`cannot differentiate function '${name}'`);
  };
  return d(node);
}

function isPlain(node: MathNode): boolean {
  let plain = true;
  node.traverse((n) => {
    if (!plain) return;
    if (n.type === 'ConditionalNode') plain = false;
    else if (n.type === 'OperatorNode' && !ARITHMETIC.has((n as M.OperatorNode).fn)) plain = false;
    else if (n.type === 'FunctionNode') {
      const f = n as M.FunctionNode;
      if (!MATHJS_FUNCTIONS.has(f.fn.name) || f.args.length !== 1) plain = false;
    } else if (n.type === 'ConstantNode' && typeof (n as M.ConstantNode).value !== 'number') plain = false;
  });
  return plain;
}
