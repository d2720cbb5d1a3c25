import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS, packageVersion, program } from '../src/cli/main.ts';
import { describeModels } from '../src/cli/model-list.ts';
import { builtinModels } from '../models/index.ts';

const bin = fileURLToPath(new URL('../bin/neurofit.js', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function neurofit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the command table', () => {
  it.each(Object.keys(COMMANDS))('lists %s as the command itself describes it', async (name) => {
    const entry = COMMANDS[name]!;
    const command = await entry.load();
    expect(command.name()).toBe(name);
    expect(command.description()).toBe(entry.description);
    expect(command.usage()).toBe(entry.usage);
  });

  it('builds only the command argv names', async () => {
    const cli = await program(['node', 'neurofit', 'simulate', '--help']);
    const simulate = cli.commands.find((c) => c.name() === 'simulate')!;
    const fit = cli.commands.find((c) => c.name() === 'fit')!;
    expect(simulate.options.map((o) => o.long)).toContain('--model');
    expect(fit.options).toEqual([]); // a stand-in: name, usage and description only
    expect(cli.commands.map((c) => c.name())).toEqual(Object.keys(COMMANDS));
  });
});

describe('neurofit --version and --help', () => {
  it('prints the version of package.json', () => {
    expect(packageVersion()).toBe(manifest.version);
    const r = neurofit('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(manifest.version);
  });

  it('lists every command with its usage, and ends with an example', () => {
    const r = neurofit('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}fit \[options\] <module> +run the fit whose OptNeuron options/m);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name} \\[options\\]`, 'm'));
    expect(r.stdout.trim().split('\n').at(-1)!.trim()).toBe('$ neurofit models');
  });

  it.each(Object.keys(COMMANDS))('%s --help, like help <command>, shows the whole command, ending with an example', (name) => {
    const r = neurofit(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: neurofit ${name} `));
    expect(r.stdout).toMatch(/--\w/); // its options, not a stand-in's
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^\\s*\\$ neurofit ${name} `));
    expect(neurofit('help', name).stdout).toBe(r.stdout);
  });
});

describe('neurofit models', () => {
  it('lists, from the snapshot the build takes, what the models themselves say', () => {
    const r = neurofit('models', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(describeModels(builtinModels))));
  });
});
