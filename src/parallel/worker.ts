import { parentPort } from 'node:worker_threads';
import { OptNeuron, type OptNeuronOptions } from '../fit/opt-neuron.ts';
import type { Point } from '../search/space.ts';
import { loadOptionsSource, type OptionsSource } from './source.ts';

type Message = { kind: 'init'; source: OptionsSource; overrides: Record<string, unknown> } | { kind: 'evaluate'; id: number; points: Point[] };

let opt: OptNeuron | undefined;

parentPort!.on('message', async (m: Message) => {
  try {
    if (m.kind === 'init') {
      const options = (await loadOptionsSource(m.source)) as OptNeuronOptions;
      opt = new OptNeuron({ ...options, ...m.overrides, workers: 1, source: undefined });
      parentPort!.postMessage({ kind: 'ready' });
    } else {
      const evaluations = await opt!.evaluateBatch(m.points);
      parentPort!.postMessage({ kind: 'done', id: m.id, evaluations });
    }
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', id: m.kind === 'evaluate' ? m.id : -1, message: (err as Error).message ?? String(err) });
  }
});
