import { describe, expect, it } from 'vitest';
import { defineNeuron, Population, Monitor, step, ramp, waveform, noise, sum } from '../src/index.ts';
import { adex, lif } from '../models/index.ts';

/** dx/dt = I: x integrates its input, so inputs can be checked exactly. */
const integrator = defineNeuron({ name: 'integrator', parameters: { I: 0, g: 1 }, equations: 'dx/dt = g * I : init = 0' });

describe('population state and parameters', () => {
  it('per-neuron parameters, state get/set and reset to init', () => {
    const pop = new Population(integrator, 3, { dt: 0.1 });
    pop.set({ I: [1, 2, 3] });
    pop.simulate(1);
    expect(Array.from(pop.get('x')).map((x) => +x.toFixed(12))).toEqual([1, 2, 3]);
    pop.set({ x: [5, 6, 7] });
    expect(Array.from(pop.get('x'))).toEqual([5, 6, 7]);
    pop.reset();
    expect(Array.from(pop.get('x'))).toEqual([0, 0, 0]);
    expect(pop.t).toBe(0);
  });

  it('initial values may depend on each neuron\'s parameters', () => {
    const pop = new Population(lif, 2);
    pop.set({ EL: [-70, -60] }).reset();
    expect(Array.from(pop.get('v'))).toEqual([-70, -60]);
  });

  it('parameters changed between simulate() calls take effect from then on', () => {
    const pop = new Population(integrator, 1, { dt: 0.01 });
    pop.set({ I: 1 }).simulate(1);
    pop.set({ I: -2 }).simulate(0.5);
    expect(pop.get('x')[0]).toBeCloseTo(0, 12);
  });

  it('reset({ parameters }) returns to committed values and removes inputs', () => {
    const pop = new Population(integrator, 1, { dt: 0.1 });
    pop.set({ g: 2 }).commitParameters();
    pop.set({ g: 5 });
    pop.input('I', step({ amplitude: 1, start: 0, stop: 10 }));
    pop.reset({ parameters: true });
    expect(pop.get('g')[0]).toBe(2);
    pop.simulate(1);
    expect(pop.get('x')[0]).toBe(0);
  });

  it('names the problem for unknown names and bad values', () => {
    const pop = new Population(integrator, 2);
    expect(() => pop.set({ J: 1 })).toThrow(/'J' is not a parameter or state variable of neuron 'integrator'/);
    expect(() => pop.set({ I: [1] })).toThrow(/got 1 values for 2 neurons/);
    expect(() => pop.set({ I: NaN })).toThrow(/not a finite number/);
    expect(() => pop.input('K', step({ amplitude: 1, start: 0, stop: 1 }))).toThrow(/'K' is not a parameter/);
    expect(() => new Population(integrator, 1, { dt: 0 })).toThrow(/dt must be a positive/);
    expect(() => pop.simulate(-1)).toThrow(/duration/);
  });
});

describe('initial values that depend on parameters', () => {
  it('follow set() until the first step after a reset, so chunk 0 equals later chunks', () => {
    const pop = new Population(adex, 2, { dt: 0.05 });
    const mon = new Monitor(pop, ['v', 'w', 'spike']);
    pop.set({ EL: [-65, -58], I: 500 }); // AdEx (pA): v's init = EL
    expect(Array.from(pop.get('v'))).toEqual([-65, -58]);
    pop.simulate(200);
    pop.reset();
    pop.simulate(200);
    const [first, second] = mon.chunks();
    expect(first!.spikes[1]!.length).toBeGreaterThan(0);
    expect(Array.from(first!.values.get('v')!)).toEqual(Array.from(second!.values.get('v')!));
    expect(first!.spikes.map((s) => Array.from(s))).toEqual(second!.spikes.map((s) => Array.from(s)));
  });

  it('leave a state variable set explicitly, and the state once simulation has begun', () => {
    const pop = new Population(lif, 1);
    pop.set({ v: -80 }).set({ EL: -60 });
    expect(pop.get('v')[0]).toBe(-80); // set explicitly: kept
    pop.reset();
    expect(pop.get('v')[0]).toBe(-60);
    pop.simulate(1);
    const v = pop.get('v')[0];
    pop.set({ EL: -50 });
    expect(pop.get('v')[0]).toBe(v); // mid-simulation: a parameter change does not jump the state
  });

  it('carry their sensitivities: d(v0)/dEL = 1 after set()', () => {
    const pop = new Population(lif, 1).trackSensitivities(['EL']);
    pop.set({ EL: -55 });
    expect(pop.get('v')[0]).toBe(-55);
    expect(pop.getSensitivity('v', 'EL')[0]).toBe(1);
  });
});

