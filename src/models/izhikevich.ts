import { defineNeuron } from '../model/neuron.ts';

/**
 * Izhikevich (2003), "Simple model of spiking neurons", IEEE Trans. Neural Netw. 14:1569.
 * Defaults: the regular-spiking (RS) cell, a = 0.02, b = 0.2, c = -65, d = 8;
 * v in mV, t in ms, I in the model's own (dimensionless) current units.
 *
 * ```ts
 * const r = await new CurrentStep({ amplitude: 10, start: 50, stop: 550 }).execute(new Population(izhikevich));
 * r.spikes(); // regular spiking under a 10-unit step
 * ```
 */
export const izhikevich = defineNeuron({
  name: 'izhikevich',
  description: 'Izhikevich (2003) simple model, regular-spiking defaults',
  parameters: { a: 0.02, b: 0.2, c: -65, d: 8, I: 0 },
  equations: `
    dv/dt = 0.04 * v^2 + 5 * v + 140 - u + I   : init = -65
    du/dt = a * (b * v - u)                    : init = b * (-65)
  `,
  spike: 'v >= 30',
  reset: 'v = c; u += d',
  method: 'euler',
  bounds: { a: [0.005, 0.15], b: [0.1, 0.3], c: [-75, -45], d: [0.5, 10] },
  units: { v: 'mV', u: 'mV/ms' },
});
