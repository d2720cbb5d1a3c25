import { describe, expect, it } from 'vitest';
import { Population, Monitor, step, defineNeuron, type Method, type NeuronModel } from '../src/index.ts';
import { hodgkinHuxley, izhikevich, lif, pospischil } from '../models/index.ts';

const METHODS: Method[] = ['euler', 'midpoint', 'rk4', 'exponential'];

interface Case {
  model: NeuronModel;
  theta: string[];
  params: Record<string, number>;
  amplitude: number;
  ms: number;
  record: string;
}

function simulate(c: Case, method: Method, params: Record<string, number>, track: boolean) {
  const pop = new Population(c.model, 1, { dt: 0.01, method });
  pop.set(params);
  if (track) pop.trackSensitivities(c.theta);
  pop.reset();
  pop.input('I', step({ amplitude: c.amplitude, start: 5, stop: c.ms }));
  const mon = new Monitor(pop, c.model.spec.spike ? [c.record, 'spike'] : [c.record]);
  pop.simulate(c.ms);
  return mon.chunks()[0]!;
}

/** MSE of the recorded variable against a fixed level: a loss that depends on every sample. */
const mseTo = (x: Float64Array, level: number) => x.reduce((s, v) => s + (v - level) ** 2, 0) / x.length;

function checkGradient(c: Case, method: Method, level: number) {
  const run = simulate(c, method, c.params, true);
  const x = run.values.get(c.record)!;
  for (const p of c.theta) {
    const dx = run.values.get(`∂${c.record}/∂${p}`)!;
    let exact = 0;
    for (let k = 0; k < x.length; k++) exact += (2 * (x[k]! - level) * dx[k]!) / x.length;
    // central differences of the same discrete simulation, with a step small enough that no
    // spike moves to another step (the window where the spike count and steps do not change)
    const h = Math.abs(c.params[p]!) * 1e-7;
    const plus = simulate(c, method, { ...c.params, [p]: c.params[p]! + h }, false);
    const minus = simulate(c, method, { ...c.params, [p]: c.params[p]! - h }, false);
    const steps = (s: Float64Array) => Array.from(s, (t) => Math.ceil(t / 0.01 - 1e-9));
    if (c.model.spec.spike) {
      expect(steps(plus.spikes[0]!)).toEqual(steps(run.spikes[0]!));
      expect(steps(minus.spikes[0]!)).toEqual(steps(run.spikes[0]!));
    }
    const fd = (mseTo(plus.values.get(c.record)!, level) - mseTo(minus.values.get(c.record)!, level)) / (2 * h);
    expect(Math.abs(exact - fd) / Math.abs(fd), `${c.model.name} ${method} d/d${p}`).toBeLessThan(1e-5);
  }
}