describe('inputs', () => {
  it('step and ramp integrate to their areas', () => {
    const pop = new Population(integrator, 1, { dt: 0.01, method: 'rk4' });
    pop.input('I', step({ amplitude: 2, start: 1, stop: 3 }));
    pop.simulate(5);
    expect(pop.get('x')[0]).toBeCloseTo(4, 9);
    pop.reset();
    pop.input('I', ramp({ from: 0, to: 1, start: 0, stop: 2 }));
    pop.simulate(3);
    // left Riemann sum of a ramp: exact area 1 minus half a step's worth
    expect(pop.get('x')[0]).toBeCloseTo(1 - 0.005, 9);
  });

  it('a sampled waveform is replayed sample-and-hold at any dt', () => {
    const samples = [0, 1, 1, 0, -1];
    const mon = (dt: number) => {
      const pop = new Population(integrator, 1, { dt });
      pop.input('I', waveform(samples, 0.5));
      const m = new Monitor(pop, ['I']);
      pop.simulate(3);
      return { x: pop.get('x')[0]!, I: m.chunks()[0]!.values.get('I')! };
    };
    const fine = mon(0.05);
    expect(fine.x).toBeCloseTo(0.5, 9); // (0 + 1 + 1 + 0 - 1) * 0.5
    expect(Array.from(fine.I.slice(9, 12))).toEqual([0, 1, 1]);
    expect(mon(0.25).x).toBeCloseTo(0.5, 9);
    expect(() => waveform([1, NaN], 1)).toThrow(/sample 1 is NaN/);
  });

  it('noise is reproducible with a seed, different per neuron, and has the asked statistics', () => {
    const draw = (seed: number) => {
      const pop = new Population(integrator, 4, { dt: 0.1, seed });
      pop.input('I', noise({ mean: 1, sd: 2 }));
      const m = new Monitor(pop, ['I']);
      pop.simulate(2000);
      return m.chunks()[0]!.values.get('I')!;
    };
    const a = draw(7);
    expect(draw(7)).toEqual(a);
    expect(draw(8)).not.toEqual(a);
    const rows = a.length / 4;
    expect(a.subarray(0, rows)).not.toEqual(a.subarray(rows, 2 * rows));
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('Ornstein-Uhlenbeck noise keeps its SD whatever dt', () => {
    for (const dt of [0.05, 0.5]) {
      const pop = new Population(integrator, 8, { dt, seed: 3 });
      pop.input('I', sum(step({ amplitude: 5, start: 0, stop: 1e9 }), noise({ sd: 1.5, tau: 5 })));
      const m = new Monitor(pop, ['I']);
      pop.simulate(20000);
      const I = m.chunks()[0]!.values.get('I')!;
      const mean = I.reduce((s, x) => s + x, 0) / I.length;
      const sd = Math.sqrt(I.reduce((s, x) => s + (x - mean) ** 2, 0) / I.length);
      expect(mean).toBeCloseTo(5, 0);
      expect(Math.abs(sd - 1.5)).toBeLessThan(0.1);
    }
  });
});

describe('monitors', () => {
  it('record state, algebraic variables and inputs, with times, at a period', () => {
    const m = defineNeuron({ name: 'alg', parameters: { I: 1 }, equations: 'dx/dt = I : init = 0\ny = 2 * x' });
    const pop = new Population(m, 1, { dt: 0.1 });
    const mon = new Monitor(pop, ['x', 'y', 'I'], { period: 0.5 });
    pop.simulate(2);
    const c = mon.chunks()[0]!;
    expect(Array.from(c.times)).toEqual([0, 0.5, 1, 1.5]);
    expect(Array.from(c.values.get('x')!).map((v) => +v.toFixed(12))).toEqual([0, 0.5, 1, 1.5]);
    expect(Array.from(c.values.get('y')!).map((v) => +v.toFixed(12))).toEqual([0, 1, 2, 3]);
    expect(Array.from(c.values.get('I')!)).toEqual([1, 1, 1, 1]);
    expect(() => new Monitor(pop, ['z'])).toThrow(/'z' is not a variable of neuron 'alg'/);
    expect(() => new Monitor(pop, ['x'], { period: 0.25 })).toThrow(/multiple of dt/);
  });

  it('pause and resume leave a gap; a reset starts a new chunk at time 0', () => {
    const pop = new Population(lif, 1, { dt: 0.1 });
    pop.set({ I: 2 });
    const mon = new Monitor(pop, ['v', 'spike'], { start: false });
    pop.simulate(10);
    mon.start();
    pop.simulate(1);
    mon.pause();
    pop.simulate(1);
    mon.resume();
    pop.simulate(1);
    pop.reset();
    pop.simulate(0.5);
    const chunks = mon.chunks();
    expect(chunks.length).toBe(2);
    const t0 = Array.from(chunks[0]!.times).map((t) => +t.toFixed(9));
    expect(t0.length).toBe(20);
    expect(t0[0]).toBe(10);
    expect(t0[9]).toBe(10.9);
    expect(t0[10]).toBe(12);
    expect(chunks[0]!.duration).toBeCloseTo(13, 9);
    expect(Array.from(chunks[1]!.times).map((t) => +t.toFixed(9))).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(chunks[1]!.values.get('v')![0]).toBe(-65);
  });

  it('long runs are simulated in blocks without changing the result', () => {
    const big = new Population(integrator, 3000, { dt: 0.01 });
    big.set({ I: 1 });
    const mon = new Monitor(big, ['x'], { period: 1 });
    big.simulate(1000); // 100k steps x 3000 neurons: several blocks
    const c = mon.chunks()[0]!;
    expect(c.rows).toBe(1000);
    expect(c.values.get('x')![2999 * 1000 + 999]).toBeCloseTo(999, 6);
  });
});
