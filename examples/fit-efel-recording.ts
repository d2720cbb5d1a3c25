/**
 * AdEx fitted to a real recording (eFEL's test trace of a cortical neuron, in
 * test/fixtures/efel/) with a feature loss. The file does not say how strong the
 * 700–2700 ms current step was, so its amplitude is fitted with the neuron's parameters.
 * Run: npx tsx examples/fit-efel-recording.ts
 */
import { fileURLToPath } from 'node:url';
import { adex } from '../models/index.ts';
import {
  computeFeatures, defineNeuron, Experiment, featureLoss, OptNeuron, readRecording, step,
  type FitResult, type FeatureTarget, type Population, type Results,
} from '../src/index.ts';

const STIM_START = 700;
const STIM_END = 2700;
const DURATION = 3000;
export const FEATURES = ['Spikecount', 'mean_frequency', 'time_to_first_spike', 'voltage_base', 'ISI_CV', 'adaptation_index'] as const;

/** AdEx with one more parameter, the step amplitude (pA), which the protocol reads per neuron. */
export const adexStim = defineNeuron({ ...adex.definition, name: 'adex-stim', parameters: { ...adex.definition.parameters, amp: 0 } });

class RecordedStep extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v', 'spike']);
    pop.input('I', step({ amplitude: 'amp', start: STIM_START, stop: STIM_END }));
    this.simulate(DURATION);
    return this.results();
  }
}

/**
 * eFEL's features of a simulated trace. An integrate-and-fire model resets within the
 * step that crosses its cut-off, so the sampled voltage never shows the spike: the
 * sample after each spike is set to the cut-off, as a recording would show a peak.
 */
export function modelFeatures(r: Results, peak = 0) {
  const t = r.times();
  const v = r.trace('v').slice();
  const dt = t[1]! - t[0]!;
  for (const s of r.spikes()) {
    const k = Math.ceil(s / dt - 1e-9);
    if (k < v.length) v[k] = peak;
  }
  return computeFeatures({ t, v, stimStart: STIM_START, stimEnd: STIM_END }, FEATURES);
}

/** The recording's features, with SDs for the loss: 5 % of each value (at least 0.1, 0.5 for counts). */
export function recordingTargets(): Record<string, FeatureTarget> {
  const path = fileURLToPath(new URL('../test/fixtures/efel/testdata.txt', import.meta.url));
  const [sweep] = readRecording(path, { I: null }); // the file holds no current
  const values = computeFeatures({ t: sweep!.t, v: sweep!.v, stimStart: STIM_START, stimEnd: STIM_END }, FEATURES);
  return Object.fromEntries(
    FEATURES.map((name) => {
      const mean = values[name] as number;
      return [name, { mean, sd: name === 'Spikecount' ? 0.5 : Math.max(0.05 * Math.abs(mean), 0.1) }];
    }),
  );
}

export async function fitRecording(o: { maxEvals: number; seed: number; resultsFile?: string | false }): Promise<FitResult> {
  const targets = recordingTargets();
  const opt = new OptNeuron<Record<string, FeatureTarget>>({
    experiment: RecordedStep,
    neuronModel: adexStim,
    resultsSoll: targets,
    getLoss: (ist, soll) => featureLoss(modelFeatures(ist), soll),
    variablesBounds: {
      C: [50, 300], gL: [2, 30], EL: [-85, -65], VT: [-60, -40], DeltaT: [0.5, 5],
      a: [0, 10], tauw: [20, 1000], b: [0, 200], Vr: [-70, -45], amp: [20, 500],
    },
    timeStep: 0.05,
    seed: o.seed,
    batchSize: 16,
  });
  return opt.run({ maxEvals: o.maxEvals, resultsFile: o.resultsFile });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const fit = await fitRecording({ maxEvals: 3000, seed: 1, resultsFile: 'results/fit-efel-recording.json' });
  console.log(`${fit.evaluations} evaluations in ${((performance.now() - started) / 1000).toFixed(1)} s, feature loss ${fit.loss.toFixed(3)}`);
  console.log(Object.entries(fit.params).map(([k, v]) => `${k} = ${v.toPrecision(4)}`).join(', '));
  const targets = recordingTargets();
  const model = modelFeatures(fit.results);
  for (const name of FEATURES) console.log(`  ${name}: model ${Number((model[name] as number)?.toPrecision(4))}, recording ${Number(targets[name]!.mean.toPrecision(4))}`);
}
