import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RESULTS_FILE, Experiment, OptNeuron, Population, step, mse, readResultsFile, type Results, type OptNeuronOptions } from '../src/index.ts';
import { lif } from '../models/index.ts';

class Step extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v']);
    pop.input('I', step({ amplitude: 1.2, start: 0, stop: 20 }));
    this.simulate(20);
    return this.results();
  }
}

async function options(): Promise<OptNeuronOptions<Float64Array>> {
  const pop = new Population(lif, 1, { dt: 0.1 });
  pop.set({ tau_m: 12 }).reset();
  const target = (await new Step().execute(pop)).trace('v').slice();
  return {
    experiment: new Step(),
    neuronModel: lif,
    resultsSoll: target,
    getLoss: (ist: Results, soll: Float64Array) => mse(ist.trace('v'), soll) as number,
    residuals: (_ist, soll) => [{ trace: 'v', chunk: 0, target: soll }],
    variablesBounds: { tau_m: [5, 30] },
    timeStep: 0.1,
    method: 'lm',
    iterations: 5,
  };
}

const home = process.cwd();
afterEach(() => {
  process.chdir(home);
  vi.restoreAllMocks();
});

// vitest runs each file in a child process (pool 'forks'), so changing the directory is possible and stays in this file
describe('the default results file (CompNeuroPy writes ./dataRaw/parameter_fit/best.npy)', () => {
  it("run() without resultsFile writes dataRaw/parameter_fit/best.json in the working directory and says so; resultsFile: false writes none", async () => {
    const o = await options();
    const dir = mkdtempSync(join(tmpdir(), 'neurofit-default-'));
    process.chdir(dir);
    const said: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (said.push(String(s)), true));
    const fit = await new OptNeuron(o).run({});
    expect(DEFAULT_RESULTS_FILE).toBe('dataRaw/parameter_fit/best.json');
    expect(readResultsFile(join(dir, DEFAULT_RESULTS_FILE)).history.length).toBe(fit.history.length);
    expect(said.join('')).toMatch(/results go to dataRaw\/parameter_fit\/best.json \(the default.*resultsFile: false writes none\)/);

    const other = mkdtempSync(join(tmpdir(), 'neurofit-none-'));
    process.chdir(other);
    said.length = 0;
    await new OptNeuron(o).run({ resultsFile: false });
    expect(existsSync(join(other, 'dataRaw'))).toBe(false);
    expect(said.join('')).not.toMatch(/results go to/);
  });
});
