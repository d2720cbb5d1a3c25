import type { NeuronModel } from '../model/neuron.ts';
import { registerBuiltin } from '../model/builtin.ts';
import { adex } from './adex.ts';
import { hodgkinHuxley } from './hodgkin-huxley.ts';
import { izhikevich } from './izhikevich.ts';
import { lif } from './lif.ts';
import { pospischil } from './pospischil.ts';

export { adex, hodgkinHuxley, izhikevich, lif, pospischil };

/**
 * The built-in models by name, as the CLI knows them.
 *
 * ```ts
 * Object.keys(builtinModels); // ['lif', 'izhikevich', 'adex', 'hodgkin-huxley', 'pospischil-rs']
 * builtinModels['hodgkin-huxley'] === hodgkinHuxley; // true
 * ```
 */
export const builtinModels: Record<string, NeuronModel> = {
  lif,
  izhikevich,
  adex,
  'hodgkin-huxley': hodgkinHuxley,
  'pospischil-rs': pospischil,
};

for (const [name, model] of Object.entries(builtinModels)) registerBuiltin(name, model);
