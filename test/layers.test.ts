import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The layer check is `npm run check:layers` (dependency-cruiser with .dependency-cruiser.cjs),
// run by `npm test` before vitest. These tests show it passes on the tree as it is and
// catches each kind of wrong import when one is planted in a copy of the tree.
const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function check(dir: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(process.execPath, [cli, 'src', 'models', 'experiments', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (err) {
    const e = err as { stdout: string; stderr: string };
    return { ok: false, output: `${e.stdout}${e.stderr}` };
  }
}

const copies: string[] = [];
/** A copy of the library's sources with `line` prepended to `file`. */
function plant(file: string, line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'neurofit-layers-'));
  copies.push(dir);
  for (const entry of ['src', 'models', 'experiments', 'tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, file), `${line}\n${readFileSync(join(dir, file), 'utf8')}`);
  return dir;
}
afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the layer check', () => {
  it('passes on the tree as it is', () => {
    const { ok, output } = check(root);
    expect(output).toMatch(/no dependency violations found/);
    expect(ok).toBe(true);
  });

  it('fails on an import that points up the layers, naming the rule and the edge', () => {
    const { ok, output } = check(plant('src/model/neuron.ts', "import type { OptNeuron } from '../fit/opt-neuron.ts';"));
    expect(ok).toBe(false);
    expect(output).toMatch(/model-imports-up: src\/model\/neuron\.ts → src\/fit\/opt-neuron\.ts/);
  });

  it('fails on a cycle, even through type-only imports within one layer', () => {
    // monitor.ts imports population.ts; the reverse closes a cycle
    const { ok, output } = check(plant('src/sim/population.ts', "import type { Monitor } from './monitor.ts';"));
    expect(ok).toBe(false);
    expect(output).toMatch(/no-circular: src\/sim\/(population|monitor)\.ts →/);
  });

  it('fails when the library imports the top-level content folders', () => {
    const { ok, output } = check(plant('src/fit/trace-fit.ts', "import { izhikevich } from '../../models/index.ts';"));
    expect(ok).toBe(false);
    expect(output).toMatch(/src-imports-content: src\/fit\/trace-fit\.ts → models\/index\.ts/);
  });

  it('fails on a folder of src/ that is not a layer', () => {
    const dir = plant('src/index.ts', '');
    writeFileSync(join(dir, 'src/fit/stray.ts'), "import { x } from '../misc/x.ts';\nexport const y = x;\n");
    cpSync(join(dir, 'src/numeric'), join(dir, 'src/misc'), { recursive: true });
    writeFileSync(join(dir, 'src/misc/x.ts'), 'export const x = 1;\n');
    const { ok, output } = check(dir);
    expect(ok).toBe(false);
    expect(output).toMatch(/unknown-layer: src\/misc\//);
  });
});
