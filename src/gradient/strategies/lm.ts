import { toNumber, type LossValue } from '../../loss/value.ts';
import { levenbergMarquardt } from '../../optimize/lm.ts';
import type { GradientStrategy } from '../strategy.ts';
import { NonFiniteLossError } from '../settings.ts';
import { eachStart } from './each-start.ts';

/**
 * Levenberg–Marquardt on the trace residuals the context gives (weight · (trace − target)),
 * with their Jacobian from the recorded sensitivities, one start after another. The history
 * records the user's loss, so it compares with every other method's.
 *
 * ```ts
 * const outcome = await lmStrategy.run(run); // run.ctx.residuals is required
 * ```
 */
export const lmStrategy: GradientStrategy = {
  run: async (run) => {
    const { ctx, names } = run;
    if (!ctx.residuals) throw new Error("method 'lm' needs residuals: give OptNeuron a `residuals(ist, soll)` function (fit-trace provides one)");
    const residuals = ctx.residuals;
    return eachStart(run, ({ vector, u0, options, step }) =>
      levenbergMarquardt(
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
          if (!Number.isFinite(cost)) throw new NonFiniteLossError(`gradient fitting stopped at step ${step()}: residuals not finite at ${names.map((n) => `${n} = ${params[n]}`).join(', ')}`);
          run.record([{ params, loss: toNumber(ctx.getLoss(ist, ctx.soll(0)) as LossValue) }], step());
          return { r, J };
        },
        u0,
        options,
      ),
    );
  },
};
