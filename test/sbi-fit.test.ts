import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoxUniform, Experiment, OptNeuron, parseMethod, readResultsFile, step, type OptNeuronOptions, type Population, type Results } from '../src/index.ts';
import { lif } from '../models/index.ts';
import { renderReport } from '../src/report/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-sbi-'));

class Step extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v', 'spike']);
    pop.input('I', step({ amplitude: 3, start: 10, stop: 190 }));
    this.simulate(200);
    return this.results();
  }
}

const summary = (r: Results) => [r.spikes().length, r.trace('v')[150]!];

function base(over: Partial<OptNeuronOptions<Results>> = {}): OptNeuronOptions<Results> {
  return {
    experiment: new Step(),
    // CompNeuroPy's sbi conditions on the loss terms being 0
    getLoss: (ist, soll) => [(ist.spikes().length - soll.spikes().length) ** 2, Math.abs(ist.trace('v')[150]! - soll.trace('v')[150]!) / 10],
    variablesBounds: { tau_m: [5, 30] },
    neuronModel: lif,
    targetNeuronModel: lif,
    targetParameters: { tau_m: 15 },
    timeStep: 0.1,
    seed: 1,
    method: 'sbi',
    ...over,
  };
}

describe("OptNeuron method 'sbi'", () => {
  it("is a method ('sbi'), next to CompNeuroPy's hyperopt and deap", async () => {
    expect(parseMethod('sbi')).toEqual({ sbi: true });
    expect(parseMethod('hyperopt')).toEqual({ search: 'tpe' });
    await expect(new OptNeuron(base({ prior: new BoxUniform([0, 0], [1, 1]) })).run({ maxEvals: 20, resultsFile: false })).rejects.toThrow(/prior has dimension 2 but 1 variables are fitted \(tau_m\)/);
  });

  it('with `summary`: x_o = summary(target); the posterior holds the true tau_m, the MAP is re-simulated, the pair plot written beside the results file', async () => {
    const resultsFile = join(dir, 'summary', 'fit.json');
    const fit = await new OptNeuron(base({ summary })).run({ maxEvals: 1000, resultsFile });
    const p = fit.posterior!;
    expect(fit.evaluations).toBe(1000);
    expect(p.names).toEqual(['tau_m']);
    expect(p.samples).toHaveLength(1000);
    expect(p.q05[0]!).toBeLessThan(15);
    expect(p.q95[0]!).toBeGreaterThan(15);
    expect(Math.abs(fit.params['tau_m']! - 15)).toBeLessThan(2);
    expect(p.observation).toEqual(summary(fit.target as Results));
    expect(fit.loss).toBeLessThan(1);
    expect(p.acceptanceRate).toBeGreaterThan(0.5);
    expect(p.coverage!.levels).toEqual([0.5, 0.8, 0.95]);
    const file = readResultsFile(resultsFile);
    expect((file.posterior as { samples: unknown[] }).samples).toHaveLength(1000);
    expect(file.params).toEqual(fit.params);
    expect(file.method).toBe('sbi');
    expect(existsSync(join(dir, 'summary', 'posterior.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'summary', 'posterior.svg'), 'utf8')).toMatch(/<svg[\s\S]*tau_m/);
    // the HTML report: a posterior table and the pair plot
    const html = await renderReport(file);
    expect(html).toMatch(/<h2>Posterior<\/h2><table[^>]*><thead><tr><th>parameter<\/th><th>mean<\/th>/);
    expect(html).toMatch(/acceptance [\d.]+ % of draws inside the prior/);
    expect(html).toMatch(/id="posterior"|Posterior<\/h3>|figure[\s\S]*Posterior/);
  }, 300_000);

  it('rounds: 2 (truncated sequential NPE): the second round simulates only where the first posterior has mass', async () => {
    const fit = await new OptNeuron(base({ summary, sbi: { rounds: 2 } })).run({ maxEvals: 1000, sbiPlotFile: join(dir, 'rounds', 'p.svg'), resultsFile: false });
    const tau = fit.history.map((h) => h.params['tau_m']!);
    const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
    expect(spread(tau.slice(0, 500))).toBeGreaterThan(20); // round 1: the prior, 5..30
    expect(spread(tau.slice(500))).toBeLessThan(0.6 * spread(tau.slice(0, 500)));
    const p = fit.posterior!;
    expect(p.q05[0]!).toBeLessThan(15);
    expect(p.q95[0]!).toBeGreaterThan(15);
    expect(p.coverage).toBeUndefined();
  }, 300_000);

  it("CompNeuroPy mode (no summary): x = getLoss's terms, x_o = zeros", async () => {
    const sbiPlotFile = join(dir, 'compneuropy', 'pairs.svg');
    const fit = await new OptNeuron(base()).run({ maxEvals: 1000, sbiPlotFile, resultsFile: false });
    const p = fit.posterior!;
    expect(p.observation).toEqual([0, 0]);
    expect(p.q05[0]!).toBeLessThan(15);
    expect(p.q95[0]!).toBeGreaterThan(15);
    expect(Math.abs(fit.params['tau_m']! - 15)).toBeLessThan(2.5);
    expect(existsSync(sbiPlotFile)).toBe(true);
  }, 300_000);
});
