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
    // searched at a coarser step (the default --dt auto), confirmed at the fine one: the history's
    // best is the search's, the loss at the top the fine step's
    expect(result.timeSteps.search).toBeGreaterThan(result.timeSteps.fine);
    expect(Math.min(...result.history.map((h: { loss: number }) => h.loss))).toBe(result.timeSteps.searchLoss);
    expect(result.loss).toBe(result.timeSteps.fineLoss);
    expect(r.stdout).toMatch(/time step: searched at [\d.]+ ms \(.*\); confirmed at 0\.005 ms/);
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
    [['--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'adam', '--loss', 'gamma'], /--method adam needs a differentiable loss: --loss auto, sweep, coincidence or mse/],
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
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file.validation).toEqual(json.validation);
    // the held-out traces: in the results file (not in --json's summary) and drawn in the report
    expect(json.validationRecordings).toBeUndefined();
    expect(file.validationRecordings.data.chunks.map((c: { spikes: number[] }) => c.spikes.length)).toEqual([13, 37]);
    expect(file.validationRecordings.model.chunks.map((c: { spikes: number[] }) => c.spikes.length)).toEqual(json.validation.sweeps.map((s: { modelSpikes: number }) => s.modelSpikes));
    const html = readFileSync(join(dir, 'validated.html'), 'utf8');
    expect(html).toMatch(/Held-out validation/);
    expect(html).toMatch(/<h2[^>]*>Held-out sweeps<\/h2>/);
    expect(html).toMatch(/held out: [^<]*izhikevich-rs-7\.csv/);
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
    expect(r.stderr).toMatch(/unknown loss 'l1' \(choose from auto, sweep, coincidence, mse, subthreshold, gamma, van-rossum, victor-purpura, isi, features\)/);
  });
});

