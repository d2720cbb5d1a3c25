/**
 * Model reduction: fits AdEx (nine parameters) and Izhikevich's simple model (eight, in
 * its 2007 dimensional form) to the Pospischil et al. (2008) regular-spiking cell from 1 s current
 * steps at 1.5 and 3 times its rheobase, with neurofit's default method ('auto') on all
 * cores, then checks both on 2.25 and 1.35 times the rheobase, which the fits never saw.
 * Run: npm run example:reduce   (about a minute)
 */
import { availableParallelism } from 'node:os';
import { OptNeuron } from '../src/index.ts';
import { adex } from '../models/index.ts';
import { FITTED, RHEOBASE, UNSEEN, gammas, izhikevich2007, reductionOptions } from './reduction.ts';

const EVALUATIONS = { adex: 8000, izhikevich: 8000 };

for (const name of (process.argv[2] ? [process.argv[2]] : ['adex', 'izhikevich']) as ('adex' | 'izhikevich')[]) {
  const started = performance.now();
  const fit = await new OptNeuron(reductionOptions(name, 'auto', 1, availableParallelism())).run({ maxEvals: EVALUATIONS[name], resultsFile: `results/reduce-pospischil-${name}.json` });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${name}: ${fit.evaluations} evaluations in ${seconds.toFixed(1)} s, loss ${fit.loss.toPrecision(3)}`);
  console.log('  ' + Object.entries(fit.params).map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`).join(', '));
  const model = name === 'adex' ? adex : izhikevich2007;
  const amplitudes = [...FITTED, ...UNSEEN];
  const scores = await gammas(model, fit.params, amplitudes);
  scores.forEach((s, k) => {
    const label = `${(amplitudes[k]! / RHEOBASE).toFixed(2)} x rheobase${k >= FITTED.length ? ' (unseen)' : ''}`;
    console.log(`  ${label}: Γ ${s.gamma.toFixed(2)}, ${s.spikes} spikes vs ${s.target}`);
  });
}
