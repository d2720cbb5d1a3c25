import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'neurofit.js');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-cli-sbi-'));
const data10 = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('neurofit with --method sbi', () => {
  it('fit-trace: eFEL features of every sweep are the summary (--features chooses them); the posterior, its calibration and the pair plot', () => {
    const out = join(dir, 'trace', 'sbi.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--method', 'sbi', '--max-evals', '400',
      '--features', 'Spikecount,mean_frequency,time_to_first_spike,voltage_base', '--dt', '0.05', '--workers', '1', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/400 evaluations \(sbi\)/);
    expect(r.stdout).toMatch(/posterior \(maf; 1000 draws at x_o; fit = its MAP\)/);
    expect(r.stdout).toMatch(/\n\s+a\s+[-\d.e]+\s+[-\d.e]+/);
    expect(r.stdout).toMatch(/coverage: posterior (calibrated|MISCALIBRATED) on 40 held-out simulations \(coverage 50 %: [\d.]+ %, 80 %/);
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file.posterior.names).toEqual(['a', 'd']);
    expect(file.posterior.observation).toHaveLength(4);
    expect(file.posterior.samples).toHaveLength(1000);
    expect(existsSync(join(dir, 'trace', 'posterior.svg'))).toBe(true);
  }, 300_000);

  it("fit <module>: method 'sbi' from the command line, CompNeuroPy's way (x = the loss, x_o = 0)", () => {
    const out = join(dir, 'module', 'fit.json');
    const r = neurofit('fit', join(root, 'examples', 'hh-to-izhikevich.fit.ts'), '--method', 'sbi', '--max-evals', '200', '--seed', '1', '--workers', '1', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.method).toBe('sbi');
    expect(json.evaluations).toBe(200);
    expect(json.posterior.names.length).toBe(5);
    expect(json.posterior.samples).toBeUndefined(); // kept in the results file, not printed
    expect(JSON.parse(readFileSync(out, 'utf8')).posterior.samples).toHaveLength(1000);
  }, 300_000);

  it('--estimator nsf --rounds 2: a spline flow, trained in two rounds of truncated sequential NPE; both flags go with --method sbi only', () => {
    const out = join(dir, 'nsf', 'sbi.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,d', '--method', 'sbi', '--max-evals', '400', '--estimator', 'nsf', '--rounds', '2',
      '--features', 'Spikecount,mean_frequency,time_to_first_spike,voltage_base', '--dt', '0.05', '--workers', '1', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.settings.densityEstimator).toEqual({ value: 'nsf', from: 'cli' });
    expect(json.settings.rounds).toEqual({ value: 2, from: 'cli' });
    expect(json.posterior.estimator).toBe('nsf');
    expect(json.posterior.rounds).toBe(2);
    const wrong = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a', '--estimator', 'nsf', '--out', join(dir, 'x.json'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--estimator and --rounds go with --method sbi');
    const unknown = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'sbi', '--estimator', 'realnvp', '--out', join(dir, 'x.json'));
    expect(unknown.stderr).toContain('--estimator must be one of maf, nsf, mdn, got realnvp');
  }, 300_000);
});
