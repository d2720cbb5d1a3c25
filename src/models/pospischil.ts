import { defineNeuron } from '../model/neuron.ts';

/**
 * Regular-spiking cortical pyramidal cell of Pospischil et al. (2008), "Minimal
 * Hodgkin-Huxley type models for different classes of cortical and thalamic neurons",
 * Biol. Cybern. 99:427: Na and delayed-rectifier K (Traub & Miles kinetics shifted by VT)
 * plus a slow non-inactivating M-current that makes the firing adapt. Parameters of their
 * RS cell: gleak = 2.05e-5 S/cm2, Eleak = -70.3 mV, gNa = 56 mS/cm2, gKd = 6 mS/cm2,
 * gM = 0.075 mS/cm2, tau_max = 608 ms, VT = -56.2 mV, L = d = 61.4 um, ENa = 50 mV, EK = -90 mV.
 * The injected current I is in nA, spread over the soma area (cm2). Spike: upward crossing of 0 mV.
 *
 * ```ts
 * const r = await new CurrentStep({ amplitude: 0.5, start: 100, stop: 1100 }).execute(new Population(pospischil, 1, { dt: 0.025 }));
 * r.spikes(); // adapting train under a 0.5 nA step
 * ```
 */
export const pospischil = defineNeuron({
  name: 'pospischil-rs',
  description: 'Pospischil et al. (2008) regular-spiking cell with M-current (model-reduction target)',
  parameters: {
    C: 1, gL: 0.0205, EL: -70.3, gNa: 56, ENa: 50, gKd: 6, EK: -90, gM: 0.075, tau_max: 608, VT: -56.2,
    area: Math.PI * 61.4e-4 * 61.4e-4, I: 0,
  },
  functions: `
    am(x) = -0.32 * (x - 13) / (exp(-(x - 13) / 4) - 1)
    bm(x) = 0.28 * (x - 40) / (exp((x - 40) / 5) - 1)
    ah(x) = 0.128 * exp(-(x - 17) / 18)
    bh(x) = 4 / (1 + exp(-(x - 40) / 5))
    an(x) = -0.032 * (x - 15) / (exp(-(x - 15) / 5) - 1)
    bn(x) = 0.5 * exp(-(x - 10) / 40)
    p_inf(v) = 1 / (1 + exp(-(v + 35) / 10))
    tau_p(v, tmax) = tmax / (3.3 * exp((v + 35) / 20) + exp(-(v + 35) / 20))
  `,
  equations: `
    x = v - VT
    I_Na = gNa * m^3 * h * (v - ENa)
    I_Kd = gKd * n^4 * (v - EK)
    I_M = gM * p * (v - EK)
    C * dv/dt = -gL * (v - EL) - I_Na - I_Kd - I_M + 1e-3 * I / area   : init = EL
    dm/dt = am(x) * (1 - m) - bm(x) * m             : init = am(EL - VT) / (am(EL - VT) + bm(EL - VT))
    dh/dt = ah(x) * (1 - h) - bh(x) * h             : init = ah(EL - VT) / (ah(EL - VT) + bh(EL - VT))
    dn/dt = an(x) * (1 - n) - bn(x) * n             : init = an(EL - VT) / (an(EL - VT) + bn(EL - VT))
    dp/dt = (p_inf(v) - p) / tau_p(v, tau_max)      : init = p_inf(EL)
  `,
  spike: 'v >= 0',
  method: 'rk4',
  bounds: { gL: [0.005, 0.1], EL: [-80, -60], gNa: [10, 100], gKd: [1, 20], gM: [0, 0.3], tau_max: [100, 2000], VT: [-65, -45] },
  units: { v: 'mV', I: 'nA', C: 'uF/cm2', gL: 'mS/cm2', gNa: 'mS/cm2', gKd: 'mS/cm2', gM: 'mS/cm2', area: 'cm2' },
});
