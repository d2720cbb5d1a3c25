import { describe, expect, it } from 'vitest';
import { defineNeuron, Population, type Method } from '../src/index.ts';
import { observedOrder } from './helpers.ts';

const decay = defineNeuron({
  name: 'decay',
  parameters: { k: 1.3 },
  equations: 'dx/dt = -k * x : init = 1',
});

const oscillator = defineNeuron({
  name: 'oscillator',
  parameters: { w: 2 },
  equations: `
    dx/dt = y         : init = 1
    dy/dt = -w^2 * x  : init = 0
  `,
});

function finalError(model: typeof decay, method: Method, dt: number, T: number, exact: (pop: Population) => number): number {
  const pop = new Population(model, 1, { dt, method });
  pop.simulate(T);
  return exact(pop);
}

const coarse = [0.1, 0.05, 0.025, 0.0125];
// Euler's error is still far from its asymptote at dt = 0.1 on the oscillator.
const fine = coarse.map((dt) => dt / 10);
const expected: [Method, number, number[]][] = [
  ['euler', 1, fine],
  ['midpoint', 2, coarse],
  ['rk4', 4, coarse],
];

describe('global error falls with dt at the order of the method', () => {
  for (const [method, order, dts] of expected) {
    it(`${method}: order ${order} on exponential decay`, () => {
      const T = 2;
      const errors = dts.map((dt) => finalError(decay, method, dt, T, (pop) => Math.abs(pop.get('x')[0]! - Math.exp(-1.3 * T))));
      expect(observedOrder(dts, errors)).toBeCloseTo(order, 1);
    });

    it(`${method}: order ${order} on the harmonic oscillator`, () => {
      const T = 3;
      const errors = dts.map((dt) =>
        finalError(oscillator, method, dt, T, (pop) => Math.hypot(pop.get('x')[0]! - Math.cos(2 * T), pop.get('y')[0]! + 2 * Math.sin(2 * T))),
      );
      expect(observedOrder(dts, errors)).toBeCloseTo(order, 1);
    });
  }

  it('exponential scheme is exact for linear decay at any dt', () => {
    for (const dt of [0.5, 0.1, 0.01]) {
      const pop = new Population(decay, 1, { dt, method: 'exponential' });
      pop.simulate(2);
      expect(pop.get('x')[0]).toBeCloseTo(Math.exp(-1.3 * 2), 13);
    }
  });

  it('exponential scheme integrates a gating equation exactly with constant rates', () => {
    const gate = defineNeuron({
      name: 'gate',
      parameters: { alpha: 0.3, beta: 0.1 },
      equations: 'dn/dt = alpha * (1 - n) - beta * n : init = 0, exponential',
    });
    const pop = new Population(gate, 1, { dt: 0.7 });
    pop.simulate(7);
    const ninf = 0.3 / 0.4;
    expect(pop.get('n')[0]).toBeCloseTo(ninf * (1 - Math.exp(-0.4 * 7)), 13);
  });
});
