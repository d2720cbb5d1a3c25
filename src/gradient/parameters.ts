import { clip, forBounds, identity, type Transform } from './transforms.ts';

/**
 * How a parameter takes part in a fit (after TVB-Optim's parameter types):
 *
 * - `bounded`: fitted through a transform onto [lo, hi] ({@link forBounds}).
 * - `normalized`: fitted in units of its initial value, so parameters of very different
 *   magnitudes (a gain near 0.7 and a time constant near 100 ms) move by comparable amounts
 *   per step. Bounds, if given, still apply.
 * - `free`: fitted as is, unconstrained.
 * - `masked`: held at its initial value and left out of the optimiser's vector.
 * - `clipped`: moved in its own units and clipped to [lo, hi] (TVB-Optim's BoundedParameter)
 *   instead of squashed by a sigmoid; either bound may be infinite.
 */
export type ParameterKind = 'bounded' | 'normalized' | 'free' | 'masked' | 'clipped';

/** One parameter of a fit. */
export interface ParameterSpec {
  /** Parameter name; unique within a {@link ParameterVector}. */
  name: string;
  /** Initial value (constrained space). */
  init: number;
  /** Default: `bounded` if `lo` or `hi` is given, else `free`. */
  kind?: ParameterKind;
  /** Lower bound (may be −Infinity). `bounded` kinds use {@link forBounds}(lo, hi). */
  lo?: number;
  /** Upper bound (may be +Infinity). */
  hi?: number;
  /**
   * Overrides the automatic choice of transform (e.g. `log()`). For `normalized` parameters it
   * applies to x / init. The bounds are then only checked against `init`.
   */
  transform?: Transform;
  /** Per-parameter learning rate (jaxley's TypeOptimizer idea); see {@link ParameterVector.learningRates}. */
  learningRate?: number;
}

/** What the vector needs to know about one fitted parameter. */
interface Fitted {
  name: string;
  transform: Transform;
  /** x = scale · transform.forward(u): init for normalized parameters, 1 otherwise. */
  scale: number;
  lo: number;
  hi: number;
  learningRate: number | undefined;
}

/**
 * The vector the optimiser sees. 'masked' parameters are held at init and are not in the
 * vector. 'normalized' ones are fitted in units of their initial value (y = x / init, then
 * the transform applies to y; init must be non-zero) so that parameters of very different
 * scales get comparable steps. The inverse transform initialises u.
 *
 * ```ts
 * const pv = new ParameterVector([{ name: 'a', init: 0.02, lo: 0.01, hi: 0.1 }, { name: 'tau', init: 20, kind: 'masked' }]);
 * pv.names; // ['a']: tau is held, not fitted
 * pv.values(pv.initial()); // { a: 0.02, tau: 20 } (a up to rounding)
 * ```
 */
export class ParameterVector {
  /** Fitted (non-masked) parameter names, in the order of the optimiser's vector. */
  readonly names: string[];
  /** Length of the optimiser's vector (number of fitted parameters). */
  readonly size: number;
  private readonly fitted: Fitted[];
  /** Every parameter in spec order, with the index into u or −1 for masked ones. */
  private readonly all: { name: string; index: number; init: number }[];
  private readonly u0: Float64Array;
  private readonly kinds = new Map<string, ParameterKind>();

