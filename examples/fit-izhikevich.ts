/**
 * Fits an Izhikevich model to two recorded-style current-clamp sweeps (examples/data/,
 * steps of 10 and 15), jointly, with every default — method 'auto' (TPE explores, CMA-ES
 * converges; the search ends when it has converged), the loss and the time step chosen for
 * the data — on every core, and checks it on the held-out sweeps (steps 7 and 20).
 * The same fit from the command line:
 *   npx neurofit fit-trace --model izhikevich --data examples/data/izhikevich-rs-10.csv \
 *     --data examples/data/izhikevich-rs-15.csv --validate examples/data/izhikevich-rs-7.csv \
 *     --validate examples/data/izhikevich-rs-20.csv --fit a,b,c,d --out results/izh.json --report
 * Run: npm run example
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptNeuron, readRecording, traceFitOptions, validateOnSweeps } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const read = (amp: number) => readRecording(join(here, 'data', `izhikevich-rs-${amp}.csv`))[0]!;
const sweeps = [10, 15].map(read);

const started = performance.now();
const options = traceFitOptions({ model: izhikevich, sweeps, fit: ['a', 'b', 'c', 'd'], method: 'auto', seed: 1, workers: availableParallelism() });
const fit = await new OptNeuron(options).run({ resultsFile: 'results/fit-izhikevich.json' });
const seconds = (performance.now() - started) / 1000;

console.log(`${fit.evaluations} evaluations (auto, ${availableParallelism()} threads) in ${seconds.toFixed(1)} s, best loss ${fit.loss.toPrecision(4)}`);
console.log(`stopped: ${fit.stopReason.search}`);
if (fit.timeSteps) console.log(`time step: searched at ${fit.timeSteps.search} ms, confirmed at ${fit.timeSteps.fine} ms`);
console.log(`fitted: ${['a', 'b', 'c', 'd'].map((p) => `${p} = ${fit.params[p]!.toPrecision(4)}`).join(', ')}   (true: a = 0.02, b = 0.2, c = -65, d = 8)`);
const validation = await validateOnSweeps(izhikevich, fit.params, [10, 15, 7, 20].map(read), { timeStep: fit.timeSteps?.fine ?? 0.01 });
validation.sweeps.forEach((s, k) => {
  const label = `I = ${[10, 15, 7, 20][k]}${k < 2 ? ' (fitted)' : ' (held out)'}`;
  console.log(`  ${label}: ${s.modelSpikes} spikes vs ${s.dataSpikes}, coincidence factor ${s.gamma.toFixed(2)}, subthreshold RMSE ${s.subthresholdRmse?.toFixed(2)} mV`);
});
console.log('results: results/fit-izhikevich.json');
