import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packAndInstall, repoRoot, type InstalledPackage } from './support/install-package.ts';

// The package as a user gets it: packed, installed into a new project from the tarball
// (offline), and used there from plain JavaScript, from TypeScript and from the command line.
let pkg: InstalledPackage;

beforeAll(() => {
  pkg = packAndInstall();
}, 180_000);

afterAll(() => pkg?.remove(), 60_000);

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: pkg.project, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const neurofit = (...args: string[]) => run('npx', ['--no', '--', 'neurofit', ...args]);

const SCRIPT = `
import { Experiment, Monitor, OptNeuron, Population, defineNeuron, rmse, step } from 'neurofit';
import { izhikevich } from 'neurofit/models';

const leaky = defineNeuron({
  name: 'leaky',
  parameters: { tau: 10, R: 2, I: 0 },
  equations: 'tau * dv/dt = -v + R * I : init = 0',
});

// simulate: a 50 ms step of 1 from 10 ms charges v towards R * I = 2 with time constant tau
const pop = new Population(leaky, 1, { dt: 0.1 });
pop.input('I', step({ amplitude: 1, start: 10, stop: 60 }));
const monitor = new Monitor(pop, ['v']);
pop.simulate(100);
const v = monitor.chunks()[0].values.get('v');

class Step extends Experiment {
  run(p) {
    this.monitors.add(['v']);
    p.input('I', step({ amplitude: 1, start: 10, stop: 60 }));
    this.simulate(100);
    return this.results();
  }
}

const fit = await new OptNeuron({
  experiment: Step,
  getLoss: (ist, soll) => rmse(ist.trace('v'), soll.trace('v')),
  variablesBounds: { tau: [2, 40], R: 2 },
  neuronModel: leaky,
  targetNeuronModel: leaky,
  targetParameters: { tau: 20 },
  timeStep: 0.1,
  seed: 1,
}).run({ maxEvals: 50, resultsFile: false });

console.log(JSON.stringify({
  rows: v.length,
  vAt60: v[600],
  evaluations: fit.evaluations,
  history: fit.history.length,
  firstLoss: fit.history[0].loss,
  loss: fit.loss,
  params: fit.params,
  builtin: izhikevich.name,
}));
`;

