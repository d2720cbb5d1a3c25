import { seededStream, type StatefulUniform } from '../numeric/random.ts';
import { checkAskCount, checkState, TrialLog, type Sampler, type SamplerOptions, type SamplerState, type Trial } from './sampler.ts';
import { samplePrior, validateSpace, type Point, type Space } from './space.ts';

/**
 * Random search: every suggestion is an independent draw from the prior. The baseline any
 * model-based method has to beat, and the right choice when evaluations are so cheap or so
 * many in parallel that modelling does not pay.
 *
 * ```ts
 * const rs = new RandomSearch({ a: uniform(0.01, 0.1), d: loguniform(1, 10) }, { seed: 1 });
 * const points = rs.ask(8);
 * rs.tell(points, points.map(loss));
 * rs.best(); // { params: { a, d }, loss, ok: true }
 * ```
 */
export class RandomSearch implements Sampler {
  private readonly log: TrialLog;
  private readonly rng: StatefulUniform;

  /** Throws if the space is invalid (see {@link validateSpace}). */
  constructor(
    private readonly space: Space,
    options: SamplerOptions = {},
  ) {
    validateSpace(space);
    this.log = new TrialLog(space);
    if (options.state) {
      checkState(options.state, 'random');
      this.rng = seededStream(0, options.state.rng, 'random');
      this.log.tell(options.state.trials.map((t) => t.params), options.state.trials.map((t) => t.loss as number));
    } else {
      this.rng = seededStream(options.seed ?? 0);
    }
  }

  /** The trials and the stream's position. */
  state(): SamplerState {
    return { kind: 'random', trials: this.log.state(), rng: this.rng.state() };
  }

  /** Every trial told, in the order told. */
  get trials(): readonly Trial[] {
    return this.log.trials;
  }

  /** n independent draws from the prior. */
  ask(n: number): Point[] {
    checkAskCount(n);
    const points: Point[] = [];
    for (let i = 0; i < n; i++) points.push(samplePrior(this.space, this.rng));
    return points;
  }

  /** Records the results; they do not influence later suggestions. */
  tell(params: Point[], losses: number[]): void {
    this.log.tell(params, losses);
  }

  /** Best ok trial so far (undefined if none). */
  best(): Trial | undefined {
    return this.log.best();
  }
}
