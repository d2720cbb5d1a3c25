/**
 * The API recipe for fitting a recording with OptNeuron directly, without traceFitOptions:
 * a replay experiment drives the model with the recorded current, getLoss compares each
 * chunk (sweep) with the recording through sweepLoss. README: "Fitting a recording with
 * OptNeuron". Run: npx tsx examples/fit-recording-api.ts
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptNeuron, checkSweeps, detectSpikes, readRecording, sweepLoss, type FitResult, type Results, type SweepTrace } from '../src/index.ts';
import { izhikevich } from '../models/index.ts';
import { ReplaySweeps } from '../experiments/index.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Fits a, b, c, d of an Izhikevich neuron to the 10 and 15 sweeps in examples/data. */
export async function fitRecording(o: { maxEvals: number; seed: number; resultsFile?: string | false }): Promise<FitResult> {
  // 1. The recording, in ms and mV; its current column must be in the model's current unit
  //    (izhikevich: its own dimensionless unit; adex: pA). Check it before any simulation.
  const sweeps = [10, 15].map((amp) => readRecording(join(here, 'data', `izhikevich-rs-${amp}.csv`))[0]!);
  for (const w of checkSweeps(sweeps, { threshold: -20 })) console.warn(`warning: ${w.message}`);

  // 2. The target: each sweep's voltage and spike times, on its own time axis from 0.
  const targets: SweepTrace[] = sweeps.map((s) => {
    const times = s.t.map((t) => t - s.t[0]!);
    return { times, v: s.v, spikes: detectSpikes(times, s.v, -20) };
  });

  // 3. The experiment replays the recorded current, one sweep per chunk, recording v (and
  //    spikes) at the data's sampling interval, so model and data share their time points.
  const experiment = new ReplaySweeps(sweeps.map((s) => ({ I: s.I, sampleDt: s.sampleDt })));

  // 4. getLoss sees one neuron's Results; one loss term per sweep (an array is summed).
  const getLoss = (ist: Results, soll: SweepTrace[]) =>
    soll.map((target, k) => sweepLoss({ times: target.times, v: ist.trace('v', k), spikes: ist.spikes(k) }, target));

  const opt = new OptNeuron({
    experiment,
    getLoss,
    neuronModel: izhikevich,
    resultsSoll: targets,
    variablesBounds: { a: [0.005, 0.1], b: [0.1, 0.3], c: [-75, -45], d: [0.5, 10] },
    timeStep: 0.01, // integration step (ms); the recording's 0.1 ms is a multiple of it
    method: 'auto',
    seed: o.seed,
  });
  return opt.run({ maxEvals: o.maxEvals, resultsFile: o.resultsFile });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fit = await fitRecording({ maxEvals: 3000, seed: 1 });
  console.log(`loss ${fit.loss.toPrecision(3)}: ${['a', 'b', 'c', 'd'].map((p) => `${p} = ${fit.params[p]!.toPrecision(4)}`).join(', ')} (true: 0.02, 0.2, -65, 8)`);
}
