import { describe, expect, it } from 'vitest';
import { Population, Monitor, step, type NeuronModel, type Method } from '../src/index.ts';
import { hodgkinHuxley, izhikevich, adex, pospischil } from '../models/index.ts';

function spikeTimes(pop: Population, ms: number): Float64Array {
  const mon = new Monitor(pop, ['spike']);
  pop.simulate(ms);
  return mon.chunks()[0]!.spikes[0]!;
}

describe('Hodgkin-Huxley, 10 uA/cm2 from 10 to 90 ms, rk4', () => {
  it('spike times at dt = 0.01 ms lie within 0.05 ms of a run with a 20x smaller step', () => {
    const times = (dt: number) => {
      const pop = new Population(hodgkinHuxley, 1, { dt, method: 'rk4' });
      pop.input('I', step({ amplitude: 10, start: 10, stop: 90 }));
      return spikeTimes(pop, 100);
    };
    const coarse = times(0.01);
    const reference = times(0.0005);
    expect(reference.length).toBeGreaterThanOrEqual(5);
    expect(coarse.length).toBe(reference.length);
    coarse.forEach((t, k) => expect(Math.abs(t - reference[k]!)).toBeLessThan(0.05));
  });

  it('rests near -65 mV without input', () => {
    const pop = new Population(hodgkinHuxley, 1, { dt: 0.01 });
    pop.simulate(50);
    expect(pop.get('v')[0]).toBeCloseTo(-65, 0);
  });
});

describe('Izhikevich RS, I = 10 from 100 to 900 ms, euler, dt = 0.01 ms', () => {
  it('spikes exactly where a hand-written loop of the same scheme does', () => {
    const dt = 0.01;
    // the plain loop a modeller would write, with the same order of operations
    const a = 0.02, b = 0.2, c = -65, d = 8;
    let v = -65;
    let u = b * -65;
    const expected: number[] = [];
    for (let s = 0; s < 100000; s++) {
      const t = s * dt;
      const I = t >= 100 - 1e-9 && t < 900 - 1e-9 ? 10 : 0;
      const g0 = v - 30;
      const nv = v + dt * (0.04 * (v * v) + 5 * v + 140 - u + I);
      const nu = u + dt * (a * (b * v - u));
      v = nv;
      u = nu;
      if (v >= 30) {
        const g1 = v - 30;
        expected.push(g0 < 0 ? t + (dt * g0) / (g0 - g1) : t + dt);
        v = c;
        u = u + d;
      }
    }
    const pop = new Population(izhikevich, 1, { dt, method: 'euler' });
    pop.input('I', step({ amplitude: 10, start: 100, stop: 900 }));
    const got = spikeTimes(pop, 1000);
    expect(expected.length).toBeGreaterThan(10);
    expect(got.length).toBe(expected.length);
    got.forEach((t, k) => expect(t).toBeCloseTo(expected[k]!, 9));
  });
});

describe('batches', () => {
  const cases: [NeuronModel, Method, Record<string, number[]>][] = [
    [izhikevich, 'euler', { a: [0.02, 0.1, 0.02, 0.03], b: [0.2, 0.2, 0.25, 0.2], d: [8, 2, 6, 4] }],
    [hodgkinHuxley, 'rk4', { gNa: [120, 100, 140, 110], gK: [36, 30, 40, 36] }],
    [adex, 'midpoint', { a: [2, 4, 0, 1], b: [60, 0, 100, 20] }],
    [pospischil, 'exponential', { gM: [0.075, 0, 0.2, 0.1] }],
  ];
  for (const [model, method, set] of cases) {
    it(`${model.name} (${method}): N neurons with different parameters equal N single runs`, () => {
      const amplitude = { izhikevich: 10, 'hodgkin-huxley': 10, adex: 500, 'pospischil-rs': 0.5 }[model.name]!;
      const runPop = (pop: Population) => {
        pop.input('I', step({ amplitude, start: 20, stop: 180 }));
        const mon = new Monitor(pop, ['v', 'spike']);
        pop.simulate(200);
        return mon.chunks()[0]!;
      };
      const N = 4;
      const batch = new Population(model, N, { dt: 0.025, method });
      batch.set(set);
      batch.reset();
      const together = runPop(batch);
      for (let i = 0; i < N; i++) {
        const single = new Population(model, 1, { dt: 0.025, method });
        single.set(Object.fromEntries(Object.entries(set).map(([k, v]) => [k, v[i]!])));
        single.reset();
        const alone = runPop(single);
        expect(together.values.get('v')!.subarray(i * together.rows, (i + 1) * together.rows)).toEqual(alone.values.get('v'));
        expect(together.spikes[i]).toEqual(alone.spikes[0]);
      }
      // the parameter sets differ enough to matter
      const v = together.values.get('v')!;
      expect(v.subarray(0, together.rows)).not.toEqual(v.subarray(together.rows, 2 * together.rows));
    });
  }
});
