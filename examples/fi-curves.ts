/**
 * f–I curves of the built-in models, each from one batched run of the FICurve protocol.
 * Run: npm run example
 */
import { Population } from '../src/index.ts';
import { builtinModels } from '../models/index.ts';
import { FICurve } from '../experiments/index.ts';

const amplitudes: Record<string, number[]> = {
  lif: [1, 1.5, 2, 3, 4],
  izhikevich: [2, 5, 10, 15, 20],
  adex: [200, 300, 500, 700, 900],
  'hodgkin-huxley': [2, 5, 7, 10, 20],
  'pospischil-rs': [0.05, 0.1, 0.2, 0.4, 0.8],
};

for (const [name, model] of Object.entries(builtinModels)) {
  const protocol = { amplitudes: amplitudes[name]!, start: 100, stop: 1100, duration: 1200 };
  const started = performance.now();
  const results = await new FICurve(protocol).execute(new Population(model, 1, { dt: 0.01 }));
  const rates = FICurve.rates(results, protocol);
  const ms = performance.now() - started;
  const unit = model.spec.units.I ?? '';
  console.log(`${name.padEnd(15)} ${protocol.amplitudes.map((a, k) => `${a}${unit ? ' ' + unit : ''}: ${rates[k]!.toFixed(0)} Hz`).join(', ')}  (${ms.toFixed(0)} ms)`);
}
