import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-settings-'));
const data10 = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'neurofit.js'), ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// the example fit module with a seed of its own
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
const module = join(dir, 'seeded.fit.ts');
writeFileSync(module, `import base from ${JSON.stringify(join(root, 'examples', 'hh-to-izhikevich.fit.ts'))};\nexport default { ...base, seed: 3 };\n`);

describe('neurofit fit: the module wins over a default, a flag over the module', () => {
  it("keeps the module's seed when no --seed is given, and records where each setting came from", () => {
    const out = join(dir, 'module-seed.json');
    const r = neurofit('fit', module, '--max-evals', '12', '--workers', '1', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/overrides/);
    const json = JSON.parse(r.stdout);
    expect(json.settings).toEqual({
      method: { value: 'auto', from: 'default' },
      maxEvals: { value: 12, from: 'cli' },
      seed: { value: 3, from: 'module' },
      workers: { value: 1, from: 'cli' },
      timeStep: { value: 0.01, from: 'module' },
    });
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.seed).toBe(3);
    expect(saved.settings).toEqual(json.settings);
    // the seed is the one used: the same evaluations as --seed 3 given outright
    const explicit = JSON.parse(neurofit('fit', module, '--max-evals', '12', '--workers', '1', '--seed', '3', '--out', join(dir, 'seed3.json'), '--json').stdout);
    expect(explicit.history).toEqual(json.history);
    expect(explicit.settings.seed).toEqual({ value: 3, from: 'cli' });
  }, 120_000);

  it('a --seed given overrides the module and says so on stderr', () => {
    const out = join(dir, 'flag-seed.json');
    const r = neurofit('fit', module, '--max-evals', '12', '--workers', '1', '--seed', '5', '--method', 'tpe', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--seed 5 overrides the module's seed 3/);
    expect(r.stdout).toMatch(/settings: method tpe \(cli\), maxEvals 12 \(cli\), seed 5 \(cli\)/);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.seed).toBe(5);
    expect(saved.settings.seed).toEqual({ value: 5, from: 'cli' });
  }, 60_000);
});

describe('neurofit fit-trace records where each setting came from', () => {
  it('flags as cli, the rest as defaults, the gradient settings of a refinement too', () => {
    const out = join(dir, 'trace.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a,b', '--loss', 'mse', '--method', 'tpe+adam', '--max-evals', '8', '--iters', '2', '--dt', '0.05', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const { settings } = JSON.parse(r.stdout);
    expect(settings).toMatchObject({
      method: { value: 'tpe+adam', from: 'cli' },
      maxEvals: { value: 8, from: 'cli' },
      seed: { value: 0, from: 'default' },
      iterations: { value: 2, from: 'cli' },
      starts: { value: 3, from: 'default' },
      learningRate: { value: 0.05, from: 'default' },
      timeStep: { value: 0.05, from: 'cli' },
    });
    expect(settings.workers.from).toBe('default');
    expect(JSON.parse(readFileSync(out, 'utf8')).settings).toEqual(settings);
  }, 60_000);
});
