import { CMAES } from './cmaes.ts';
import { TPE } from './tpe/index.ts';
import { checkAskCount, checkState, TrialLog, type Sampler, type SamplerOptions, type SamplerState, type Trial } from './sampler.ts';
import { validateSpace, type Point, type Space } from './space.ts';

export interface AutoOptions extends SamplerOptions {
  /**
   * Evaluations of the TPE exploration before CMA-ES takes over. Default max(50, 75 per
   * dimension): with 25, CMA-ES started outside the basin of Izhikevich's bursting types
   * (IB, CH) for 1–2 of seeds 1–5 and its restarts did not find it; with 75, 4–5 of 5.
   */
  explore?: number;
  /** CMA-ES's initial step size, in the unit cube of the bounds, around the exploration's best point. Default 0.2. */
  sigma0?: number;
  /**
   * IPOP restarts in a row that do not improve the best loss after which the search has
   * converged (see {@link CMAES.converged}). Default 2: one restart in a wrong basin is common on
   * bursting cells, two in a row without a better point rarely precede one. Infinity: never.
   */
  patience?: number;
}

/**
 * neurofit's default search: a short TPE exploration of the whole box finds a basin,
 * then IPOP-CMA-ES starts from its best point and converges (restarting with a larger
 * population elsewhere when it stalls).
 *
 * Why: TPE alone models every dimension separately and stops improving at a resolution
 * far coarser than spike times need (Izhikevich recovery: TPE Γ 0.2 after 500
 * evaluations); CMA-ES learns the correlations between parameters and reaches Γ 1.0 on
 * the same problem in 2,000. Why the TPE phase (measured, seeds 1–5): reducing the
 * Pospischil cell to Izhikevich's 2007 model, CMA-ES from the middle of the bounds ends
 * in a poor basin for every seed (loss 3.7–26.5) and with the TPE start for four of five
 * (1.55–1.89); on the AdEx reduction and the Izhikevich recovery the two are equal. The
 * price, on Schwefel's deceptive test function (4-D), is 8 of 20 seeds solved instead of
 * 18: CMA-ES starts inside the basin TPE found. A space with a `choice` dimension is
 * searched by TPE alone (CMA-ES needs ordered, continuous dimensions).
 *
 * ```ts
 * const auto = new AutoSampler({ a: uniform(0.01, 0.1), d: loguniform(1, 10) }, { seed: 1, explore: 100 });
 * const points = auto.ask(4); // TPE's for the first 100 evaluations, then CMA-ES's
 * auto.tell(points, points.map(loss));
 * ```
 */
interface AutoState extends SamplerState {
  explored: number;
  /** The seed CMA-ES will take when it begins. */
  seed: string;
  tpe: { kind: string; [own: string]: unknown };
  cmaes: { kind: string; [own: string]: unknown } | null;
}

export class AutoSampler implements Sampler {
  private readonly log: TrialLog;
  private readonly tpe: TPE;
  private cmaes: CMAES | undefined;
  private readonly explore: number;
  private readonly seed: string;

  constructor(
    private readonly space: Space,
    private readonly options: AutoOptions = {},
  ) {
    validateSpace(space);
    this.log = new TrialLog(space);
    // CMA-ES cannot search unordered categories: with any, TPE does the whole search
    const categorical = Object.values(space).some((dim) => dim.kind === 'choice');
    this.explore = categorical ? Infinity : (options.explore ?? Math.max(50, 75 * Object.keys(space).length));
    const state = options.state as AutoState | undefined;
    this.seed = state ? String(state.seed) : String(options.seed ?? 0);
    if (!state) {
      this.tpe = new TPE(space, { seed: `${options.seed ?? 0}/explore` });
      return;
    }
    checkState(state, 'auto');
    const explored = state.cmaes ? state.explored : state.trials.length;
    if (!Number.isInteger(explored) || explored < 0 || explored > state.trials.length) throw new Error(`auto: cannot restore from a state whose exploration count is ${String(state.explored)}`);
    this.log.tell(state.trials.map((t) => t.params), state.trials.map((t) => t.loss as number));
    // each sub-sampler was told a contiguous part of the trials: TPE until CMA-ES began, CMA-ES since
    this.tpe = new TPE(space, { state: { ...state.tpe, trials: state.trials.slice(0, explored) } });
    if (state.cmaes) this.cmaes = new CMAES(space, { ...this.cmaesOptions(), state: { ...state.cmaes, trials: state.trials.slice(explored) } });
  }

  /** The trials once, the phase (how many TPE was told), and both sub-samplers' states without their trials. */
  state(): SamplerState {
    const { trials: _t, ...tpe } = this.tpe.state();
    const cmaes = this.cmaes ? (({ trials: _c, ...rest }) => rest)(this.cmaes.state()) : null;
    return { kind: 'auto', trials: this.log.state(), seed: this.seed, explored: this.log.trials.length - (this.cmaes?.trials.length ?? 0), tpe, cmaes };
  }

  get trials(): readonly Trial[] {
    return this.log.trials;
  }

  best(): Trial | undefined {
    return this.log.best();
  }

  /** CMA-ES's population once it runs; the exploration takes any batch. */
  get preferredBatch(): number | undefined {
    return this.cmaes?.preferredBatch;
  }

  ask(n: number): Point[] {
    checkAskCount(n);
    const points: Point[] = [];
    const exploring = Math.max(0, Math.min(n, this.explore - this.log.trials.length));
    if (exploring > 0) points.push(...this.tpe.ask(exploring));
    if (points.length < n) points.push(...this.refiner().ask(n - points.length));
    return points;
  }

  tell(params: Point[], losses: number[]): void {
    this.log.tell(params, losses);
    if (this.cmaes) this.cmaes.tell(params, losses);
    else this.tpe.tell(params, losses);
  }

  private refiner(): CMAES {
    if (!this.cmaes) {
      const best = this.log.best();
      this.cmaes = new CMAES(this.space, { ...this.cmaesOptions(), seed: `${this.seed}/cmaes`, x0: best?.params });
    }
    return this.cmaes;
  }

  private cmaesOptions() {
    return { sigma0: this.options.sigma0 ?? 0.2, patience: this.options.patience ?? 2 };
  }

  /** CMA-ES's verdict once it runs (a TPE-only search never converges on its own). */
  converged(): string | undefined {
    return this.cmaes?.converged();
  }
}
