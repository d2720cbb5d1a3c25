import { defineNeuron } from '../model/neuron.ts';

/**
 * Adaptive exponential integrate-and-fire (Brette & Gerstner 2005, J. Neurophysiol. 94:3637),
 * with the parameters of Naud, Marcille, Clopath & Gerstner (2008), Biol. Cybern. 99:335,
 * Table 1, "adaptation" pattern: C = 200 pF, gL = 12 nS, EL = -70 mV, VT = -50 mV,
 * DeltaT = 2 mV, a = 2 nS, tauw = 300 ms, b = 60 pA, Vr = -58 mV (their stimulus: I = 500 pA).
 * Units: pF, nS, mV, ms, pA.
 *
 * A spike is cut at v_peak (0 mV) or at VT + 5 DeltaT, whichever is lower (Brian's
 * `Vcut`): past VT + 5 DeltaT the exponential has taken over and v reaches 0 mV within
 * about 0.1 ms, but integrating that blow-up with fixed steps is what makes spike times
 * depend on dt. Measured on a fitted reduction (20 spikes in 1 s): Euler at dt 0.05 ms is
 * within 2.5 ms of dt 0.001 with this cut, 7.5 ms (and one spike lost) with the cut at
 * 0 mV; rk4 and midpoint go from hundreds of ms wrong to within 0.75 ms.
 *
 * ```ts
 * const r = await new CurrentStep({ amplitude: 500, start: 50, stop: 550 }).execute(new Population(adex));
 * r.spikes(); // adapting train under a 500 pA step
 * ```
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
  spike: 'v >= min(v_peak, VT + 5 * DeltaT)',
  reset: 'v = Vr; w += b',
  method: 'euler',
  bounds: { C: [50, 400], gL: [2, 40], EL: [-80, -55], VT: [-60, -40], DeltaT: [0.5, 5], a: [-5, 10], tauw: [10, 500], b: [0, 200], Vr: [-75, -40] },
  units: { v: 'mV', w: 'pA', I: 'pA', C: 'pF', gL: 'nS', a: 'nS', tauw: 'ms', b: 'pA' },
});