describe('forward sensitivities: exact gradients of the discrete simulation', () => {
  const hh: Case = { model: hodgkinHuxley, theta: ['gNa', 'gK', 'gL'], params: { gNa: 120, gK: 36, gL: 0.3 }, amplitude: 10, ms: 30, record: 'v' };
  const izh: Case = { model: izhikevich, theta: ['a', 'b'], params: { a: 0.02, b: 0.2, c: -65, d: 8 }, amplitude: 10, ms: 60, record: 'v' };
  for (const method of METHODS) {
    it(`Hodgkin-Huxley (gNa, gK, gL), ${method}: MSE gradient equals central differences`, () => {
      expect(simulate(hh, method, hh.params, false).spikes[0]!.length).toBeGreaterThanOrEqual(2);
      checkGradient(hh, method, -60);
    });
    it(`Izhikevich (a, b) across spikes and resets, ${method}: MSE gradient equals central differences`, () => {
      expect(simulate(izh, method, izh.params, false).spikes[0]!.length).toBeGreaterThanOrEqual(2);
      checkGradient(izh, method, -60);
    });
  }

  it('through algebraic definitions (Pospischil M-current by gM, tau_max)', () => {
    const c: Case = { model: pospischil, theta: ['gM', 'tau_max'], params: { gM: 0.075, tau_max: 608 }, amplitude: 0.3, ms: 40, record: 'I_M' };
    checkGradient(c, 'rk4', 0);
  });

  it('through the reset: u = u + d gives du/dd a jump of 1 at each spike', () => {
    const pop = new Population(izhikevich, 1, { dt: 0.01 });
    pop.trackSensitivities(['d', 'c']);
    pop.reset();
    pop.input('I', step({ amplitude: 10, start: 0, stop: 100 }));
    const mon = new Monitor(pop, ['u', 'v', 'spike']);
    pop.simulate(40);
    const chunk = mon.chunks()[0]!;
    const dudd = chunk.values.get('∂u/∂d')!;
    const dvdc = chunk.values.get('∂v/∂c')!;
    const first = Math.ceil(chunk.spikes[0]![0]! / 0.01 - 1e-9); // first row after the spike
    expect(dudd[first - 1]).toBe(0);
    expect(dudd[first]).toBeCloseTo(1, 12);
    expect(dvdc[first]).toBeCloseTo(1, 12); // v = c
  });

  it('starts from the derivatives of the initial values and keeps clamped tangents at the bound\'s', () => {
    const pop = new Population(lif, 2);
    pop.trackSensitivities(['EL', 'R']);
    pop.reset();
    expect(Array.from(pop.getSensitivity('v', 'EL'))).toEqual([1, 1]);
    expect(Array.from(pop.getSensitivity('v', 'R'))).toEqual([0, 0]);
    const clamped = defineNeuron({ name: 'clamped', parameters: { k: 2, top: 1 }, equations: 'dx/dt = k : init = 0, max = top' });
    const p2 = new Population(clamped, 1, { dt: 0.1 });
    p2.trackSensitivities(['k', 'top']);
    p2.reset();
    p2.simulate(0.3);
    expect(p2.getSensitivity('x', 'k')[0]).toBeCloseTo(0.3, 12);
    p2.simulate(1);
    expect(p2.getSensitivity('x', 'k')[0]).toBe(0);
    expect(p2.getSensitivity('x', 'top')[0]).toBe(1);
  });

  it('spike times: d(t_spike)/dθ through the interpolation equals central differences', () => {
    for (const [model, p, base, method] of [
      [izhikevich, 'a', { a: 0.02, b: 0.2, d: 8 }, 'euler'],
      [izhikevich, 'd', { a: 0.02, b: 0.2, d: 8 }, 'rk4'],
      [hodgkinHuxley, 'gK', { gNa: 120, gK: 36 }, 'rk4'],
    ] as const) {
      const run = (params: Record<string, number>, track: boolean) => {
        const pop = new Population(model, 1, { dt: 0.01, method });
        pop.set(params);
        if (track) pop.trackSensitivities([p]);
        pop.reset();
        pop.input('I', step({ amplitude: 10, start: 5, stop: 100 }));
        const mon = new Monitor(pop, ['v', 'spike']);
        pop.simulate(100);
        return mon.chunks()[0]!;
      };
      const chunk = run(base, true);
      const value = (base as Record<string, number>)[p]!;
      const h = value * 1e-7;
      const plus = run({ ...base, [p]: value + h }, false).spikes[0]!;
      const minus = run({ ...base, [p]: value - h }, false).spikes[0]!;
      const exact = chunk.spikeSensitivities!.values[0]!;
      expect(chunk.spikes[0]!.length).toBeGreaterThanOrEqual(3);
      chunk.spikes[0]!.forEach((_, k) => {
        const fd = (plus[k]! - minus[k]!) / (2 * h);
        expect(Math.abs(exact[k]! - fd), `${model.name} spike ${k} d/d${p}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      });
    }
  });

  it('rejects parameters that are not there or are driven by an input', () => {
    const pop = new Population(izhikevich, 1);
    expect(() => pop.trackSensitivities(['q'])).toThrow(/'q' is not a parameter/);
    pop.trackSensitivities(['I']);
    pop.input('I', step({ amplitude: 1, start: 0, stop: 1 }));
    expect(() => pop.simulate(1)).toThrow(/'I' is driven by an input/);
  });
});
