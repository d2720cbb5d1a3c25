/**
 * What gradient fitting knows about a trace tensor: its float64 values, d(trace)/dθ,
 * and a way to make a scalar tensor with a given value and gradient. The built-in
 * losses use it to compute value and gradient in float64 in one pass, instead of a
 * chain of float32 tensor ops and their backward passes.
 */
export interface TracedSource {
  values: Float64Array;
  /** One column per θ: d(trace)/dθ_p. */
  jacobian: Float64Array[];
  /** A scalar tensor with this value whose gradient with respect to θ is `grad`. */
  scalar(value: number, grad: Float64Array): unknown;
}

const sources = new WeakMap<object, TracedSource>();

export function registerTraced(tensor: object, source: TracedSource): void {
  sources.set(tensor, source);
}

export function tracedSource(x: unknown): TracedSource | undefined {
  return typeof x === 'object' && x !== null ? sources.get(x) : undefined;
}
