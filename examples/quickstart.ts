/**
 * The README's worked example: define a model from equation strings, write an
 * Experiment, run it on a batch of three parameter sets.
 * Run: npx tsx examples/quickstart.ts
 */
import { defineNeuron, Experiment, Population, step, type Results } from '../src/index.ts';

// Izhikevich (2003) in the ANNarchy style: equations, spike condition, reset.
const izhikevich = defineNeuron({
  name: 'izhikevich',
  parameters: { a: 0.02, b: 0.2, c: -65, d: 8, I: 0 },
  equations: `
    dv/dt = 0.04 * v^2 + 5 * v + 140 - u + I   : init = -65
    du/dt = a * (b * v - u)                    : init = -13
  `,
  spike: 'v >= 30',
  reset: 'v = c; u += d',
  method: 'euler',
});

// A protocol: two current steps, each from rest (a reset starts a new chunk).
class TwoSteps extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v', 'spike']);
    for (const [k, amplitude] of [5, 10].entries()) {
      if (k > 0) this.reset();
      pop.input('I', step({ amplitude, start: 100, stop: 900 }));
      this.simulate(1000);
    }
    this.data.amplitudes = [5, 10];
    return this.results();
  }
}

// Three parameter sets simulated together as one batch.
const pop = new Population(izhikevich, 3, { dt: 0.1 });
pop.set({ a: [0.02, 0.02, 0.1], d: [8, 2, 2] }); // regular spiking, weaker adaptation, fast recovery
const results = await new TwoSteps().execute(pop);
for (let i = 0; i < 3; i++) {
  const r = results.forNeuron(i);
  console.log(`neuron ${i}: spikes at I=5: ${r.spikes(0).length}, at I=10: ${r.spikes(1).length}, v(500 ms) = ${r.trace('v', 1)[5000]!.toFixed(1)} mV`);
}