  /**
   * Validates the specs and works out each parameter's transform. Throws an Error naming the
   * parameter for duplicate names, a non-finite init, lo ≥ hi, init outside [lo, hi] (or on a
   * bound the transform can only approach), a normalized parameter with init 0, and an
   * unknown kind.
   */
  constructor(specs: ParameterSpec[]) {
    this.fitted = [];
    this.all = [];
    const seen = new Set<string>();
    const u0: number[] = [];
    for (const spec of specs) {
      const { name, init } = spec;
      if (typeof name !== 'string' || name === '') throw new Error(`parameter names must be non-empty strings, got ${JSON.stringify(name)}`);
      const where = `parameter '${name}'`;
      if (seen.has(name)) throw new Error(`${where} is listed twice`);
      seen.add(name);
      if (typeof init !== 'number' || !Number.isFinite(init)) throw new Error(`${where}: init must be a finite number, got ${init}`);
      const lo = spec.lo ?? -Infinity;
      const hi = spec.hi ?? Infinity;
      if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`${where}: bounds must not be NaN, got [${lo}, ${hi}]`);
      if (!(lo < hi)) throw new Error(`${where}: lo (${lo}) must be less than hi (${hi})`);
      if (init < lo || init > hi) throw new Error(`${where}: init ${init} is outside [${lo}, ${hi}]`);
      const hasBounds = spec.lo !== undefined || spec.hi !== undefined;
      const kind = spec.kind ?? (hasBounds ? 'bounded' : 'free');
      if (spec.learningRate !== undefined && !(spec.learningRate > 0 && Number.isFinite(spec.learningRate))) {
        throw new Error(`${where}: learningRate must be a positive finite number, got ${spec.learningRate}`);
      }

      this.kinds.set(name, kind);
      if (kind === 'masked') {
        this.all.push({ name, index: -1, init });
        continue;
      }

      let transform: Transform;
      let scale = 1;
      switch (kind) {
        case 'bounded':
          transform = spec.transform ?? forBounds(lo, hi);
          break;
        case 'clipped':
          transform = spec.transform ?? clip(lo, hi);
          break;
        case 'free':
          // Silently ignoring bounds would let the fit wander outside them.
          if (Number.isFinite(lo) || Number.isFinite(hi)) {
            throw new Error(`${where}: kind 'free' cannot have bounds [${lo}, ${hi}]; use 'bounded' or 'normalized'`);
          }
          transform = spec.transform ?? identity();
          break;
        case 'normalized': {
          if (init === 0) throw new Error(`${where}: a normalized parameter needs a non-zero init (it is fitted in units of init)`);
          scale = init;
          // Dividing by a negative init flips the interval.
          const a = lo / init;
          const b = hi / init;
          transform = spec.transform ?? forBounds(Math.min(a, b), Math.max(a, b));
          break;
        }
        default:
          throw new Error(`${where}: unknown kind ${JSON.stringify(kind)}`);
      }

      let u: number;
      try {
        u = transform.inverse(init / scale);
      } catch (e) {
        const onBound = init === lo || init === hi;
        const hint = onBound ? ` (init ${init} lies on a bound, which the transform only approaches; start strictly inside)` : '';
        throw new Error(`${where}: cannot initialise: ${(e as Error).message}${hint}`);
      }
      if (!Number.isFinite(u)) throw new Error(`${where}: ${transform.name}.inverse(${init / scale}) is not finite`);
      this.all.push({ name, index: this.fitted.length, init });
      this.fitted.push({ name, transform, scale, lo, hi, learningRate: spec.learningRate });
      u0.push(u);
    }
    this.names = this.fitted.map((f) => f.name);
    this.size = this.fitted.length;
    this.u0 = Float64Array.from(u0);
  }

  /** The optimiser's starting vector u0 (a fresh copy each call). */
  initial(): Float64Array {
    return this.u0.slice();
  }

  /** All parameters, masked included, in constrained space, in spec order. */
  values(u: Float64Array): Record<string, number> {
    this.checkLength('u', u);
    const out: Record<string, number> = {};
    for (const p of this.all) out[p.name] = p.index < 0 ? p.init : this.value(p.index, u[p.index]!);
    return out;
  }

  /** dx_i/du_i for each fitted parameter (the Jacobian is diagonal). */
  jacobian(u: Float64Array): Float64Array {
    this.checkLength('u', u);
    const d = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const f = this.fitted[i]!;
      d[i] = f.scale * f.transform.derivative(u[i]!);
    }
    return d;
  }

  /** Gradient w.r.t. u from a gradient w.r.t. the fitted parameter values (chain rule). */
  pullback(u: Float64Array, gradX: Float64Array): Float64Array {
    this.checkLength('gradX', gradX);
    const d = this.jacobian(u);
    for (let i = 0; i < this.size; i++) d[i] *= gradX[i]!;
    return d;
  }

  /**
   * A table of every parameter: kind, transform, start, bounds and learning rate (TVB-Optim's
   * `show_parameters`).
   *
   * ```ts
   * console.log(pv.show());
   * // name  kind     transform            start  bounds        rate
   * // a     bounded  sigmoid(0.01, 0.1)   0.02   [0.01, 0.1]   -
   * ```
   */
  show(): string {
    const rows = [['name', 'kind', 'transform', 'start', 'bounds', 'rate']];
    for (const p of this.all) {
      const f = p.index >= 0 ? this.fitted[p.index]! : undefined;
      rows.push([
        p.name,
        this.kinds.get(p.name)!,
        f ? f.transform.name + (f.scale !== 1 ? ` × ${f.scale}` : '') : 'held',
        String(p.init),
        f ? `[${f.lo}, ${f.hi}]` : '-',
        f?.learningRate !== undefined ? String(f.learningRate) : '-',
      ]);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
  }

  /** Each fitted parameter's own learning rate, or `defaultRate` where none was given. */
  learningRates(defaultRate: number): Float64Array {
    return Float64Array.from(this.fitted, (f) => f.learningRate ?? defaultRate);
  }

  private value(i: number, u: number): number {
    const f = this.fitted[i]!;
    const x = f.scale * f.transform.forward(u);
    // Scaling back by init can round one ulp past a bound that y itself respected.
    return Math.min(f.hi, Math.max(f.lo, x));
  }

  private checkLength(what: string, v: Float64Array): void {
    if (v.length !== this.size) throw new Error(`${what} has length ${v.length}, expected ${this.size} (${this.names.join(', ')})`);
  }
}

/**
 * The table of {@link ParameterVector.show} for parameter specs (TVB-Optim's `show_parameters`).
 *
 * ```ts
 * console.log(showParameters([{ name: 'gL', init: 0.3, lo: 0, hi: 1 }, { name: 'EL', init: -65, kind: 'masked' }]));
 * ```
 */
export function showParameters(specs: ParameterSpec[]): string {
  return new ParameterVector(specs).show();
}
