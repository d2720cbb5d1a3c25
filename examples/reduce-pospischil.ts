/**
 * Model reduction: fits an AdEx neuron so that it reproduces the Pospischil et al. (2008)
 * regular-spiking cell (Na, K, M-current) on current steps of 0.15, 0.3 and 0.6 nA, then
 * checks it on 0.45 nA, which the fit never saw. The protocol is written in nA and
 * converted to each model's own current unit.
 * Run: npx tsx examples/reduce-pospischil.ts
 */
import { Experiment, OptNeuron, Population, step, sweepLoss, coincidenceFactor, type Results } from '../src/index.ts';
import { adex, pospischil } from '../models/index.ts';

const START = 100;
const STOP = 600;

class Steps extends Experiment {
  constructor(readonly amplitudesNA: number[]) {
    super();
  }
  run(pop: Population): Results {
    const perNA = pop.model.spec.units.I === 'pA' ? 1000 : 1;
    this.monitors.add(['v', 'spike'], { period: 0.1 });
    this.amplitudesNA.forEach((amplitude, k) => {
      if (k > 0) this.reset();
      pop.input('I', step({ amplitude: amplitude * perNA, start: START, stop: STOP }));
      this.simulate(STOP + START);
    });
    return this.results();
  }
}

const view = (r: Results, k: number) => ({ times: r.times(k), v: r.trace('v', k), spikes: r.spikes(k) });
const getLoss = (ist: Results, soll: Results) => [0, 1, 2].map((k) => sweepLoss(view(ist, k), view(soll, k)));

const started = performance.now();
const opt = new OptNeuron<Results>({
  experiment: new Steps([0.15, 0.3, 0.6]),
  getLoss,
  neuronModel: adex,
  targetNeuronModel: pospischil,
  variablesBounds: {
    C: [50, 300], gL: [2, 30], EL: [-80, -60], VT: [-60, -40], DeltaT: [0.5, 5],
    a: [0, 10], tauw: [20, 600], b: [0, 150], Vr: [-75, -45],
  },
  timeStep: 0.05,
  method: 'tpe',
  seed: 3,
});
const fit = await opt.run({ maxEvals: 2000, resultsFile: 'results/reduce-pospischil.json' });
console.log(`${fit.evaluations} evaluations in ${((performance.now() - started) / 1000).toFixed(1)} s, best loss ${fit.loss.toPrecision(4)}`);
console.log('AdEx: ' + Object.entries(fit.params).map(([k, v]) => `${k} = ${v.toPrecision(4)}`).join(', '));

// the check on all amplitudes, the unseen 0.45 nA among them
const amplitudes = [0.15, 0.3, 0.45, 0.6];
const run = async (model: typeof adex, params: Record<string, number> = {}) => {
  const pop = new Population(model, 1, { dt: 0.05 });
  pop.set(params).reset();
  return new Steps(amplitudes).execute(pop);
};
const target = await run(pospischil);
const reduced = await run(adex, fit.params);
amplitudes.forEach((amp, k) => {
  const gamma = coincidenceFactor(reduced.spikes(k), target.spikes(k), STOP - START);
  console.log(`  ${amp} nA${amp === 0.45 ? ' (unseen)' : ''}: ${reduced.spikes(k).length} spikes vs ${target.spikes(k).length}, coincidence factor ${gamma.toFixed(2)}`);
});
