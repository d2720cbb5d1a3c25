/**
 * Mini-batches in a gradient fit: Adam (200 steps, learning rate 0.05) recovering τ and R of
 * a leaky membrane from 8 step sweeps of 100 ms (dt 0.05 ms), with every sweep per step and
 * with 2 drawn per step (`miniBatch: 2`). Prints the median wall time of 3 fits each and the
 * relative error of each parameter; the last line is one JSON object.
 */
import { defineNeuron, Experiment, OptNeuron, Population, step, mse, type Results, type OptNeuronOptions } from '../src/index.ts';
import { median } from '../src/numeric/quantile.ts';

const leaky = defineNeuron({ name: 'leaky', parameters: { tau: 10, R: 5, EL: -70, I: 0 }, equations: 'dv/dt = (EL - v + R * I) / tau : init = -70' });
const AMPLITUDES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const truth = { tau: 12, R: 6 };

class Steps extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v']);
    for (const k of this.sweepsToRun(AMPLITUDES.length)) {
      pop.input('I', step({ amplitude: AMPLITUDES[k]!, start: 10, stop: 80 }));
      this.simulate(100);
      this.reset();
    }
    return this.results();
  }
}

const pop = new Population(leaky, 1, { dt: 0.05 });
pop.set(truth).reset();
const target = await new Steps().execute(pop);
const options: OptNeuronOptions<Float64Array[]> = {
  experiment: new Steps(),
  neuronModel: leaky,
  resultsSoll: AMPLITUDES.map((_, k) => target.trace('v', k).slice()),
  getLoss: (ist: Results, soll: Float64Array[]) => ist.sweeps.map((k, j) => mse(ist.trace('v', j), soll[k]!)) as never,
  variablesBounds: { tau: [5, 30], R: [2, 10] },
  method: 'adam',
  learningRate: 0.05,
  iterations: 200,
  timeStep: 0.05,
};

async function measure(miniBatch?: number): Promise<{ ms: number; error: number }> {
  const times: number[] = [];
  let error = NaN;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const fit = await new OptNeuron({ ...options, ...(miniBatch ? { miniBatch } : {}) }).run({ resultsFile: false });
    times.push(performance.now() - t0);
    error = Math.max(...Object.entries(truth).map(([p, v]) => Math.abs(fit.params[p]! - v) / v));
  }
  return { ms: median(times), error };
}

const full = await measure();
const mini = await measure(2);
console.log(`full batch (8 sweeps per step): ${full.ms.toFixed(0)} ms, max relative error ${full.error.toExponential(2)}`);
console.log(`mini-batch (2 sweeps per step): ${mini.ms.toFixed(0)} ms, max relative error ${mini.error.toExponential(2)}`);
console.log(JSON.stringify({ full_ms: Math.round(full.ms), minibatch2_ms: Math.round(mini.ms), full_max_rel_error: full.error, minibatch2_max_rel_error: mini.error }));
