import type { Results } from '../experiment/results.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Variables } from '../fit/variables.ts';
import { neuronStreams } from '../numeric/random.ts';
import { toNumber, type LossValue } from '../loss/value.ts';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf, type TF } from './tf.ts';
import { TensorResults } from './tensor-results.ts';
import { ParameterVector, type ParameterKind, type ParameterSpec } from './parameters.ts';
import { lbfgs } from './lbfgs.ts';
import { levenbergMarquardt } from './lm.ts';
import type { Callback } from './callbacks.ts';
import type { Transform } from './transforms.ts';

/** Gradient methods OptNeuron knows. */
export const GRADIENT_METHODS = ['adam', 'sgd', 'rmsprop', 'lbfgs', 'lm'] as const;
export type GradientMethod = (typeof GRADIENT_METHODS)[number];

/** A trace residual for Levenberg–Marquardt: weight * (trace - target). */
export interface ResidualSpec {
  trace: string;
  chunk: number;
  target: ArrayLike<number>;
  weight?: number;
}

export interface GradientSettings {
  method: GradientMethod;
  /** Optimiser steps (iterations for L-BFGS and LM). */
  iterations: number;
  /** Step size in unconstrained units (Adam, SGD, RMSProp). Default 0.05. */
  learningRate: number;
  /** Per-parameter learning rates, as jaxley's TypeOptimizer. */
  learningRates?: Record<string, number>;
  /** Transforms other than the automatic one (sigmoid for [lo, hi]). */
  transforms?: Record<string, Transform>;
  /** Parameter kinds (TVB-Optim): 'bounded' (default), 'normalized' (in units of the start value), 'free', 'masked' (held at the start value). */
  kinds?: Record<string, ParameterKind>;
  /** Starting points (constrained values of the fitted parameters); their number is the number of starts. */
  starts: Record<string, number>[];
  callbacks: Callback[];
}

/** What the driver needs from OptNeuron: simulating a batch, the target, the loss, and the record of evaluations. */
export interface GradientContext<Soll> {
  variables: Variables;
  /** Simulates points (values of the fitted variables) `reps` times each, tracking d(recorded)/dθ for `theta`. */
  simulate(points: Record<string, number>[], reps: number, theta: string[]): Promise<Results>;
  reps: number;
  soll(rep: number): Soll;
  getLoss: (ist: Results, soll: Soll) => unknown;
  residuals?: (ist: Results, soll: Soll) => ResidualSpec[];
  /** Records evaluations (and writes the results file). */
  record(evaluations: Evaluation[], iteration: number): void;
}

export interface GradientOutcome {
  iterations: number;
  stoppedBy: string;
}

/**
 * Fits the parameters with exact gradients: forward sensitivities for the simulation,
 * tfjs for the loss. Adam, SGD and RMSProp (tfjs optimisers) run every start as one
 * batched population; L-BFGS and Levenberg–Marquardt run the starts one after another.
 */
