import { describe, expect, it } from 'vitest';
import { Experiment, Population, step, type Results } from '../src/index.ts';
import { izhikevich, lif } from '../models/index.ts';
import { CurrentStep, FICurve, CurrentRamp } from '../experiments/index.ts';

class TwoSteps extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v', 'spike']);
    pop.input('I', step({ amplitude: 10, start: 50, stop: 250 }));
    this.simulate(300);
    this.reset();
    pop.set({ I: 15 }); // ANNarchy habit: set a parameter, simulate
    this.simulate(300);
    this.data.amplitudes = [10, 15];
    return this.results();
  }
}

describe('Experiment', () => {
  it('runs a user protocol into chunked results with data', async () => {
    const pop = new Population(izhikevich, 1, { dt: 0.05 });
    const r = await new TwoSteps().execute(pop);
    expect(r.numChunks).toBe(2);
    expect(r.data.amplitudes).toEqual([10, 15]);
    expect(r.trace('v', 0).length).toBe(6000);
    expect(r.times(1)[0]).toBe(0);
    expect(r.trace('v', 1)[0]).toBe(-65); // reset to init
    const s0 = r.spikes(0);
    expect(s0.length).toBeGreaterThan(3);
    expect(s0.every((t) => t >= 50 && t < 252)).toBe(true);
    expect(r.spikes(1).length).toBeGreaterThan(s0.length);
    expect(r.monDict).toEqual(['v']);
    expect(() => r.trace('u')).toThrow(/'u' was not recorded/);
    expect(() => r.spikes(2)).toThrow(/no chunk 2/);
  });

  it('reset() returns parameters changed during the run unless told not to', async () => {
    class Keep extends Experiment {
      constructor(private keep: boolean) {
        super({ record: ['I'] });
      }
      run(pop: Population) {
        pop.set({ I: 3 });
        this.simulate(1);
        this.reset({ parameters: !this.keep });
        this.simulate(1);
        return this.results();
      }
    }
    const pop = new Population(izhikevich, 1);
    expect((await new Keep(false).execute(pop)).trace('I', 1)[0]).toBe(0);
    expect((await new Keep(true).execute(pop)).trace('I', 1)[0]).toBe(3);
  });

  it('the same run() serves a batch; each neuron has its own view', async () => {
    const pop = new Population(izhikevich, 3, { dt: 0.05 });
    pop.set({ d: [8, 4, 2] });
    const batch = await new TwoSteps().execute(pop);
    expect(batch.size).toBe(3);
    for (let i = 0; i < 3; i++) {
      const single = new Population(izhikevich, 1, { dt: 0.05 });
      single.set({ d: [8, 4, 2][i]! });
      const alone = await new TwoSteps().execute(single);
      expect(batch.forNeuron(i).spikes(1)).toEqual(alone.spikes(1));
      expect(batch.forNeuron(i).trace('v', 0)).toEqual(alone.trace('v', 0));
    }
  });
});

describe('ready protocols', () => {
  it('current step on a LIF matches the analytic firing rate', async () => {
    const pop = new Population(lif, 1, { dt: 0.005 });
    const r = await new CurrentStep({ amplitude: 2, start: 100, stop: 1100, duration: 1200 }).execute(pop);
    // T = t_ref + tau ln(RI / (RI - (theta - EL))) = 2 + 10 ln(4) ms
    const period = 2 + 10 * Math.log(4);
    const s = r.spikes();
    const isi = (s[s.length - 1]! - s[0]!) / (s.length - 1);
    expect(isi).toBeCloseTo(period, 1);
    expect(r.trace('v').length).toBe(240000);
  });

  it('f-I curve: one chunk per amplitude, rates increasing with current', async () => {
    const protocol = { amplitudes: [0, 1.6, 2, 3], start: 50, stop: 550 };
    const r = await new FICurve(protocol).execute(new Population(lif, 1, { dt: 0.01 }));
    expect(r.numChunks).toBe(4);
    const rates = FICurve.rates(r, protocol);
    expect(rates[0]).toBe(0);
    for (let k = 1; k < rates.length; k++) expect(rates[k]).toBeGreaterThan(rates[k - 1]!);
    // analytic LIF rate at 3 nA: 1000 / (2 + 10 ln(30 / 15))
    expect(rates[3]).toBeCloseTo(1000 / (2 + 10 * Math.log(2)), -1);
  });

  it('ramp: the first spike comes when the current passes rheobase', async () => {
    const r = await new CurrentRamp({ from: 0, to: 3, start: 0, stop: 3000 }).execute(new Population(lif, 1, { dt: 0.01 }));
    // a slow ramp crosses the LIF rheobase (theta - EL) / R = 1.5 nA half-way, plus ~tau of lag
    const first = r.spikes()[0]!;
    expect(first).toBeGreaterThan(1500);
    expect(first).toBeLessThan(1600);
  });
});
