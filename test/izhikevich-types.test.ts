import { describe } from 'vitest';
import { recoversType } from './support/izhikevich-types.ts';

// FS and LTS are in izhikevich-types-fast.test.ts: two files run on two cores
describe('every default (loss, budget, time step) recovers Izhikevich’s cortical types from steps of 10 and 15', () => {
  for (const type of ['regular spiking (RS)', 'intrinsically bursting (IB)', 'chattering (CH)']) recoversType(type);
});
