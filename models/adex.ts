import { defineNeuron } from '../src/model/neuron.ts';

/**
 * Adaptive exponential integrate-and-fire (Brette & Gerstner 2005, J. Neurophysiol. 94:3637),
 * with the parameters of Naud, Marcille, Clopath & Gerstner (2008), Biol. Cybern. 99:335,
 * Table 1, "adaptation" pattern: C = 200 pF, gL = 12 nS, EL = -70 mV, VT = -50 mV,
 * DeltaT = 2 mV, a = 2 nS, tauw = 300 ms, b = 60 pA, Vr = -58 mV (their stimulus: I = 500 pA).
 * Units: pF, nS, mV, ms, pA. Spikes are cut at 0 mV.
 */
export const adex = defineNeuron({
  name: 'adex',
  description: 'AdEx (Brette & Gerstner 2005), Naud et al. (2008) adapting parameters',
  parameters: { C: 200, gL: 12, EL: -70, VT: -50, DeltaT: 2, a: 2, tauw: 300, b: 60, Vr: -58, v_peak: 0, I: 0 },
  equations: `
    # the exponent is capped where v is far past the spike cut, so that rk4's trial stages stay finite
    C * dv/dt = -gL * (v - EL) + gL * DeltaT * exp(min((v - VT) / DeltaT, 40)) - w + I   : init = EL
    tauw * dw/dt = a * (v - EL) - w                                                      : init = 0
  `,
  spike: 'v >= v_peak',
  reset: 'v = Vr; w += b',
  method: 'euler',
  bounds: { C: [50, 400], gL: [2, 40], EL: [-80, -55], VT: [-60, -40], DeltaT: [0.5, 5], a: [-5, 10], tauw: [10, 500], b: [0, 200], Vr: [-75, -40] },
  units: { v: 'mV', w: 'pA', I: 'pA', C: 'pF', gL: 'nS', a: 'nS', tauw: 'ms', b: 'pA' },
});
