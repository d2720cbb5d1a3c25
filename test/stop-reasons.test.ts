import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Experiment, OptNeuron, Population, mse, readResultsFile, step, stopAtLoss, stopOnPlateau, type Results } from '../src/index.ts';
import { lif } from '../models/index.ts';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-stops-'));
const data10 = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'neurofit.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

class Step extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v']);
    pop.input('I', step({ amplitude: 1, start: 0, stop: 20 }));
    this.simulate(20);
    return this.results();
  }
}

/** A passive LIF whose target is the same model at tau_m = 12: smooth, with a minimum of loss 0. */
async function passive(extra: Record<string, unknown>) {
  const pop = new Population(lif, 1, { dt: 0.05 });
  pop.set({ tau_m: 12 }).reset();
  const soll = (await new Step().execute(pop)).trace('v').slice();
  const file = join(dir, `passive-${Math.random().toString(36).slice(2)}.json`);
  const fit = await new OptNeuron<Float64Array>({
    experiment: new Step(), neuronModel: lif, resultsSoll: soll, timeStep: 0.05,
    getLoss: (ist, s) => mse(ist.trace('v'), s) as number, variablesBounds: { tau_m: [5, 30] }, ...extra,
  }).run({ resultsFile: file });
  return { fit, saved: readResultsFile(file) };
}

describe('every gradient stop has a reason, in the FitResult and the results file', () => {
  it('lbfgs on a smooth problem converges and says which tolerance it met', async () => {
    const { fit, saved } = await passive({ method: 'lbfgs', iterations: 200 });
    expect(fit.iterations).toBeLessThan(200);
    expect(fit.stopReason).toEqual({ gradient: 'converged: gradient tolerance' });
    expect(saved.stopReason).toEqual(fit.stopReason);
    expect(fit.evaluations).toBe(0); // no search
    expect(fit.gradientEvaluations).toBe(fit.history.length);
  }, 60_000);

  it('a callback that stops is a user stop; stopOnPlateau is a plateau; running out of steps is max iterations', async () => {
    expect((await passive({ method: 'adam', iterations: 50, callbacks: [stopAtLoss(Infinity)] })).fit.stopReason).toEqual({ gradient: 'user stop' });
    const plateau = await passive({ method: 'adam', iterations: 50, callbacks: [stopOnPlateau({ patience: 2, minDelta: 0.9 })] });
    expect(plateau.fit.stopReason).toEqual({ gradient: 'plateau' });
    expect(plateau.fit.iterations).toBeLessThan(50);
    expect((await passive({ method: 'adam', iterations: 3 })).fit.stopReason).toEqual({ gradient: 'max iterations' });
  }, 60_000);

  it('a NaN loss ends the fit with its error, and the results file says loss is NaN', async () => {
    let calls = 0;
    const file = join(dir, 'nan.json');
    const pop = new Population(lif, 1, { dt: 0.05 });
    const soll = (await new Step().execute(pop)).trace('v').slice();
    const nanLoss = (ist: Results, s: Float64Array) => (++calls > 2 ? (mse(ist.trace('v'), s) as unknown as { mul(x: number): number }).mul(NaN) : mse(ist.trace('v'), s)) as number;
    await expect(
      new OptNeuron<Float64Array>({ experiment: new Step(), neuronModel: lif, resultsSoll: soll, timeStep: 0.05, getLoss: nanLoss, variablesBounds: { tau_m: [5, 30] }, method: 'adam' }).run({ resultsFile: file }),
    ).rejects.toThrow(/stopped at step 2: loss NaN/);
    expect(readResultsFile(file).stopReason).toEqual({ gradient: 'loss is NaN' });
  }, 60_000);
});

describe('neurofit fit-trace says why each part stopped', () => {
  it('lbfgs and lm with a tiny --iters: max iterations, in the summary, the JSON and the results file', () => {
    for (const method of ['lbfgs', 'lm']) {
      const out = join(dir, `${method}.json`);
      const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,b,d', '--loss', 'mse', '--method', method, '--iters', '1', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`1 gradient step \\(\\d+ evaluations\\) \\(${method}\\)`));
      expect(r.stdout).toMatch(/stopped: max iterations \(gradient\)/);
      expect(JSON.parse(readFileSync(out, 'utf8')).stopReason).toEqual({ gradient: 'max iterations' });
    }
  }, 120_000);

  it('tpe+adam --max-evals N: N search evaluations, the gradient steps counted apart, both reasons', () => {
    const out = join(dir, 'tpe-adam.json');
    const args = ['fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,b', '--loss', 'mse', '--method', 'tpe+adam', '--max-evals', '24', '--iters', '4', '--starts', '2', '--out', out];
    const json = JSON.parse(neurofit(...args, '--json').stdout);
    expect(json.evaluations).toBe(24);
    expect(json.gradientEvaluations).toBe(2 * 5); // 4 steps and the point the last one reached, for each start
    expect(json.history.length).toBe(24 + 10);
    expect(json.stopReason).toEqual({ search: 'max evaluations', gradient: 'max iterations' });
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect([saved.evaluations, saved.gradientEvaluations, saved.stopReason]).toEqual([24, 10, json.stopReason]);
    const text = neurofit(...args).stdout;
    expect(text).toMatch(/24 evaluations \+ 4 gradient steps \(10 evaluations, counted apart\) \(tpe\+adam\)/);
    expect(text).toMatch(/stopped: max evaluations \(search\), max iterations \(gradient\)/);
  }, 120_000);

  it('--max-seconds: time budget', () => {
    const out = join(dir, 'budget.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--method', 'tpe', '--max-evals', '100000', '--max-seconds', '1', '--workers', '1', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.stopReason).toEqual({ search: 'time budget' });
    expect(json.evaluations).toBeLessThan(100000);
    expect(JSON.parse(readFileSync(out, 'utf8')).stopReason).toEqual({ search: 'time budget' });
  }, 60_000);
});
