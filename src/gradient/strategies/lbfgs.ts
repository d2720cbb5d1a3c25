import { lbfgs } from '../../optimize/lbfgs.ts';
import type { GradientStrategy } from '../strategy.ts';
import { eachStart } from './each-start.ts';

/**
 * L-BFGS on the loss, one start after another, in unconstrained units (the gradient pulled
 * back through each parameter's transform).
 *
 * ```ts
 * const outcome = await lbfgsStrategy.run(run);
 * ```
 */
export const lbfgsStrategy: GradientStrategy = {
  run: (run) =>
    eachStart(run, ({ index, vector, u0, options, step }) =>
      lbfgs(
        async (u) => {
          const [r] = await run.evaluate([u], index);
          run.checkFinite(r!, step());
          run.record([r!], step());
          return { f: r!.loss, g: vector.pullback(u, r!.grad) };
        },
        u0,
        options,
      ),
    ),
};
