import { neuronStreams } from '../numeric/random.ts';
import { loadTf, type TF } from '../optimize/tf.ts';
import { ParameterVector, type ParameterSpec } from './parameters.ts';
import { lossAndGradient } from './loss-gradient.ts';
import { GRADIENT_METHODS, NonFiniteLossError, type GradientContext, type GradientMethod, type GradientOutcome, type GradientSettings, type GradientVariables } from './settings.ts';
import type { GradientRun, GradientStrategy, PointGradient } from './strategy.ts';
import type { FitState } from './callbacks.ts';
import { firstOrder } from './strategies/first-order.ts';
import { optimizerByName } from '../optimize/optimizers/by-name.ts';
import { lbfgsStrategy } from './strategies/lbfgs.ts';
import { lmStrategy } from './strategies/lm.ts';

export { GRADIENT_METHODS, NonFiniteLossError, type GradientContext, type GradientMethod, type GradientOutcome, type GradientStopReason, type GradientSettings, type GradientVariables, type ResidualSpec } from './settings.ts';

/** Gradient methods by name. A new method is one file in strategies/ and one line here (and its name in GRADIENT_METHODS). */
const strategies: Record<GradientMethod, GradientStrategy> = {
  adam: firstOrder,
  sgd: firstOrder,
  rmsprop: firstOrder,
  lbfgs: lbfgsStrategy,
  lm: lmStrategy,
};

/**
 * Fits the parameters with exact gradients: forward sensitivities for the simulation,
 * tfjs for the loss. Adam, SGD and RMSProp (tfjs optimisers) run every start as one
 * batched population; L-BFGS and Levenberg–Marquardt run the starts one after another.
 *
 * ```ts
 * const outcome = await runGradient(context, { method: 'lbfgs', iterations: 50, learningRate: 0.05, starts: [{ a: 0.02 }], callbacks: [] });
 * ```
 */
export async function runGradient<Soll>(ctx: GradientContext<Soll>, s: GradientSettings): Promise<GradientOutcome> {
  const tf = await loadTf();
  // callers check the name; this only keeps a typo from running some other method
  if (!Object.hasOwn(strategies, s.method)) throw new Error(`unknown gradient method '${s.method}' (known: ${GRADIENT_METHODS.join(', ')})`);
  return strategies[s.method].run(prepare(tf, ctx, s, parameterSpecs(ctx, s)));
}

/** Checks the settings against the fitted variables and describes each fitted parameter for {@link ParameterVector}. */
function parameterSpecs<Soll>(ctx: GradientContext<Soll>, s: GradientSettings): ParameterSpec[] {
  const fitted = ctx.variables.fitted;
  const notParameters = fitted.filter((f) => !ctx.variables.parameters.includes(f.name)).map((f) => f.name);
  if (notParameters.length > 0 || ctx.variables.expressions.length > 0) {
    throw new Error(
      `gradient fitting differentiates model parameters only; ${[...notParameters, ...ctx.variables.expressions.map((e) => e.name)].join(', ')} ` +
        'are initial values, helpers or expressions (use method tpe for them)',
    );
  }
  if (!(s.learningRate > 0)) throw new Error(`learning rate must be > 0, got ${s.learningRate}`);
  for (const [name, rate] of Object.entries(s.learningRates ?? {})) {
    if (!fitted.some((f) => f.name === name)) throw new Error(`learningRates.${name}: not a fitted parameter`);
    if (!(rate > 0)) throw new Error(`learningRates.${name} must be > 0, got ${rate}`);
  }
  for (const [name, own] of Object.entries(s.optimizers ?? {})) {
    if (!fitted.some((f) => f.name === name)) throw new Error(`optimizers.${name}: not a fitted parameter`);
    if (!['adam', 'sgd', 'rmsprop'].includes(s.method)) throw new Error(`optimizers.${name}: per-parameter optimisers apply to adam, sgd and rmsprop, not '${s.method}'`);
    const { method, ...settings } = own;
    optimizerByName(method ?? s.method, method ? settings : { ...s.optimizer, ...settings });
  }
  if (s.optimizer) {
    if (!['adam', 'sgd', 'rmsprop'].includes(s.method)) throw new Error(`optimizer settings apply to adam, sgd and rmsprop, not '${s.method}'`);
    optimizerByName(s.method, s.optimizer);
  }
  if (s.miniBatch !== undefined) {
    if (!['adam', 'sgd', 'rmsprop'].includes(s.method)) throw new Error(`miniBatch applies to adam, sgd and rmsprop (stochastic steps), not '${s.method}', whose line search or damping needs the same loss at every trial`);
    if (!Number.isInteger(s.miniBatch) || s.miniBatch < 1) throw new Error(`miniBatch must be an integer >= 1 (sweeps per step), got ${s.miniBatch}`);
  }
  if (!Number.isInteger(s.iterations) || s.iterations < 1) throw new Error(`iterations must be an integer >= 1, got ${s.iterations}`);
  for (const name of Object.keys(s.kinds ?? {})) {
    if (!fitted.some((f) => f.name === name)) throw new Error(`kinds.${name}: not a fitted parameter`);
  }
  return fitted.map((f) => {
    const kind = s.kinds?.[f.name] ?? 'bounded';
    return {
      name: f.name,
      init: (f.low + f.high) / 2,
      kind,
      // a free parameter ignores the search bounds; the others keep them
      ...(kind === 'free' ? {} : { lo: f.low, hi: f.high }),
      transform: s.transforms?.[f.name],
      learningRate: s.learningRates?.[f.name],
    };
  });
}

