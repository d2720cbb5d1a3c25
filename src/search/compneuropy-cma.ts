import type { CMAESOptions } from './cmaes.ts';

/** deap `cma.Strategy` keywords CompNeuroPy passes through `cma_params_dict`, and what they are here. */
const KNOWN: Record<string, keyof CMAESOptions> = {
  lambda_: 'popSize',
  popSize: 'popSize',
  sigma: 'sigma0',
  sigma0: 'sigma0',
  restarts: 'restarts',
};

/**
 * CompNeuroPy's `cma_params_dict` (deap's `cma.Strategy` keywords) as CMA-ES options:
 * `lambda_` → popSize, `sigma` → sigma0 (a fraction of each parameter's range, as the search
 * runs in unit coordinates). deap's learning rates (`cs`, `damps`, `ccum`, `ccov1`, `ccovmu`,
 * `mu`, `weights`) are refused by name rather than ignored: this CMA-ES sets them from the
 * population size, as Hansen's defaults.
 *
 * ```ts
 * cmaesOptionsFromCompNeuroPy({ lambda_: 20, sigma: 0.2 }); // { popSize: 20, sigma0: 0.2 }
 * ```
 */
export function cmaesOptionsFromCompNeuroPy(dict: Record<string, unknown>): CMAESOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dict)) {
    const mapped = KNOWN[key];
    if (!mapped) {
      throw new Error(`cma_params_dict: '${key}' is not supported (supported: lambda_ → popSize, sigma → sigma0, restarts); deap's cs, damps, ccum, ccov1, ccovmu, mu and weights follow from the population size here`);
    }
    out[mapped] = value;
  }
  return out as CMAESOptions;
}
