// A worker thread of a fit: builds the fit's options again from their source module and
// evaluates the parts of batches the main thread's pool hands it.
import { serveBatches } from '../parallel/serve.ts';
import { loadOptionsSource, type OptionsSource } from '../parallel/source.ts';
import type { Evaluation } from '../search/sampler.ts';
import type { Point } from '../search/space.ts';
import { OptNeuron, type OptNeuronOptions } from './opt-neuron.ts';

serveBatches<Point, Evaluation>(async (init) => {
  const { source, overrides } = init as { source: OptionsSource; overrides: Record<string, unknown> };
  let options: OptNeuronOptions;
  try {
    options = (await loadOptionsSource(source)) as OptNeuronOptions;
  } catch (err) {
    throw new Error(`cannot build the fit from ${source.module}: ${(err as Error).message}`);
  }
  const opt = new OptNeuron({ ...options, ...overrides, workers: 1, source: undefined });
  return (points) => opt.evaluateBatch(points);
});
