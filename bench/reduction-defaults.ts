/**
 * Reductions with every default (loss, budget, time step chosen by neurofit), as a user of
 * `fit-trace` gets them: the Pospischil RS cell's recordings fitted by AdEx's nine parameters
 * within AdEx's default bounds.
 * (1) Fluctuating input: an Ornstein–Uhlenbeck current (mean 1.2 µA/cm², SD 2, τ 5 ms; in pA for
 *     the cell's area), fitted on one 4 s realisation, Γ on two others (the second with mean 0.9
 *     and SD 2.5).
 * (2) Steps: 1 s steps at 1.5 and 3 times rheobase (examples/reduction.ts), Γ on the fitted steps.
 */
import { availableParallelism } from 'node:os';
import { OptNeuron, coincidenceFactor, ouCurrent, syntheticSweeps, traceFitOptions, Population, Monitor, waveform, type Sweep } from '../src/index.ts';
import { adex, pospischil } from '../models/index.ts';
import { FITTED, STEP } from '../examples/reduction.ts';

const WORKERS = availableParallelism();
const AREA = Math.PI * 61.4e-4 * 61.4e-4;
const PA_PER_UA_CM2 = AREA * 1e6;
const FIT = ['C', 'gL', 'EL', 'VT', 'DeltaT', 'a', 'tauw', 'b', 'Vr'];

/** The Pospischil cell's recording of a current given in pA, as a sweep of t (ms), I (pA), v (mV). */
function recordPospischil(I: Float64Array, sampleDt = 0.1): Sweep {
  const s = syntheticSweeps(pospischil, { currents: [I.map((x) => x / 1000)], dt: 0.025, sampleDt })[0]!;
  return { ...s, I: Float64Array.from(I), currentUnit: 'pA' };
}

const ou = (seed: number, mean = 1.2, sd = 2) => ouCurrent({ mean: mean * PA_PER_UA_CM2, sd: sd * PA_PER_UA_CM2, tau: 5, duration: 4000, sampleDt: 0.1, seed });

function stepCurrent(amplitudeNA: number): Float64Array {
  const n = Math.round(STEP.duration / 0.1);
  return Float64Array.from({ length: n }, (_, k) => (k * 0.1 >= STEP.start && k * 0.1 < STEP.stop ? amplitudeNA * 1000 : 0));
}

function adexSpikes(params: Record<string, number>, sweep: Sweep, dt: number): Float64Array {
  const pop = new Population(adex, 1, { dt });
  pop.set(params).reset();
  pop.input('I', waveform(sweep.I, sweep.sampleDt));
  const mon = new Monitor(pop, ['spike'], { period: sweep.sampleDt });
  pop.simulate(sweep.I.length * sweep.sampleDt);
  return mon.chunks()[0]!.spikes[0]!;
}

async function fitDefaults(sweeps: Sweep[], seed: number) {
  const started = performance.now();
  const fit = await new OptNeuron(traceFitOptions({ model: adex, sweeps, fit: FIT, seed, workers: WORKERS, onWarning: () => {} })).run({ resultsFile: false });
  return { fit, wall: (performance.now() - started) / 1000 };
}

export async function defaultsReduction(seeds: number[]) {
  const fitted = recordPospischil(ou(101));
  const unseen = [recordPospischil(ou(202)), recordPospischil(ou(303, 0.9, 2.5))];
  const steps = FITTED.map((a) => recordPospischil(stepCurrent(a)));
  const rows = [];
  for (const seed of seeds) {
    const o = await fitDefaults([fitted], seed);
    const dt = o.fit.timeSteps?.fine ?? 0.01;
    const g = (s: Sweep) => coincidenceFactor(adexSpikes(o.fit.params, s, dt), s.spikes!, s.I.length * s.sampleDt);
    const ouRow = { fitted: g(fitted), unseen: unseen.map(g), wall: o.wall, evaluations: o.fit.evaluations, stop: o.fit.stopReason.search, steps: o.fit.timeSteps };
    const st = await fitDefaults(steps, seed);
    const dts = st.fit.timeSteps?.fine ?? 0.01;
    const gs = steps.map((s) => coincidenceFactor(adexSpikes(st.fit.params, s, dts), s.spikes!, STEP.stop - STEP.start));
    const stepRow = { fitted: gs, wall: st.wall, evaluations: st.fit.evaluations, stop: st.fit.stopReason.search, steps: st.fit.timeSteps };
    console.log(`seed ${seed}: OU   Γ fitted ${ouRow.fitted.toFixed(2)}, unseen ${ouRow.unseen.map((x) => x.toFixed(2)).join(' / ')} (${fitted.spikes!.length} spikes fitted; ${unseen.map((u) => u.spikes!.length).join(', ')} unseen), ${ouRow.evaluations} evaluations at ${ouRow.steps?.search} ms in ${ouRow.wall.toFixed(1)} s; ${ouRow.stop}`);
    console.log(`seed ${seed}: steps Γ fitted ${gs.map((x) => x.toFixed(2)).join(' / ')}, ${stepRow.evaluations} evaluations at ${stepRow.steps?.search} ms in ${stepRow.wall.toFixed(1)} s; ${stepRow.stop}`);
    rows.push({ ou: ouRow, steps: stepRow });
  }
  return rows;
}
