import type { Sampler, SamplerOptions } from './sampler.ts';
import type { Space } from './space.ts';
import { RandomSearch } from './random.ts';
import { TPE } from './tpe/index.ts';
import { CMAES } from './cmaes.ts';
import { AutoSampler } from './auto.ts';

/**
 * Black-box methods by name. A new method is one file and one line here; the driver only sees `Sampler`.
 *
 * ```ts
 * Object.keys(samplers); // ['tpe', 'random', 'cmaes', 'auto']
 * const sampler = samplers['cmaes']!({ a: uniform(0.01, 0.1) }, { seed: 1 });
 * ```
 */
export const samplers: Record<string, (space: Space, options: SamplerOptions) => Sampler> = {
  tpe: (space, options) => new TPE(space, options),
  random: (space, options) => new RandomSearch(space, options),
  cmaes: (space, options) => new CMAES(space, options),
  auto: (space, options) => new AutoSampler(space, options),
};
