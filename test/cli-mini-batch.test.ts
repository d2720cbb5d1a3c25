import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'neurofit.js');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-cli-mini-batch-'));
const data10 = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');
const data15 = join(root, 'examples', 'data', 'izhikevich-rs-15.csv');

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('neurofit fit-trace --mini-batch', () => {
  it('each adam step between the first and the end runs one of the two sweeps; the setting is recorded', () => {
    const out = join(dir, 'mb.json');
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--data', data15, '--fit', 'a', '--loss', 'mse',
      '--method', 'adam', '--iters', '4', '--mini-batch', '1', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8'));
    const batches = file.history.map((h: { batch?: number[] }) => h.batch?.length ?? 'all');
    expect(batches).toEqual(['all', 1, 1, 1, 'all']);
    expect(file.settings.miniBatch).toEqual({ value: 1, from: 'cli' });
    expect(file.loss).toBe(Math.min(file.history[0].loss, file.history[4].loss));
  }, 120_000);

  it('is refused with a one-line message for methods that compare losses of the same sweeps', () => {
    const r = neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--data', data15, '--fit', 'a', '--loss', 'mse',
      '--method', 'lbfgs', '--mini-batch', '1', '--out', join(dir, 'bad.json'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/miniBatch applies to the gradient steps of adam, sgd and rmsprop, not method 'lbfgs'/);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(neurofit('fit-trace', '--model', 'izhikevich', '--data', data10, '--fit', 'a', '--method', 'adam', '--mini-batch', '0', '--out', join(dir, 'bad0.json')).stderr).toMatch(/--mini-batch must be an integer >= 1, got 0/);
  });
});
