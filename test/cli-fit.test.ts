import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'neurofit.js');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-cli-fit-'));
const data10 = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');
const data15 = join(root, 'examples', 'data', 'izhikevich-rs-15.csv');

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('neurofit fit-trace', () => {
  it('fits recorded sweeps jointly and writes params, loss, lossSd, method, evaluations, history', () => {
    const out = join(dir, 'izh.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--data', data15, '--fit', 'a,b,d',
      '--bounds', 'a=0.01:0.05', '--set', 'c=-65', '--max-evals', '60', '--seed', '2', '--out', out);
    expect(r.stderr).toBe(''); // no progress bar when not on a terminal
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/60 evaluations \(auto\)/); // the default method
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.evaluations).toBe(60);
    expect(result.method).toBe('auto');
    expect(result.history.length).toBe(60);
    expect(result.params.c).toBe(-65);
    expect(result.params.a).toBeGreaterThanOrEqual(0.01);
    expect(result.params.a).toBeLessThanOrEqual(0.05);
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.lossSd).toBe(0);
    expect(result.bestRecordings.chunks.length).toBe(2);
    // the best loss is the smallest in the history
    expect(Math.min(...result.history.map((h: { loss: number }) => h.loss))).toBe(result.loss);
  });

  it('resamples data whose interval is not a multiple of dt', () => {
    const out = join(dir, 'resampled.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a', '--dt', '0.03', '--max-evals', '8', '--out', out);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    // 0.1 ms samples onto a 0.09 ms grid (3 steps of 0.03)
    expect(result.targetRecordings.chunks[0].times[1]).toBeCloseTo(0.09, 9);
    expect(result.bestRecordings.chunks[0].traces.v.length).toBe(result.targetRecordings.chunks[0].traces.v.length);
  });

  it('resumes from its results file', () => {
    const out = join(dir, 'resume.json');
    const args = ['fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--method', 'random', '--out', out, '--json'];
    expect(neurofit(...args, '--max-evals', '16').code).toBe(0);
    const r = neurofit(...args, '--max-evals', '32', '--resume');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.evaluations).toBe(32);
    expect(json.method).toBe('random');
    const first = JSON.parse(readFileSync(out, 'utf8')).history.slice(0, 16);
    expect(first.length).toBe(16);
  });

  it('refines by gradient: --method tpe+adam with --iters and --starts; output has iterations', () => {
    const out = join(dir, 'refine.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,b', '--loss', 'mse', '--method', 'tpe+adam',
      '--max-evals', '30', '--iters', '5', '--starts', '2', '--lr', '0.01', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.method).toBe('tpe+adam');
    expect(json.iterations).toBe(5);
    expect(json.evaluations).toBe(30); // the search's; the gradient steps' are counted apart
    expect(json.gradientEvaluations).toBe(2 * 6);
    expect(JSON.parse(readFileSync(out, 'utf8')).iterations).toBe(5);
  });

  it.each([
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'adam', '--loss', 'gamma'], /--method adam needs a differentiable loss: --loss sweep or mse/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'adam', '--loss', 'mse', '--lr', '-1'], /--lr must be > 0/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'lbfgs', '--loss', 'mse', '--iters', '0'], /--iters must be an integer >= 1/],
    [['--model', 'izhikevich', '--data', 'missing.csv', '--fit', 'a'], /cannot read data file 'missing.csv'/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'q'], /'q' is not a parameter of izhikevich/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--bounds', 'a=0.1:0.1'], /variablesBounds.a: both bounds are 0.1; give two different values/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--max-evals', '0'], /--max-evals must be an integer >= 1/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'grid'], /unknown method 'grid'/],
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--bounds', 'b=0:1'], /bounds given for 'b', which is not fitted/],
  ])('fit-trace %j fails with a one-line message', (args, message) => {
    const r = neurofit('fit-trace', ...(args as string[]), '--out', join(dir, 'bad.json'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  });

  it('reports a NaN in the data with file, line and column', () => {
    const bad = join(dir, 'nan.csv');
    writeFileSync(bad, 't,I,v\n0,0,-65\n0.1,0,NaN\n0.2,0,-65\n');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', bad, '--fit', 'a', '--out', join(dir, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nan.csv line 3, column 'v': 'NaN' is not a finite number/);
  });
});

describe('neurofit fit <module>', () => {
  it('runs the OptNeuron options a TypeScript module default-exports', () => {
    const out = join(dir, 'module.json');
    const r = neurofit('fit', join(root, 'examples', 'hh-to-izhikevich.fit.ts'), '--max-evals', '30', '--seed', '1', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.evaluations).toBe(30);
    expect(Object.keys(json.params).sort()).toEqual(['a', 'b', 'c', 'd', 'k']);
    expect(JSON.parse(readFileSync(out, 'utf8')).targetRecordings.chunks.length).toBe(4);
  });

  it('says what is wrong with a module that exports no options', () => {
    const mod = join(dir, 'empty.mts');
    writeFileSync(mod, 'export default 42;\n');
    const r = neurofit('fit', mod);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must default-export the OptNeuron options/);
    expect(neurofit('fit', join(dir, 'nosuch.ts')).stderr).toMatch(/no such file/);
  });
});

describe('held-out validation', () => {
  it('--validate scores the fit on sweeps it was not fitted to, in the output, the results file and the report', () => {
    const out = join(dir, 'validated.json');
    const held = [7, 20].map((a) => join(root, 'examples', 'data', `izhikevich-rs-${a}.csv`));
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--data', data15, '--validate', held[0]!, '--validate', held[1]!,
      '--fit', 'a,d', '--set', 'b=0.2,c=-65', '--max-evals', '40', '--out', out, '--json', '--report');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.validation.sweeps.length).toBe(2);
    const [v7, v20] = json.validation.sweeps;
    expect(v7.dataSpikes).toBe(13);
    expect(v20.dataSpikes).toBe(37);
    for (const s of json.validation.sweeps) {
      expect(s.gamma).toBeGreaterThanOrEqual(-1);
      expect(s.gamma).toBeLessThanOrEqual(1);
      expect(s.spikeCountError).toBe(s.modelSpikes - s.dataSpikes);
      expect(s.subthresholdRmse).toBeGreaterThan(0);
    }
    expect(JSON.parse(readFileSync(out, 'utf8')).validation).toEqual(json.validation);
    expect(readFileSync(join(dir, 'validated.html'), 'utf8')).toMatch(/Held-out validation/);
    expect(neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--validate', 'nope.csv', '--fit', 'a', '--out', out).stderr).toMatch(/cannot read data file 'nope.csv'/);
  });
});

describe('reports from the fit commands', () => {
  it('--report writes the HTML report beside the results file', () => {
    const out = join(dir, 'with-report.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--max-evals', '20', '--out', out, '--report');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report: .*with-report\.html/);
    const html = readFileSync(join(dir, 'with-report.html'), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/izhikevich/);
  });
});

describe('fit-trace losses', () => {
  it.each(['subthreshold', 'gamma', 'van-rossum', 'victor-purpura', 'isi', 'features'])('--loss %s fits and reports a finite loss', (loss) => {
    const out = join(dir, `loss-${loss}.json`);
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--loss', loss, '--max-evals', '25', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Number.isFinite(json.loss)).toBe(true);
    expect(json.loss).toBeLessThanOrEqual(Math.max(...json.history.map((h: { loss: number }) => h.loss)));
  });

  it('an unknown loss names the choices', () => {
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a', '--loss', 'l1', '--out', join(dir, 'l1.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown loss 'l1' \(choose from sweep, mse, subthreshold, gamma, van-rossum, victor-purpura, isi, features\)/);
  });
});
