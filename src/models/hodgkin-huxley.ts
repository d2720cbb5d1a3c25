import { defineNeuron } from '../model/neuron.ts';

/**
 * Hodgkin & Huxley (1952), J. Physiol. 117:500, squid giant axon, in the modern
 * convention with rest near -65 mV (as in Dayan & Abbott 2001, ch. 5): C = 1 uF/cm2,
 * gNa = 120, gK = 36, gL = 0.3 mS/cm2, ENa = 50, EK = -77, EL = -54.387 mV.
 * Current densities in uA/cm2. No reset: a spike is an upward crossing of 0 mV.
 * Gates start at their steady state at -65 mV.
 *
 * ```ts
 * const r = await new CurrentStep({ amplitude: 10, start: 10, stop: 110 }).execute(new Population(hodgkinHuxley, 1, { dt: 0.01 }));
 * r.spikes(); // spike times (ms) under 10 uA/cm2
 * ```
 */
export const hodgkinHuxley = defineNeuron({
  name: 'hodgkin-huxley',
  description: 'Hodgkin & Huxley (1952), rest near -65 mV',
  parameters: { C: 1, gNa: 120, gK: 36, gL: 0.3, ENa: 50, EK: -77, EL: -54.387, I: 0 },
  functions: `
    am(v) = 0.1 * (v + 40) / (1 - exp(-(v + 40) / 10))
    bm(v) = 4 * exp(-(v + 65) / 18)
    ah(v) = 0.07 * exp(-(v + 65) / 20)
    bh(v) = 1 / (1 + exp(-(v + 35) / 10))
    an(v) = 0.01 * (v + 55) / (1 - exp(-(v + 55) / 10))
    bn(v) = 0.125 * exp(-(v + 65) / 80)
  `,
  equations: `
    C * dv/dt = I - gNa * m^3 * h * (v - ENa) - gK * n^4 * (v - EK) - gL * (v - EL)   : init = -65
    dm/dt = am(v) * (1 - m) - bm(v) * m     : init = am(-65) / (am(-65) + bm(-65))
    dh/dt = ah(v) * (1 - h) - bh(v) * h     : init = ah(-65) / (ah(-65) + bh(-65))
    dn/dt = an(v) * (1 - n) - bn(v) * n     : init = an(-65) / (an(-65) + bn(-65))
  `,
  spike: 'v >= 0',
  method: 'rk4',
  bounds: { C: [0.5, 2], gNa: [50, 200], gK: [10, 80], gL: [0.05, 1], ENa: [40, 60], EK: [-90, -65], EL: [-70, -45] },
  units: { v: 'mV', I: 'uA/cm2', C: 'uF/cm2', gNa: 'mS/cm2', gK: 'mS/cm2', gL: 'mS/cm2' },
});
