import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { hashValue } from '../src/index.ts';
import { terminalRestore } from '../src/cli/progress.ts';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'neurofit-resume-'));
const bin = join(root, 'bin', 'neurofit.js');
const data = join(root, 'examples', 'data', 'izhikevich-rs-10.csv');

// a fine time step slows each evaluation, so that the signal comes well before the budget is spent
const fitArgs = (method: string, maxEvals: number, out: string) => ['fit-trace', '--model', 'izhikevich', '--data', data, '--fit', 'a,b,d', '--method', method, '--max-evals', String(maxEvals), '--dt', '0.002', '--workers', '1', '--seed', '2', '--out', out];
const neurofit = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** Starts a fit, sends SIGINT once its file holds `after` evaluations; its exit code and stderr. */
async function interrupt(args: string[], out: string, after: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  while (!existsSync(out) || JSON.parse(readFileSync(out, 'utf8')).evaluations < after) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGINT');
  return { code: await exited, stderr };
}

describe('a fit interrupted with SIGINT and resumed', () => {
  for (const [method, maxEvals, after] of [
    ['tpe', 400, 20],
    // past auto's TPE exploration (75 evaluations for 3 parameters): CMA-ES's state is restored
    ['auto', 500, 110],
  ] as const) {
    it(`${method}: says what it saved, exits 130, and --resume ends bit for bit as an uninterrupted run`, async () => {
      const whole = join(dir, `${method}-whole.json`);
      const reference = neurofit(...fitArgs(method, maxEvals, whole), '--json');
      expect(reference.status).toBe(0);
      const out = join(dir, `${method}-interrupted.json`);
      // a budget it cannot reach before the signal; batches do not depend on it until the last
      const { code, stderr } = await interrupt(fitArgs(method, 100_000, out), out, after);
      expect(code).toBe(130);
      const saved = JSON.parse(readFileSync(out, 'utf8'));
      expect(saved.status).toBe('running');
      expect(saved.evaluations).toBeLessThanOrEqual(maxEvals - 8);
      expect(stderr).toContain(`${saved.evaluations} evaluations saved to ${out}; continue with --resume`);
      // stderr is not a terminal here: no escape codes
      expect(stderr).not.toContain('\x1b[');
      expect(saved.samplerState.evaluations).toBe(saved.evaluations);
      expect(saved.fingerprint.method).toBe(method);
      const resumed = neurofit(...fitArgs(method, maxEvals, out), '--resume', '--json');
      expect(resumed.status).toBe(0);
      const a = JSON.parse(reference.stdout);
      const b = JSON.parse(resumed.stdout);
      expect(b.evaluations).toBe(maxEvals);
      expect(b.history).toEqual(a.history);
      expect(b.params).toEqual(a.params);
      expect(b.loss).toBe(a.loss);
      // wall time counts the interrupted run too
      expect(JSON.parse(readFileSync(out, 'utf8')).elapsedSeconds).toBeGreaterThan(saved.elapsedSeconds);
    }, 120_000);
  }

  it('SIGTERM: the same message, exit 143', async () => {
    const out = join(dir, 'term.json');
    const child = spawn(process.execPath, [bin, ...fitArgs('tpe', 100000, out)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!existsSync(out)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toMatch(new RegExp(`^\\n?\\d+ evaluations saved to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; continue with --resume\\n$`));
  }, 60_000);
});

describe('--resume refuses another fit, naming what differs', () => {
  const out = join(dir, 'base.json');
  const base = ['fit-trace', '--model', 'izhikevich', '--data', data, '--fit', 'a,d', '--method', 'tpe', '--max-evals', '12', '--out', out];
  const other = join(dir, 'other.csv');

  it.each([
    ['data', ['--data', other], /cannot resume: the data differ \(file sha256:[0-9a-f]{12}, this fit sha256:[0-9a-f]{12}\)/],
    ['bounds', ['--bounds', 'a=0.01:0.05'], /cannot resume: the fitted variables or their bounds differ \(file a=\[[^\]]+\], d=\[[^\]]+\], this fit a=\[0.01, 0.05\], d=\[[^\]]+\]\)/],
    ['method', ['--method', 'random'], /cannot resume: the method differs \(file 'tpe', this fit 'random'\)/],
    ['model', ['--model', 'adex', '--fit', 'a,b'], /cannot resume: the model differs \(file 'izhikevich', this fit 'adex'\)/],
    ['loss', ['--loss', 'mse'], /cannot resume: the loss differs/],
  ])('%s', (_what, change, message) => {
    if (!existsSync(out)) expect(neurofit(...base).status).toBe(0);
    // the same recording with one voltage sample changed
    const lines = readFileSync(data, 'utf8').split('\n');
    lines[5] = lines[5]!.replace(/,([^,]+)$/, (_m, v: string) => `,${Number(v) + 1}`);
    writeFileSync(other, lines.join('\n'));
    const args = [...base];
    for (let k = 0; k < change.length; k += 2) {
      const at = args.indexOf(change[k]!);
      if (at >= 0) args[at + 1] = change[k + 1]!;
      else args.push(change[k]!, change[k + 1]!);
    }
    const r = neurofit(...args, '--max-evals', '16', '--resume');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('to resume anyway, pass force (--force)');
  });

  it('--force accepts it and says so on stderr', () => {
    if (!existsSync(out)) expect(neurofit(...base).status).toBe(0);
    const args = base.map((a) => (a === 'tpe' ? 'random' : a));
    const r = neurofit(...args, '--max-evals', '16', '--resume', '--force', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("resume: resuming " + out + " despite (force): the method differs (file 'tpe', this fit 'random')");
    expect(r.stderr).toContain("holds the state of a 'tpe' sampler, not 'random': the search is told its 12 evaluations");
    expect(JSON.parse(r.stdout).evaluations).toBe(16);
    expect(neurofit(...base, '--force').stderr).toContain('--force goes with --resume');
  });
});

describe('terminal and hashes', () => {
  it('restores the cursor and line wrap on a terminal only', () => {
    expect(terminalRestore(true)).toBe('\x1b[?25h\x1b[?7h');
    expect(terminalRestore(false)).toBe('');
  });

  it('hashes typed arrays as arrays, keys in any order, and tells values apart', () => {
    expect(hashValue({ v: Float64Array.of(1, 2), t: 3 })).toBe(hashValue({ t: 3, v: [1, 2] }));
    expect(hashValue({ v: [1, 2] })).not.toBe(hashValue({ v: [1, 2.000001] }));
    expect(hashValue([1, '1'])).not.toBe(hashValue(['1', 1]));
  });
});