/** The parts every method shares: the starts' parameter vectors, batched evaluation, the NaN check, callbacks and record. */
function prepare<Soll>(tf: TF, ctx: GradientContext<Soll>, s: GradientSettings, specs: ParameterSpec[]): GradientRun<Soll> {
  const vectors = s.starts.map((start) => new ParameterVector(specs.map((spec) => ({ ...spec, init: start[spec.name] ?? spec.init }))));
  const names = vectors[0]!.names;
  const warned = new Set<string>();
  return {
    tf,
    ctx,
    settings: s,
    vectors,
    names,
    startU: vectors.map((v) => v.initial()),
    async evaluate(us, first = 0, sweeps): Promise<PointGradient[]> {
      const points = us.map((u, k) => vectors[first + k]!.values(u));
      const batch = await ctx.simulate(points, ctx.reps, names, sweeps);
      const sweepCount = batch.sweepCount;
      return points.map((params, k) => {
        let loss = 0;
        const grad = new Float64Array(names.length);
        for (let rep = 0; rep < ctx.reps; rep++) {
          const one = lossAndGradient(tf, batch.forNeuron(k * ctx.reps + rep), names, params, ctx.getLoss, ctx.soll(rep));
          loss += one.loss / ctx.reps;
          one.grad.forEach((g, p) => (grad[p]! += g / ctx.reps));
        }
        return sweeps ? { params, loss, grad, sweepCount, batch: [...sweeps] } : { params, loss, grad, sweepCount };
      });
    },
    checkFinite(r, iteration) {
      const bad = names.filter((_, p) => !Number.isFinite(r.grad[p]));
      if (!Number.isFinite(r.loss) || bad.length > 0) {
        throw new NonFiniteLossError(
          `gradient fitting stopped at step ${iteration}: ${Number.isFinite(r.loss) ? `gradient NaN for ${bad.join(', ')}` : `loss ${r.loss}`} at ` +
            names.map((n) => `${n} = ${r.params[n]}`).join(', '),
        );
      }
      names.forEach((n, p) => {
        if (iteration === 0 && r.grad[p] === 0 && !warned.has(n)) {
          warned.add(n);
          process.stderr.write(`warning: the loss does not depend on '${n}' (its gradient is exactly 0); it will not move\n`);
        }
      });
    },
    stop: (iteration, loss, params) => {
      const state: FitState = { iteration, loss, params };
      // every callback runs (a later one may still save this step), as combine() does
      const stopped = s.callbacks.map((c) => c(state)).some((x) => x === true);
      return stopped ? (state.stopReason ?? 'user stop') : undefined;
    },
    record: (points, iteration) =>
      ctx.record(points.map((p) => ({ params: ctx.variables.resolve(p.params), loss: p.loss, lossSd: 0, ...(p.batch ? { batch: p.batch } : {}) })), iteration),
  };
}

/**
 * Starting points for multi-start: the given ones first, then uniform draws inside the bounds (seeded).
 *
 * ```ts
 * const starts = startingPoints(variables, 4, [{ a: 0.02 }], 1); // the given point, then three draws
 * ```
 */
export function startingPoints(variables: Pick<GradientVariables, 'fitted'>, count: number, given: Record<string, number>[], seed: number | string): Record<string, number>[] {
  const rng = neuronStreams(`starts:${seed}`, 1)[0]!;
  const points = given.slice(0, count);
  for (const f of variables.fitted) {
    if (Number.isFinite(f.low) && Number.isFinite(f.high)) continue;
    // an open side has no middle to start from and no box to draw further starts in
    if (points.length === 0 || points.some((p) => !Number.isFinite(p[f.name]))) {
      throw new Error(`variablesBounds.${f.name} is [${f.low}, ${f.high}]: a gradient fit starts from the middle of the bounds, which has none; give initialParams: { ${f.name}: … }`);
    }
    if (count > points.length) {
      throw new Error(`variablesBounds.${f.name} is [${f.low}, ${f.high}]: further starts are drawn inside the bounds, which are open; give ${f.name} finite bounds or use starts: ${points.length}`);
    }
  }
  while (points.length < count) {
    points.push(Object.fromEntries(variables.fitted.map((f) => [f.name, f.low + (f.high - f.low) * (points.length === 0 ? 0.5 : rng())])));
  }
  return points;
}
