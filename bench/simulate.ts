/**
 * Simulation speed: the built-in Hodgkin-Huxley model, rk4, dt 0.01 ms, 100 ms, for
 * N = 1 and N = 1024, in ns per neuron-step, against the same model and scheme written
 * in C (bench/ref/hh.c, gcc -O2) and timed in the same run. Prints medians; the last
 * line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Population } from '../src/index.ts';
import { hodgkinHuxley } from '../models/index.ts';
import { median } from '../src/numeric/quantile.ts';

const DT = 0.01;
const MS = 100;
const STEPS = Math.round(MS / DT);

function neurofitNsPerStep(N: number, repeats: number): number {
  const pop = new Population(hodgkinHuxley, N, { dt: DT, method: 'rk4' });
  // slightly different currents so no two neurons are identical
  const I = Float64Array.from({ length: N }, (_, i) => 10 + 0.001 * i);
  const times: number[] = [];
  // short runs need more of them before V8 has optimised the kernel
  const warmup = Math.max(2, Math.ceil(repeats / 4));
  for (let r = 0; r < repeats + warmup; r++) {
    pop.set({ I });
    pop.reset();
    const t0 = process.hrtime.bigint();
    pop.simulate(MS);
    const ns = Number(process.hrtime.bigint() - t0);
    if (r >= warmup) times.push(ns / (N * STEPS)); // the first runs include compilation and warm-up
  }
  return median(times);
}

function cNsPerStep(N: number, repeats: number): number | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const exe = join(mkdtempSync(join(tmpdir(), 'neurofit-bench-')), 'hh');
  try {
    execFileSync('gcc', ['-O2', '-o', exe, join(here, 'ref', 'hh.c'), '-lm'], { stdio: 'pipe' });
  } catch {
    console.log('gcc not available: skipping the C reference');
    return null;
  }
  const out = execFileSync(exe, [String(N), String(STEPS), String(DT), String(repeats)], { encoding: 'utf8' });
  return Number(out.trim().split(/\s+/)[0]);
}

const n1 = neurofitNsPerStep(1, 41);
const n1024 = neurofitNsPerStep(1024, 7);
const c1 = cNsPerStep(1, 41);
const c1024 = cNsPerStep(1024, 7);
console.log(`HH rk4, dt ${DT} ms, ${MS} ms (${STEPS} steps), median ns per neuron-step`);
console.log(`  neurofit  N=1: ${n1.toFixed(1)}   N=1024: ${n1024.toFixed(1)}`);
if (c1 !== null && c1024 !== null) {
  console.log(`  C -O2     N=1: ${c1.toFixed(1)}   N=1024: ${c1024.toFixed(1)}`);
  console.log(`  ratio neurofit / C at N=1024: ${(n1024 / c1024).toFixed(2)}`);
}
console.log(
  JSON.stringify({
    ns_per_neuron_step_n1: +n1.toFixed(2),
    ns_per_neuron_step_n1024: +n1024.toFixed(2),
    c_ns_per_step: c1024 === null ? null : +c1024.toFixed(2),
    ratio_n1024_vs_c: c1024 === null ? null : +(n1024 / c1024).toFixed(3),
  }),
);
