import { describe, expect, it } from 'vitest';
import { Population, Monitor, step } from '../src/index.ts';
import { builtinModels, hodgkinHuxley, izhikevich, adex, pospischil } from '../models/index.ts';

function spikes(model: typeof izhikevich, amplitude: number, o: { dt?: number; start?: number; stop?: number; ms?: number } = {}) {
  const pop = new Population(model, 1, { dt: o.dt ?? 0.01 });
  pop.input('I', step({ amplitude, start: o.start ?? 100, stop: o.stop ?? 900 }));
  const mon = new Monitor(pop, ['spike']);
  pop.simulate(o.ms ?? 1000);
  return Array.from(mon.chunks()[0]!.spikes[0]!);
}

const isis = (s: number[]) => s.slice(1).map((t, k) => t - s[k]!);

describe('built-in models', () => {
  it('every model has a finite default for each parameter and its current as I', () => {
    for (const m of Object.values(builtinModels)) {
      expect(m.parameterNames).toContain('I');
      for (const v of Object.values(m.parameters)) expect(Number.isFinite(v)).toBe(true);
      expect(m.spec.description).not.toBe('');
    }
  });

  it('Hodgkin-Huxley: no repetitive firing below rheobase (~6.2 uA/cm2), about 68 Hz at 10', () => {
    expect(spikes(hodgkinHuxley, 5).length).toBeLessThanOrEqual(1);
    const s = spikes(hodgkinHuxley, 10);
    const rate = 1000 / isis(s).slice(-3).reduce((a, b) => a + b / 3, 0);
    expect(rate).toBeGreaterThan(60);
    expect(rate).toBeLessThan(75);
  });

  it('Izhikevich RS fires tonically with a shorter first interval', () => {
    const d = isis(spikes(izhikevich, 10));
    expect(d.length).toBeGreaterThan(5);
    expect(d[0]).toBeLessThan(d[d.length - 1]!);
  });

  it('AdEx (Naud 2008 adapting) at 500 pA: intervals lengthen', () => {
    const d = isis(spikes(adex, 500));
    expect(d.length).toBeGreaterThan(3);
    expect(d[d.length - 1]! / d[0]!).toBeGreaterThan(2);
  });

  it('AdEx spike times converge as dt shrinks (spikes cut at VT + 5 DeltaT): euler first order, rk4 within 0.25 ms at dt 0.05', () => {
    const error = (dt: number, method: 'euler' | 'rk4', reference: number[]) => {
      const pop = new Population(adex, 1, { dt, method });
      pop.input('I', step({ amplitude: 500, start: 100, stop: 900 }));
      const mon = new Monitor(pop, ['spike']);
      pop.simulate(1000);
      const s = Array.from(mon.chunks()[0]!.spikes[0]!);
      expect(s.length).toBe(reference.length);
      return Math.max(...s.map((t, k) => Math.abs(t - reference[k]!)));
    };
    const reference = spikes(adex, 500, { dt: 0.001 });
    expect(reference.length).toBeGreaterThan(10);
    const e05 = error(0.05, 'euler', reference);
    const e025 = error(0.025, 'euler', reference);
    expect(e05).toBeLessThan(1);
    expect(e05 / e025).toBeGreaterThan(1.7);
    expect(e05 / e025).toBeLessThan(2.3);
    expect(error(0.05, 'rk4', reference)).toBeLessThan(0.25);
  });

  it('Pospischil RS: rests near -70 mV and adapts through its M-current', () => {
    const rest = new Population(pospischil, 1, { dt: 0.025 }).simulate(500).get('v')[0]!;
    expect(rest).toBeGreaterThan(-75);
    expect(rest).toBeLessThan(-65);
    const d = isis(spikes(pospischil, 0.5, { dt: 0.025 }));
    expect(d.length).toBeGreaterThan(3);
    expect(d[d.length - 1]! / d[0]!).toBeGreaterThan(1.3);
    // without the M-current the adaptation is gone
    const pop = new Population(pospischil, 1, { dt: 0.025 });
    pop.set({ gM: 0 }).reset();
    pop.input('I', step({ amplitude: 0.5, start: 100, stop: 900 }));
    const mon = new Monitor(pop, ['spike']);
    pop.simulate(1000);
    const flat = isis(Array.from(mon.chunks()[0]!.spikes[0]!));
    expect(flat[flat.length - 1]! / flat[1]!).toBeLessThan(1.1);
  });
});