export async function runGradient<Soll>(ctx: GradientContext<Soll>, s: GradientSettings): Promise<GradientOutcome> {
  const tf = await loadTf();
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
  if (!Number.isInteger(s.iterations) || s.iterations < 1) throw new Error(`iterations must be an integer >= 1, got ${s.iterations}`);
  for (const name of Object.keys(s.kinds ?? {})) {
    if (!fitted.some((f) => f.name === name)) throw new Error(`kinds.${name}: not a fitted parameter`);
  }
  const specs: ParameterSpec[] = fitted.map((f) => {
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
  // one vector per start: masked parameters are held at that start's value
  const vectors = s.starts.map((start) => new ParameterVector(specs.map((spec) => ({ ...spec, init: start[spec.name] ?? spec.init }))));
  /** The parameters the optimiser moves (masked ones are held and not differentiated). */
  const names = vectors[0]!.names;
  const startU = vectors.map((v) => v.initial());
  const warned = new Set<string>();
  /** Every value (held constants too) for the history, as a search records it. */
  const full = (params: Record<string, number>) => ctx.variables.resolve(params);

  /** Loss and d(loss)/dθ of every start at once (one batched simulation). */
  const evaluate = async (us: Float64Array[], first = 0): Promise<{ params: Record<string, number>; loss: number; grad: Float64Array }[]> => {
    const points = us.map((u, k) => vectors[first + k]!.values(u));
    const batch = await ctx.simulate(points, ctx.reps, names);
    return points.map((params, k) => {
      let loss = 0;
      const grad = new Float64Array(names.length);
      for (let rep = 0; rep < ctx.reps; rep++) {
        const one = lossAndGradient(tf, batch.forNeuron(k * ctx.reps + rep), names, params, ctx.getLoss, ctx.soll(rep));
        loss += one.loss / ctx.reps;
        one.grad.forEach((g, p) => (grad[p]! += g / ctx.reps));
      }
      return { params, loss, grad };
    });
  };

  const checkFinite = (r: { params: Record<string, number>; loss: number; grad: Float64Array }, iteration: number) => {
    const bad = names.filter((_, p) => !Number.isFinite(r.grad[p]));
    if (!Number.isFinite(r.loss) || bad.length > 0) {
      throw new Error(
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
  };

  const stop = (iteration: number, loss: number, params: Record<string, number>) =>
    s.callbacks.map((c) => c({ iteration, loss, params })).some((x) => x === true);

  if (s.method === 'lbfgs' || s.method === 'lm') {
    let iterations = 0;
    let stoppedBy = 'iterations';
    for (const [start, u0] of startU.entries()) {
      const vector = vectors[start]!;
      let step = 0;
      const iterationOptions = {
        maxIterations: s.iterations,
        onIteration: (st: { iteration: number; x: Float64Array; f: number }) => {
          step = st.iteration;
          return stop(st.iteration, st.f, vector.values(st.x));
        },
      };
      if (s.method === 'lbfgs') {
        const result = await lbfgs(
          async (u) => {
            const [r] = await evaluate([u], start);
            checkFinite(r!, step);
            ctx.record([{ params: full(r!.params), loss: r!.loss, lossSd: 0 }], step);
            return { f: r!.loss, g: vector.pullback(u, r!.grad) };
          },
          u0,
          iterationOptions,
        );
        iterations += result.iterations;
        stoppedBy = result.reason;
      } else {
        if (!ctx.residuals) throw new Error("method 'lm' needs residuals: give OptNeuron a `residuals(ist, soll)` function (fit-trace provides one)");
        const residuals = ctx.residuals;
        const result = await levenbergMarquardt(
          async (u) => {
            const params = vector.values(u);
            const batch = await ctx.simulate([params], 1, names);
            const ist = batch.forNeuron(0);
            const specsR = residuals(ist, ctx.soll(0));
            const m = specsR.reduce((n, r) => n + r.target.length, 0);
            const r = new Float64Array(m);
            const J = new Float64Array(m * names.length);
            const dxdu = vector.jacobian(u);
            let row = 0;
            for (const spec of specsR) {
              const w = spec.weight ?? 1;
              const trace = ist.trace(spec.trace, spec.chunk);
              const sens = names.map((n) => ist.sensitivity(spec.trace, n, spec.chunk));
              if (trace.length !== spec.target.length) throw new Error(`residuals: trace '${spec.trace}' has ${trace.length} samples, target ${spec.target.length}`);
              for (let k = 0; k < trace.length; k++, row++) {
                r[row] = w * (trace[k]! - spec.target[k]!);
                for (let p = 0; p < names.length; p++) J[row * names.length + p] = w * sens[p]![k]! * dxdu[p]!;
              }
            }
            const cost = 0.5 * r.reduce((a, x) => a + x * x, 0);
            if (!Number.isFinite(cost)) throw new Error(`gradient fitting stopped at step ${step}: residuals not finite at ${names.map((n) => `${n} = ${params[n]}`).join(', ')}`);
            // the history keeps the user's loss, comparable with every other method's
            ctx.record([{ params: full(params), loss: toNumber(ctx.getLoss(ist, ctx.soll(0)) as LossValue), lossSd: 0 }], step);
            return { r, J };
          },
          u0,
          iterationOptions,
        );
        iterations += result.iterations;
        stoppedBy = result.reason;
      }
    }
    return { iterations, stoppedBy };
  }

  // Adam / SGD / RMSProp: one tfjs optimiser per parameter, so each can have its own rate
  const rates = vectors[0]!.learningRates(s.learningRate);
  const make = (rate: number) =>
    s.method === 'adam' ? tf.train.adam(rate) : s.method === 'sgd' ? tf.train.sgd(rate) : tf.train.rmsprop(rate);
  const optimisers = names.map((_, p) => make(rates[p]!));
  const us = startU.map((u) => u.slice());
  const variables = names.map((_, p) => tf.variable(tf.tensor1d(us.map((u) => u[p]!)), true));
  try {
    let iteration = 0;
    for (; iteration < s.iterations; iteration++) {
      const results = await evaluate(us);
      results.forEach((r) => checkFinite(r, iteration));
      ctx.record(results.map((r) => ({ params: full(r.params), loss: r.loss, lossSd: 0 })), iteration);
      const best = results.reduce((a, b) => (b.loss < a.loss ? b : a));
      if (stop(iteration, best.loss, best.params)) return { iterations: iteration + 1, stoppedBy: 'callback' };
      const gradU = results.map((r, k) => vectors[k]!.pullback(us[k]!, r.grad));
      names.forEach((_, p) => {
        tf.tidy(() => {
          const g = tf.tensor1d(gradU.map((g) => g[p]!));
          optimisers[p]!.applyGradients([{ name: variables[p]!.name, tensor: g }]);
        });
        const updated = variables[p]!.dataSync();
        us.forEach((u, k) => (u[p] = updated[k]!));
      });
    }
    // the point the last step reached has not been evaluated yet
    const last = await evaluate(us);
    ctx.record(last.map((r) => ({ params: full(r.params), loss: r.loss, lossSd: 0 })), iteration);
    return { iterations: iteration, stoppedBy: 'iterations' };
  } finally {
    variables.forEach((v) => v.dispose());
    optimisers.forEach((o) => o.dispose());
  }
}

/** Loss and d(loss)/dθ for one neuron's results, through tfjs and the recorded sensitivities. */
function lossAndGradient<Soll>(
  tf: TF,
  results: Results,
  names: string[],
  params: Record<string, number>,
  getLoss: (ist: Results, soll: Soll) => unknown,
  soll: Soll,
): { loss: number; grad: Float64Array } {
  let out: { loss: number; grad: Float64Array } | undefined;
  tf.tidy(() => {
    const theta = tf.tensor1d(names.map((n) => params[n]!));
    const f = (th: Tensor) => {
      const ist = new TensorResults(results, tf, th, names) as unknown as Results;
      return asScalar(tf, getLoss(ist, soll));
    };
    const { value, grads } = tf.valueAndGrads(f)([theta]);
    out = { loss: value.dataSync()[0]!, grad: Float64Array.from(grads[0]!.dataSync()) };
  });
  return out!;
}

function asScalar(tf: TF, value: unknown): Tensor {
  if (value && typeof (value as Promise<unknown>).then === 'function') throw new Error('getLoss must return its value directly (not a Promise) for gradient fitting');
  const parts = Array.isArray(value) ? value : [value];
  const tensors = parts.map((v) => {
    if (v instanceof tf.Tensor) {
      if (v.size !== 1) throw new Error(`getLoss returned a tensor of shape [${v.shape}]; return a scalar`);
      return v.reshape([]);
    }
    if (typeof v === 'number') return tf.scalar(v); // a constant: contributes no gradient
    throw new Error(`getLoss returned ${typeof v}; return a tfjs scalar (or an array of them) built from ist.trace(...) for gradient fitting`);
  });
  if (tensors.every((t, k) => typeof parts[k] === 'number')) {
    throw new Error('getLoss returned plain numbers: gradient fitting needs a loss built with tfjs ops on ist.trace(...) (or the built-in mse/rmse)');
  }
  return tensors.length === 1 ? tensors[0]! : tf.addN(tensors);
}

/** Starting points for multi-start: the given ones first, then uniform draws inside the bounds (seeded). */
export function startingPoints(variables: Variables, count: number, given: Record<string, number>[], seed: number | string): Record<string, number>[] {
  const rng = neuronStreams(`starts:${seed}`, 1)[0]!;
  const points = given.slice(0, count);
  while (points.length < count) {
    points.push(Object.fromEntries(variables.fitted.map((f) => [f.name, f.low + (f.high - f.low) * (points.length === 0 ? 0.5 : rng())])));
  }
  return points;
}
