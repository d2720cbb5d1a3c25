/**
 * A fit as a module, for `neurofit fit`: reduce the Hodgkin–Huxley model to an
 * Izhikevich neuron with a current gain k, on an f–I protocol. The module
 * default-exports OptNeuron's options (CompNeuroPy's opt_neuron arguments, camelCase).
 * Run: npx neurofit fit examples/hh-to-izhikevich.fit.ts   (auto, 3,000 evaluations on all cores, about 8 s)
 */
import { defineNeuron, Experiment, Population, step, spikeTimeDistance, type Results, type OptNeuronOptions } from 'neurofit';
import { hodgkinHuxley } from 'neurofit/models';

const izhikevichWithGain = defineNeuron({
  name: 'izhikevich-gain',
  parameters: { a: 0.02, b: 0.2, c: -65, d: 8, k: 1, I: 0 },
  equations: `
    dv/dt = 0.04 * v^2 + 5 * v + 140 - u + k * I   : init = -65
    du/dt = a * (b * v - u)                        : init = -13
  `,
  spike: 'v >= 30',
  reset: 'v = c; u += d',
});

const AMPLITUDES = [7, 10, 15, 20]; // uA/cm2: HH fires repetitively above about 6.2

class FICurve extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['spike']);
    AMPLITUDES.forEach((amplitude, k) => {
      if (k > 0) this.reset();
      pop.input('I', step({ amplitude, start: 50, stop: 550 }));
      this.simulate(600);
    });
    return this.results();
  }
}

/** Spike times per amplitude, paired in order: smooth in the parameters while counts agree. */
function getLoss(ist: Results, soll: Results): number[] {
  return AMPLITUDES.map((_, k) => spikeTimeDistance(ist.spikes(k), soll.spikes(k), 20));
}

const options: OptNeuronOptions<Results> = {
  experiment: new FICurve(),
  getLoss,
  neuronModel: izhikevichWithGain,
  targetNeuronModel: hodgkinHuxley,
  variablesBounds: { a: [0.01, 0.15], b: [0.1, 0.3], c: [-70, -45], d: [0.5, 8], k: [0.5, 5] },
  timeStep: 0.01,
};
export default options;
