import type { MathNode } from './mathjs.ts';
import { symbolsOf } from './parse.ts';
import type { ModelSpec } from './types.ts';

/** For each algebraic variable, every algebraic variable it reads, directly or not. */
export function algebraicClosure(spec: ModelSpec): Map<string, Set<string>> {
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

/** The algebraic variables `nodes` read, directly or through other algebraic variables. */
export function neededAlgebraics(nodes: MathNode[], closure: Map<string, Set<string>>): Set<string> {
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
