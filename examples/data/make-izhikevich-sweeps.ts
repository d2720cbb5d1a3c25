/**
 * Writes the recorded-style sweeps that examples/fit-izhikevich.ts fits (steps of 10 and
 * 15) and two held out for validation (7 and 20): an Izhikevich regular-spiking cell
 * (a, b, c, d = 0.02, 0.2, -65, 8) with current steps from 100 to 900 ms, simulated at dt 0.01 ms, sampled every 0.1 ms with spike peaks at
 * +30 mV and 0.2 mV recording noise. Run: npx tsx examples/data/make-izhikevich-sweeps.ts
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { izhikevich } from '../../src/models/index.ts';
import { syntheticSweeps } from '../../src/io/synthetic.ts';
import { writeSweepCsv } from '../../src/io/recording.ts';

const here = dirname(fileURLToPath(import.meta.url));
const sweeps = syntheticSweeps(izhikevich, {
  amplitudes: [10, 15, 7, 20],
  start: 100,
  stop: 900,
  duration: 1000,
  dt: 0.01,
  sampleDt: 0.1,
  peak: 30,
  noise: 0.2,
  seed: 1,
});
for (const [k, amplitude] of [10, 15, 7, 20].entries()) {
  const file = join(here, `izhikevich-rs-${amplitude}.csv`);
  writeSweepCsv(file, sweeps[k]!, 3);
  console.log(`${file}: ${sweeps[k]!.t.length} samples, ${sweeps[k]!.spikes!.length} spikes`);
}