describe('fit-trace checks the data before any simulation', () => {
  const csv = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('a file without a current column is an error that says what to do', () => {
    const noI = csv('no-current.csv', readFileSync(data10, 'utf8').split('\n').map((l) => l.split(',').filter((_, k) => k !== 1).join(',')).join('\n'));
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', noI, '--fit', 'a', '--max-evals', '10', '--out', join(dir, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no current column 'I' \(columns: t, v\): name the current column \(--i-col NAME\), or say the current is zero on purpose \(--i-col none/);
  });

  it('a recording in seconds and volts read as ms and mV: warnings naming the flags, before the fit', () => {
    const si = csv('si.csv', readFileSync(data10, 'utf8').split('\n').map((l, k) => {
      if (k === 0 || l === '') return l;
      const [t, I, v] = l.split(',').map(Number);
      return `${t! / 1000},${I},${v! / 1000}`;
    }).join('\n'));
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', si, '--fit', 'a', '--max-evals', '10', '--out', join(dir, 'si.json'));
    expect(r.stderr).toMatch(/warning: .*lasts 1 ms; if its time column is in seconds, say so \(--time-unit s/);
    expect(r.stderr).toMatch(/warning: .*if it is in volts, say so \(--voltage-unit V/);
    expect(r.stderr).toMatch(/warning: no sweep's voltage crosses the spike threshold -20 mV/);
  });

  it('--current-unit converts the current to the model\'s unit (AdEx in pA fed nA data), or says why it cannot', () => {
    const pa = join(dir, 'adex-pa.csv');
    expect(neurofit('simulate', '--model', 'adex', '--step', '500:20:220', '--duration', '250', '--dt', '0.05', '--out', pa).code).toBe(0);
    const na = csv('adex-na.csv', readFileSync(pa, 'utf8').split('\n').map((l, k) => {
      if (k === 0 || l === '') return l;
      const [t, I, v] = l.split(',');
      return `${t},${Number(I) / 1000},${v}`;
    }).join('\n'));
    const out = join(dir, 'adex-na.json');
    const r = neurofit('fit-trace', '--model', 'adex', '--data', na, '--current-unit', 'nA', '--fit', 'a', '--max-evals', '4', '--method', 'random', '--workers', '1', '--dt', '0.05', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the current is converted from nA to pA \(×1000\)/);
    const I = JSON.parse(readFileSync(out, 'utf8')).targetRecordings.chunks[0].traces.I as number[];
    expect(Math.max(...I)).toBeCloseTo(500, 9);
    const fail = (...extra: string[]) => neurofit('fit-trace', '--model', 'adex', '--data', na, '--fit', 'a', '--max-evals', '4', '--out', out, ...extra);
    expect(fail('--current-unit', 'uA/cm2').stderr).toMatch(/--current-unit: cannot convert uA\/cm2 to adex's pA/);
    expect(fail('--current-unit', 'nA', '--current-scale', '1000').stderr).toMatch(/give --current-unit or --current-scale, not both/);
  });

  it("simulate draws the spikes of reset models, so its AdEx output is fitted as a spiking recording; with --spike-peak none it warns", () => {
    const drawn = join(dir, 'adex.csv');
    const bare = join(dir, 'adex-bare.csv');
    const sim = (out: string, ...extra: string[]) => neurofit('simulate', '--model', 'adex', '--step', '500:50:450', '--duration', '500', '--dt', '0.05', '--out', out, ...extra);
    const s = sim(drawn);
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/(\d+) spikes \(drawn to 30 mV in v\)/);
    const spikes = Number(/(\d+) spikes/.exec(s.stderr)![1]);
    expect(spikes).toBeGreaterThan(2);
    expect(sim(bare, '--spike-peak', 'none').code).toBe(0);
    const fit = (data: string, out: string) => neurofit('fit-trace', '--model', 'adex', '--data', data, '--fit', 'a', '--max-evals', '8', '--method', 'random', '--dt', '0.05', '--out', out, '--json');
    const ok = fit(drawn, join(dir, 'adex-fit.json'));
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toMatch(/warning/);
    expect(JSON.parse(readFileSync(join(dir, 'adex-fit.json'), 'utf8')).targetRecordings.chunks[0].spikes.length).toBe(spikes);
    const silent = fit(bare, join(dir, 'adex-bare.json'));
    expect(silent.stderr).toMatch(/warning: no sweep's voltage crosses the spike threshold -20 mV \(voltage -\d+(\.\d+)? … -4\d(\.\d+)? mV\)/);
  });
});

describe('simulate --params', () => {
  it("re-simulates a fit's best parameters on a new stimulus, the model taken from the results file", () => {
    const out = join(dir, 'for-params.json');
    expect(neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--set', 'b=0.2,c=-65', '--max-evals', '30', '--workers', '1', '--out', out).code).toBe(0);
    const best = JSON.parse(readFileSync(out, 'utf8')).params;
    const csvOut = join(dir, 'resim.csv');
    const r = neurofit('simulate', '--params', out, '--step', '12:50:450', '--duration', '500', '--dt', '0.01', '--out', csvOut);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/parameters from .*for-params\.json \(best of the izhikevich fit, loss /);
    // the same model and parameters through --set give the same trace, bit for bit
    const explicit = join(dir, 'resim-set.csv');
    const set = Object.entries(best).map(([k, v]) => `${k}=${v}`).join(',');
    expect(neurofit('simulate', '--model', 'izhikevich', '--set', set, '--step', '12:50:450', '--duration', '500', '--dt', '0.01', '--out', explicit).code).toBe(0);
    expect(readFileSync(csvOut, 'utf8')).toBe(readFileSync(explicit, 'utf8'));
    // --set wins over the file, and says so
    const over = neurofit('simulate', '--params', out, '--set', 'd=2', '--step', '12:50:450', '--duration', '500', '--out', join(dir, 'resim-d.csv'));
    expect(over.stderr).toMatch(/--set overrides d/);
    expect(neurofit('simulate', '--params', join(dir, 'nope.json'), '--out', join(dir, 'x.csv')).stderr).toMatch(/cannot read --params: no such results file/);
  });
});

describe('--history-csv', () => {
  it('writes every evaluation as CSV, from fit-trace and from report', () => {
    const out = join(dir, 'hist.json');
    const csvPath = join(dir, 'hist.csv');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--set', 'b=0.2,c=-65', '--max-evals', '24', '--workers', '1', '--out', out, '--history-csv', csvPath);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/history: .*hist\.csv/);
    const history = JSON.parse(readFileSync(out, 'utf8')).history as { loss: number; params: Record<string, number> }[];
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('evaluation,loss,lossSd,a,d,b,c'); // fitted first, then the held values
    expect(lines.length).toBe(history.length + 1);
    lines.slice(1).forEach((line, k) => {
      const [n, loss, , a, d] = line.split(',').map(Number);
      expect(n).toBe(k + 1);
      expect(loss).toBe(history[k]!.loss);
      expect(a).toBe(history[k]!.params.a);
      expect(d).toBe(history[k]!.params.d);
    });
    const again = join(dir, 'hist-report.csv');
    expect(neurofit('report', out, '--history-csv', again).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(csvPath, 'utf8'));
  });
});
