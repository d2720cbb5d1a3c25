import { describe, expect, it } from 'vitest';
import { defineNeuron, ModelDefinitionError, Population, Monitor, type NeuronDefinition } from '../src/index.ts';

const base: NeuronDefinition = {
  name: 'test',
  parameters: { tau: 10, I: 0 },
  equations: 'tau * dv/dt = -v + I : init = 0',
};

function errorOf(def: Partial<NeuronDefinition>): ModelDefinitionError {
  try {
    defineNeuron({ ...base, ...def });
  } catch (err) {
    expect(err).toBeInstanceOf(ModelDefinitionError);
    return err as ModelDefinitionError;
  }
  throw new Error('definition was accepted');
}

describe('bad definitions are reported with model, line and symbol', () => {
  it('parse error', () => {
    const e = errorOf({ equations: 'dv/dt = -v +* I' });
    expect(e.message).toMatch(/neuron 'test', equations line 1 .*cannot parse/);
  });

  it('unknown symbol', () => {
    const e = errorOf({ equations: 'dv/dt = -v + I\ndw/dt = -w + vv' });
    expect(e.message).toMatch(/equations line 2 .*unknown symbol 'vv'/);
    expect(e.symbol).toBe('vv');
  });

  it('unknown function', () => {
    expect(errorOf({ equations: 'dv/dt = foo(v)' }).message).toMatch(/unknown function 'foo'/);
  });

  it('duplicate definition', () => {
    const e = errorOf({ equations: 'dv/dt = -v\ng = 2*v\ng = 3*v' });
    expect(e.message).toMatch(/equations line 3 .*duplicate definition of 'g' \(first defined on line 2\)/);
    expect(errorOf({ equations: 'dtau/dt = -tau' }).message).toMatch(/'tau' is already defined as a parameter/);
  });

  it('reset of an unknown variable', () => {
    const e = errorOf({ spike: 'v > 1', reset: 'v = 0; w += 1' });
    expect(e.message).toMatch(/reset \('w \+= 1'\): reset of unknown state variable 'w'/);
    expect(errorOf({ spike: 'v > 1', reset: 'tau = 0' }).message).toMatch(/'tau' \(a parameter/);
  });

  it('a parameter that is not a finite number', () => {
    const e = errorOf({ parameters: { tau: NaN, I: 0 } });
    expect(e.message).toMatch(/parameter 'tau': value NaN is not a finite number/);
    expect(errorOf({ parameters: { tau: Infinity, I: 0 } }).symbol).toBe('tau');
  });

  it('a cycle among algebraic definitions', () => {
    const e = errorOf({ equations: 'dv/dt = -v + a\na = b + 1\nb = 2 * a' });
    expect(e.message).toMatch(/algebraic definitions form a cycle: (a -> b -> a|b -> a -> b)/);
  });

  it('unknown flag, unknown method, reserved names', () => {
    expect(errorOf({ equations: 'dv/dt = -v : inti = 0' }).message).toMatch(/unknown flag 'inti'/);
    expect(errorOf({ method: 'heun' as never }).message).toMatch(/unknown integration method 'heun'/);
    expect(errorOf({ equations: 'dt = 2\ndv/dt = -v' }).message).toMatch(/'dt' is reserved/);
  });

  it('init may use only parameters', () => {
    expect(errorOf({ equations: 'dv/dt = -v : init = v' }).message).toMatch(/init: unknown symbol 'v'/);
  });
});

describe('what a definition may contain', () => {
  it('algebraic definitions in any order, conditionals, user functions, min/max flags', () => {
    const m = defineNeuron({
      name: 'features',
      parameters: { I: 1, theta: 0.5 },
      functions: 'sq(x) = x * x',
      equations: `
        drive = ite(v > theta, 0, gain)       # uses gain, defined below
        gain = sq(I) + (I > 0 ? 1 : 0)
        dv/dt = drive - v : init = 0, max = 0.8
      `,
    });
    expect(m.algebraicVariables).toEqual(['gain', 'drive']);
    const pop = new Population(m, 1, { dt: 0.01, method: 'rk4' });
    const mon = new Monitor(pop, ['v', 'drive', 'gain']);
    pop.simulate(20);
    const c = mon.chunks()[0]!;
    expect(c.values.get('gain')![0]).toBe(2);
    // drive switches off above theta, so v settles just above it and never reaches the max
    const v = c.values.get('v')!;
    expect(Math.max(...v)).toBeLessThan(0.52);
    expect(v[v.length - 1]).toBeGreaterThan(0.49);
  });

  it('min/max flags clamp the state', () => {
    const m = defineNeuron({ name: 'clamp', parameters: {}, equations: 'dx/dt = 1 : init = 0, max = 0.25' });
    const pop = new Population(m, 1, { dt: 0.1 });
    pop.simulate(1);
    expect(pop.get('x')[0]).toBe(0.25);
  });

  it('refractory period holds the spike variable at its reset value', () => {
    const m = defineNeuron({
      name: 'refr',
      parameters: { I: 2 },
      equations: 'dv/dt = I : init = 0',
      spike: 'v >= 1',
      reset: 'v = 0',
      refractory: 'I + 1',
    });
    const pop = new Population(m, 1, { dt: 0.001 });
    const mon = new Monitor(pop, ['spike']);
    pop.simulate(10);
    // charge to threshold takes 0.5 ms, then 3 ms refractory: period 3.5 ms
    const s = mon.chunks()[0]!.spikes[0]!;
    expect(Array.from(s).map((t) => +t.toFixed(6))).toEqual([0.5, 4, 7.5]);
  });

  it('spike times are interpolated inside the step', () => {
    const m = defineNeuron({ name: 'ramp', parameters: {}, equations: 'dv/dt = 1 : init = 0', spike: 'v > 0.33', reset: 'v = 0' });
    const pop = new Population(m, 1, { dt: 0.1 });
    const mon = new Monitor(pop, ['spike']);
    pop.simulate(0.5);
    expect(mon.chunks()[0]!.spikes[0]![0]).toBeCloseTo(0.33, 12);
  });

  it('a model without reset spikes once per upward crossing', () => {
    const m = defineNeuron({ name: 'sine', parameters: {}, equations: 'dx/dt = cos(t) : init = 0', spike: 'x > 0.5' });
    const pop = new Population(m, 1, { dt: 0.001, method: 'rk4' });
    const mon = new Monitor(pop, ['spike']);
    pop.simulate(4 * Math.PI);
    // x = sin(t) crosses 0.5 upwards at pi/6 and 2pi + pi/6
    const s = mon.chunks()[0]!.spikes[0]!;
    expect(s.length).toBe(2);
    expect(s[0]).toBeCloseTo(Math.PI / 6, 6);
    expect(s[1]).toBeCloseTo(2 * Math.PI + Math.PI / 6, 6);
  });

  it('random draws are reproducible with a seed and differ between neurons', () => {
    const m = defineNeuron({ name: 'noisy', parameters: { s: 1 }, equations: 'dx/dt = Normal(0, s) : init = 0' });
    const final = (seed: number) => {
      const pop = new Population(m, 3, { dt: 0.1, seed });
      pop.simulate(10);
      return pop.get('x');
    };
    expect(final(1)).toEqual(final(1));
    expect(final(1)).not.toEqual(final(2));
    const x = final(1);
    expect(new Set(x).size).toBe(3);
  });

  it('shared exponentials agree with direct evaluation', () => {
    const m = defineNeuron({
      name: 'shifted',
      parameters: {},
      equations: 'dx/dt = exp(-(x + 40) / 10) + exp(-(x + 55) / 10) - exp((x + 30) / 10) : init = -60',
    });
    // the generated step shares one Math.exp call among the three
    const src = m.kernel({ method: 'euler', driven: [], record: [] }).toString();
    expect(src.match(/Math\.exp/g)!.length).toBe(1);
    let x = -60;
    for (let s = 0; s < 500; s++) x += 0.01 * (Math.exp(-(x + 40) / 10) + Math.exp(-(x + 55) / 10) - Math.exp((x + 30) / 10));
    const got = new Population(m, 1, { dt: 0.01 }).simulate(5).get('x')[0]!;
    expect(Math.abs(got - x) / Math.abs(x)).toBeLessThan(1e-13);
  });
});