describe('the installed package', () => {
  it('runs from a plain .mjs file: defines a model, simulates it and fits it with 50 evaluations', () => {
    writeFileSync(join(pkg.project, 'fit.mjs'), SCRIPT);
    const r = run(process.execPath, ['fit.mjs']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).toBe(1000);
    expect(out.vAt60).toBeCloseTo(2 * (1 - Math.exp(-50 / 10)), 2);
    expect(out.evaluations).toBe(50);
    expect(out.history).toBe(50);
    expect(out.params.R).toBe(2);
    expect(out.loss).toBeLessThan(out.firstLoss);
    expect(Math.abs(out.params.tau - 20)).toBeLessThan(2);
    expect(out.builtin).toBe('izhikevich');
  });

  it('imports without loading mathjs, tfjs, vega, tsx or commander', () => {
    // ES modules through a resolve hook, CommonJS ones through require's cache
    const hook = 'data:text/javascript,export async function resolve(s, c, next) { const r = await next(s, c); console.log("LOADED " + r.url); return r; }';
    writeFileSync(
      join(pkg.project, 'lazy.mjs'),
      `import { register, createRequire } from 'node:module';\nregister(${JSON.stringify(hook)});\nawait import('neurofit');\nfor (const f of Object.keys(createRequire(import.meta.url).cache)) console.log('LOADED ' + f);\n`,
    );
    const r = run(process.execPath, ['lazy.mjs']);
    expect(r.code).toBe(0);
    const loaded = r.stdout.split('\n').filter((l) => l.startsWith('LOADED '));
    expect(loaded.some((l) => l.includes('node_modules/neurofit/dist/src/index.js'))).toBe(true);
    expect(loaded.filter((l) => /node_modules\/(mathjs|@tensorflow|vega|tsx|esbuild|@resvg|commander|cli-progress)\//.test(l))).toEqual([]);
  });

  it("works from CommonJS: require('neurofit')", () => {
    writeFileSync(
      join(pkg.project, 'use.cjs'),
      "const nf = require('neurofit');\nconst { FICurve } = require('neurofit/experiments');\nconsole.log(typeof nf.defineNeuron, typeof nf.OptNeuron, typeof FICurve);\n" +
        "import('neurofit').then((m) => console.log(m.OptNeuron === nf.OptNeuron ? 'one instance' : 'two copies'));\n",
    );
    const r = run(process.execPath, ['use.cjs']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['function function function', 'one instance']);
  });

  it('type-checks a TypeScript consumer against the shipped types, and rejects a wrong one', () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    // skipLibCheck off, so the shipped .d.ts files are checked too (tfjs's own are not clean: ignored below)
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] };
    const errorsOutside = (output: string) => output.split('\n').filter((l) => /error TS/.test(l) && !/^node_modules\/(?!neurofit\/)/.test(l));
    writeFileSync(join(pkg.project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    writeFileSync(
      join(pkg.project, 'consumer.ts'),
      `import { defineNeuron, Experiment, OptNeuron, Population, step, type FitResult, type Results } from 'neurofit';
import { izhikevich } from 'neurofit/models';
import { FICurve } from 'neurofit/experiments';

class Step extends Experiment {
  run(pop: Population): Results {
    this.monitors.add(['v']);
    pop.input('I', step({ amplitude: 10, start: 10, stop: 90 }));
    this.simulate(100);
    return this.results();
  }
}
const model = defineNeuron({ name: 'leaky', parameters: { tau: 10, I: 0 }, equations: 'tau * dv/dt = -v + I : init = 0' });
const opt = new OptNeuron({
  experiment: Step,
  getLoss: (ist: Results, soll: Results) => Math.abs(ist.trace('v')[500]! - soll.trace('v')[500]!),
  variablesBounds: { tau: [5, 20] },
  neuronModel: model,
  targetNeuronModel: izhikevich,
});
export const running: Promise<FitResult> = opt.run({ maxEvals: 10, resultsFile: false });
export const names: string[] = [model.name, new FICurve({ amplitudes: [5, 10], start: 10, stop: 90 }).constructor.name];
`,
    );
    const ok = run(process.execPath, [tsc, '-p', '.']);
    expect(ok.stderr).toBe('');
    expect(errorsOutside(ok.stdout)).toEqual([]);
    // the types are real, not any: a wrong use is an error
    writeFileSync(join(pkg.project, 'consumer.ts'), `import { defineNeuron } from 'neurofit';\nexport const n: number = defineNeuron({ name: 'x', parameters: {}, equations: '' });\n`);
    const bad = run(process.execPath, [tsc, '-p', '.']);
    expect(errorsOutside(bad.stdout)).toEqual([expect.stringMatching(/^consumer\.ts\(2,14\): error TS2322: Type 'NeuronModel' is not assignable to type 'number'/)]);
  });

  it('runs `npx neurofit --version`, `simulate` and `fit-trace`', () => {
    const version = neurofit('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);

    const sim = neurofit('simulate', '--model', 'izhikevich', '--step', '10:20:120', '--duration', '150', '--out', 'sim.csv', '--spikes', 'spikes.txt');
    expect(sim.code).toBe(0);
    expect(sim.stderr).toMatch(/izhikevich: 150 ms at dt 0.01 ms, 15000 rows -> sim.csv, \d+ spikes/);
    const rows = readFileSync(join(pkg.project, 'sim.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('t,I,v');
    expect(rows.length).toBe(15001);
    const spikes = readFileSync(join(pkg.project, 'spikes.txt'), 'utf8').trim().split('\n').map(Number);
    expect(spikes.length).toBeGreaterThan(2);
    expect(spikes.every((t) => t > 20 && t < 121)).toBe(true);

    const data = (amplitude: number) => join(repoRoot, 'examples', 'data', `izhikevich-rs-${amplitude}.csv`);
    const fit = neurofit('fit-trace', '--model', 'izhikevich', '--data', data(10), '--data', data(15), '--fit', 'a,d', '--max-evals', '40', '--workers', '2', '--seed', '1', '--out', 'fit.json', '--json');
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    const result = JSON.parse(fit.stdout);
    expect(result.evaluations).toBe(40);
    expect(result.method).toBe('auto');
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.params.a).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(pkg.project, 'fit.json'), 'utf8')).history.length).toBe(40);
  });

  it("ends every command's --help with an example that runs", () => {
    const last = (text: string) => text.trim().split('\n').at(-1)!.trim();
    expect(last(run(pkg.bin, ['--help']).stdout)).toBe('$ neurofit models');
    // in the order one example's output feeds the next; `fit` needs a clone's examples/.
    // The examples run the installed bin directly (npx costs half a second a call).
    for (const command of ['models', 'simulate', 'inspect', 'features', 'fit-trace', 'report', 'fit']) {
      const help = run(pkg.bin, [command, '--help']);
      expect(help.code).toBe(0);
      const line = last(help.stdout);
      expect(line).toMatch(new RegExp(`^\\$ neurofit ${command} `));
      if (command === 'fit') continue;
      const r = run(pkg.bin, line.split(' ').slice(2));
      expect(r.stderr, line).not.toMatch(/error|neurofit:/);
      expect(r.code, line).toBe(0);
    }
  });
});
