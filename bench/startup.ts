/**
 * Cold start of the installed package: `neurofit --help`, `neurofit models` and
 * `import('neurofit')`, from the tarball installed into a new project as a user would
 * (test/support/install-package.ts, shared with the install test), against a bare
 * `node -e 0` timed the same way. Medians of 5 runs, the four commands interleaved so that
 * the load of a shared machine falls on all of them alike.
 *
 *   npm run bench:startup                          this checkout (built from a clean slate)
 *   npm run bench:startup -- --compare /work/base  and another checkout, packed as it is, interleaved
 *
 * The last line is JSON: the keys without `_total` are milliseconds above bare node (what
 * the goals are about: --help <= 300, models <= 500, import <= 200); `_total` keys are
 * whole process lifetimes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packAndInstall, repoRoot, type InstalledPackage } from '../test/support/install-package.ts';

const RUNS = 5;
const GOALS = { help: 300, models: 500, import: 200 };

const compareAt = process.argv.indexOf('--compare');
const other = compareAt > 0 ? resolve(process.argv[compareAt + 1]!) : undefined;

interface Installed {
  label: string;
  pkg: InstalledPackage;
}

console.log('packing and installing (offline) ...');
const installs: Installed[] = [{ label: 'this checkout', pkg: packAndInstall({ build: true }) }];
if (other) installs.push({ label: other, pkg: packAndInstall({ root: other }) });

type Case = { name: string; command: string; args: string[]; cwd: string };
const cases: { install?: Installed; key: keyof typeof GOALS | 'bare'; c: Case }[] = [{ key: 'bare', c: { name: 'node -e 0', command: process.execPath, args: ['-e', '0'], cwd: repoRoot } }];
for (const install of installs) {
  const { pkg } = install;
  writeFileSync(join(pkg.project, 'import.mjs'), "await import('neurofit');\n");
  cases.push(
    { install, key: 'help', c: { name: 'neurofit --help', command: pkg.bin, args: ['--help'], cwd: pkg.project } },
    { install, key: 'models', c: { name: 'neurofit models', command: pkg.bin, args: ['models'], cwd: pkg.project } },
    { install, key: 'import', c: { name: "node import.mjs (await import('neurofit'))", command: process.execPath, args: ['import.mjs'], cwd: pkg.project } },
  );
}

/** Wall time of one run; NaN if it fails, which only the compared checkout may do (its import of .ts sources did). */
const failures = new Map<Case, string>();
function time(c: Case, mayFail: boolean): number {
  const started = performance.now();
  const r = spawnSync(c.command, c.args, { cwd: c.cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status === 0) return ms;
  if (!mayFail) throw new Error(`${c.name} failed (${r.status}): ${r.stderr}`);
  failures.set(c, /\b(ERR_[A-Z_]+)/.exec(r.stderr)?.[1] ?? `exit code ${r.status}`);
  return NaN;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const samples = cases.map(() => [] as number[]);
for (let run = 0; run < RUNS; run++) cases.forEach(({ install, c }, k) => samples[k]!.push(time(c, install !== undefined && install !== installs[0])));
const medians = samples.map(median);
const bare = medians[0]!;

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number) => x.toFixed(0).padStart(7);
console.log(`\ncold start, medians of ${RUNS} runs (ms); "above" = minus bare node -e 0 (${bare.toFixed(0)} ms)\n`);
console.log(`${pad('', 16)}${pad('command', 44)}  total   above   goal (above)`);
cases.forEach(({ install, key, c }, k) => {
  const above = medians[k]! - bare;
  const goal = key === 'bare' ? '' : `${GOALS[key]}${above <= GOALS[key] ? '' : '  MISSED'}`;
  const who = pad(install ? (install === installs[0] ? 'this checkout' : 'compared') : '', 16);
  if (failures.has(c)) console.log(`${who}${pad(c.name, 44)}  fails: ${failures.get(c)}`);
  else console.log(`${who}${pad(c.name, 44)}${num(medians[k]!)} ${key === 'bare' ? '       ' : num(above)}   ${goal}`);
});
if (other) console.log(`\ncompared: ${other}`);

for (const { pkg } of installs) pkg.remove();
const of = (key: keyof typeof GOALS) => medians[cases.findIndex((x) => x.install === installs[0] && x.key === key)]!;
const round = (x: number) => Math.round(x);
console.log(
  JSON.stringify({
    cli_help_ms: round(of('help') - bare),
    cli_models_ms: round(of('models') - bare),
    import_ms: round(of('import') - bare),
    basis: 'above bare node -e 0',
    bare_node_ms: round(bare),
    cli_help_total_ms: round(of('help')),
    cli_models_total_ms: round(of('models')),
    import_total_ms: round(of('import')),
  }),
);
