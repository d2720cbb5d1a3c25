/**
 * Feature-extraction speed: all eFEL-compatible features of the real recording
 * (test/fixtures/efel/testdata.txt, 3 s at 0.25 ms, interpolated to 0.1 ms), computed
 * together (one interpolation, shared intermediates), repeatedly. Prints the median time for
 * all features together and per feature on average, and the cost of the interpolation
 * alone; the last line is one JSON object.
 */
import { readRecording } from '../src/io/recording.ts';
import { fileURLToPath } from 'node:url';
import { computeFeatures, FEATURE_NAMES, interpolateTrace } from '../src/features/index.ts';
import { median } from '../src/numeric/quantile.ts';

const DATA = fileURLToPath(new URL('../test/fixtures/efel/testdata.txt', import.meta.url));
const REPEATS = 200;
const WARMUP = 50;

function timeMs(fn: () => void, repeats: number, warmup: number): number {
  const times: number[] = [];
  for (let r = 0; r < repeats + warmup; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r >= warmup) times.push(ms);
  }
  return median(times);
}

const [sweep] = readRecording(DATA, { I: null }); // the file holds no current
const { t, v } = sweep!;
const input = { t, v, stimStart: 700, stimEnd: 2700 };

let sink = 0;
const allMs = timeMs(
  () => {
    const r = computeFeatures(input);
    sink += r['Spikecount'] as number;
  },
  REPEATS,
  WARMUP,
);
const interpMs = timeMs(
  () => {
    sink += interpolateTrace(t, v, 0.1).v.length;
  },
  REPEATS,
  WARMUP,
);
const n = FEATURE_NAMES.length;
const perFeature = allMs / n;
if (sink === 0) console.log('(unexpected: no spikes)');

console.log(`${t.length} samples (${t[t.length - 1]} ms), interpolated to 0.1 ms; ${n} features; median of ${REPEATS} runs`);
console.log(`  all features together: ${allMs.toFixed(3)} ms`);
console.log(`  per feature on average: ${perFeature.toFixed(4)} ms`);
console.log(`  of which interpolation (once): ${interpMs.toFixed(3)} ms`);
console.log(JSON.stringify({ features_ms: Number(allMs.toFixed(4)), per_feature_ms: Number(perFeature.toFixed(5)), interpolation_ms: Number(interpMs.toFixed(4)), n_features: n }));
