import type { NeuronModel } from '../src/model/neuron.ts';
import { adex } from './adex.ts';
import { hodgkinHuxley } from './hodgkin-huxley.ts';
import { izhikevich } from './izhikevich.ts';
import { lif } from './lif.ts';
import { pospischil } from './pospischil.ts';

export { adex, hodgkinHuxley, izhikevich, lif, pospischil };

/** The built-in models by name, as the CLI knows them. */
export const builtinModels: Record<string, NeuronModel> = {
  lif,
  izhikevich,
  adex,
  'hodgkin-huxley': hodgkinHuxley,
  'pospischil-rs': pospischil,
};
