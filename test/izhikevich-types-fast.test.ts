import { describe } from 'vitest';
import { recoversType } from './support/izhikevich-types.ts';

// RS, IB and CH are in izhikevich-types.test.ts: two files run on two cores
describe('every default (loss, budget, time step) recovers Izhikevich’s fast-spiking and low-threshold types from steps of 10 and 15', () => {
  for (const type of ['fast spiking (FS)', 'low-threshold spiking (LTS)']) recoversType(type);
});
