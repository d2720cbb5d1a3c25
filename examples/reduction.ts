/**
 * Model reduction set-up shared by examples/reduce-pospischil.ts and bench/reduction.ts:
 * the Pospischil et al. (2008) regular-spiking cell (Na, K and a slow M-current) is the
 * target; AdEx or Izhikevich's simple model is fitted to its spike trains on 1 s current steps
 * at two amplitudes (1.5 and 3 times its rheobase) and checked on two it never saw
 * (2.25 and 1.35 times). This module only defines things: worker threads import it to
 * build the same fit.
 */
import { coincidenceFactor, defineNeuron, Experiment, Population, step, sweepLoss, type NeuronModel, type OptNeuronOptions, type Results } from '../src/index.ts';
import { adex, pospischil } from '../models/index.ts';

export const STEP = { start: 100, stop: 1100, duration: 1200 };
export const DT = 0.05;
/** Rheobase of the Pospischil RS cell for a 1 s step (nA), found by bisection to 1e-5 nA. */
export const RHEOBASE = 0.05533;
export const FITTED = [1.5, 3].map((k) => k * RHEOBASE);
export const UNSEEN = [2.25, 1.35].map((k) => k * RHEOBASE);

/**
 * Izhikevich's simple model in its dimensional form (Izhikevich 2007, "Dynamical Systems
 * in Neuroscience", eq. 8.5; defaults: his regular-spiking cell): the 2003 form has a fixed
 * time scale and fires within a few ms of any suprathreshold step, so it cannot show the
 * 20–50 ms first-spike latencies of the target. Units: pF, nS/mV, mV, ms, pA.
 */
export const izhikevich2007 = defineNeuron({
  name: 'izhikevich-2007',
  description: 'Izhikevich (2007) simple model, dimensional form, regular-spiking defaults',
  parameters: { C: 100, k: 0.7, vr: -60, vt: -40, vpeak: 35, a: 0.03, b: -2, c: -50, d: 100, I: 0 },
  equations: `
    C * dv/dt = k * (v - vr) * (v - vt) - u + I   : init = vr
    du/dt = a * (b * (v - vr) - u)                : init = 0
  `,
  spike: 'v >= vpeak',
  reset: 'v = c; u += d',
  method: 'euler',
  units: { v: 'mV', u: 'pA', I: 'pA', C: 'pF' },
});

/** Current steps, one chunk each, given in nA and converted to each model's current unit. */
export class Steps extends Experiment {
  constructor(readonly amplitudesNA: number[]) {
    super();
  }

  run(pop: Population): Results {
    const perNA = pop.model.spec.units.I === 'pA' ? 1000 : 1;
    this.monitors.add(['v', 'spike'], { period: 0.1 });
    this.amplitudesNA.forEach((amplitude, k) => {
      if (k > 0) this.reset();
      pop.input('I', step({ amplitude: amplitude * perNA, start: STEP.start, stop: STEP.stop }));
      this.simulate(STEP.duration);
    });
    return this.results();
  }
}

/** Bounds as a user would set them without knowing the answer. */
export const BOUNDS: Record<'adex' | 'izhikevich', Record<string, [number, number]>> = {
  adex: { C: [50, 300], gL: [2, 30], EL: [-80, -60], VT: [-60, -40], DeltaT: [0.5, 5], a: [-5, 10], tauw: [20, 1000], b: [0, 200], Vr: [-70, -40] },
  izhikevich: { C: [20, 300], k: [0.1, 3], vr: [-80, -55], vt: [-60, -30], a: [0.001, 0.3], b: [-10, 10], c: [-70, -40], d: [0, 300] },
};

const view = (r: Results, k: number) => ({ times: r.times(k), v: r.trace('v', k), spikes: r.spikes(k) });

/** The OptNeuron options of the reduction to `model` ('adex' or 'izhikevich'), with the given method and seed. */
export function reductionOptions(model: 'adex' | 'izhikevich', method = 'auto', seed = 0, workers = 1): OptNeuronOptions<Results> {
  return {
    experiment: new Steps(FITTED),
    neuronModel: model === 'adex' ? adex : izhikevich2007,
    targetNeuronModel: pospischil,
    variablesBounds: BOUNDS[model],
    getLoss: (ist, soll) => FITTED.map((_, k) => sweepLoss(view(ist, k), view(soll, k))),
    timeStep: DT,
    method,
    seed,
    workers,
    source: { module: import.meta.url, export: 'reductionOptions', args: [model, method, seed] },
  };
}

/** Coincidence factor Γ (Δ = 2 ms) of the reduced model against the target on each amplitude (nA). */
export async function gammas(model: NeuronModel, params: Record<string, number>, amplitudesNA: number[]): Promise<{ gamma: number; spikes: number; target: number }[]> {
  const run = async (m: NeuronModel, p: Record<string, number>) => new Steps(amplitudesNA).execute(new Population(m, 1, { dt: DT }).set(p).reset());
  const target = await run(pospischil, {});
  const reduced = await run(model, params);
  return amplitudesNA.map((_, k) => ({
    gamma: coincidenceFactor(reduced.spikes(k), target.spikes(k), STEP.stop - STEP.start),
    spikes: reduced.spikes(k).length,
    target: target.spikes(k).length,
  }));
}
