import { Population, Monitor, type NeuronModel, type Method } from '../src/index.ts';

/** Runs one neuron for `ms` and returns the monitor's first chunk. */
export function run(model: NeuronModel, ms: number, o: { dt: number; method?: Method; set?: Record<string, number>; record?: string[] }) {
  const pop = new Population(model, 1, { dt: o.dt, method: o.method });
  if (o.set) pop.set(o.set).reset();
  const mon = new Monitor(pop, o.record ?? [...(model.spec.spike ? ['spike'] : [])]);
  pop.simulate(ms);
  return { pop, chunk: mon.chunks()[0]! };
}

/** Slope of log(error) against log(dt): the observed order of convergence. */
export function observedOrder(dts: number[], errors: number[]): number {
  const xs = dts.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, k) => {
    num += (x - mx) * (ys[k]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}
