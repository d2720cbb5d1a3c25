import { defineNeuron } from '../model/neuron.ts';

/**
 * Leaky integrate-and-fire neuron.
 * Defaults: a cortical pyramidal cell as in Gerstner, Kistler, Naud & Paninski (2014),
 * Neuronal Dynamics, ch. 1: tau_m = 10 ms, rest -65 mV, R = 10 MOhm, threshold -50 mV,
 * reset to rest, 2 ms refractory. Units: mV, ms, MOhm, nA (R*I in mV).
 *
 * ```ts
 * const pop = new Population(lif).input('I', step({ amplitude: 2, start: 10, stop: 210 }));
 * const mon = new Monitor(pop, ['spike']);
 * pop.simulate(220); // mon.chunks()[0]!.spikes[0]: spike times at 2 nA
 * ```
 */
export const lif = defineNeuron({
  name: 'lif',
  description: 'leaky integrate-and-fire (Gerstner et al. 2014, Neuronal Dynamics ch. 1)',
  parameters: { tau_m: 10, EL: -65, R: 10, v_th: -50, v_reset: -65, I: 0 },
  equations: `
    tau_m * dv/dt = EL - v + R * I   : init = EL
  `,
  spike: 'v >= v_th',
  reset: 'v = v_reset',
  refractory: 2,
  method: 'euler',
  bounds: { tau_m: [2, 50], EL: [-80, -55], R: [1, 100], v_th: [-60, -35], v_reset: [-80, -50] },
  units: { v: 'mV', I: 'nA', tau_m: 'ms', EL: 'mV', R: 'MOhm', v_th: 'mV', v_reset: 'mV' },
});
