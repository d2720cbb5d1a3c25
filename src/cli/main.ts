import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { example } from './help.ts';
import { UsageError } from './errors.ts';

/** A command as `neurofit --help` lists it, and where the command itself comes from. */
interface CommandEntry {
  /** The command's own description (a test keeps the two equal). */
  description: string;
  /** Its usage after the name, as commander prints it for the command itself. */
  usage: string;
  load(): Promise<Command>;
}

/**
 * Each command's module is imported only when that command runs or shows its help, so
 * `neurofit --help` loads commander and this file, and `neurofit models` none of the fitting
 * machinery.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  models: {
    description: 'list the built-in neuron models with their parameters and defaults',
    usage: '[options]',
    load: async () => (await import('./models.ts')).modelsCommand(),
  },
  simulate: {
    description: 'simulate one neuron and write its trace as CSV (t,I,<recorded variables>)',
    usage: '[options]',
    load: async () => (await import('./simulate.ts')).simulateCommand(),
  },
  fit: {
    description: 'run the fit whose OptNeuron options a .ts/.js module default-exports',
    usage: '[options] <module>',
    load: async () => (await import('./fit.ts')).fitCommand(),
  },
  'fit-trace': {
    description: 'fit a model to recorded current-clamp sweeps (ABF, NWB, Igor waves or CSV with columns t [ms], I, v [mV]), jointly',
    usage: '[options]',
    load: async () => (await import('./fit.ts')).fitTraceCommand(),
  },
  report: {
    description: 'write a self-contained HTML report of a fit (summary, parameters, traces, loss history, parameter cloud, f-I)',
    usage: '[options] <results.json>',
    load: async () => (await import('./report.ts')).reportCommand(),
  },
  inspect: {
    description: 'show what a recording holds (ABF, NWB, Igor wave or CSV): format, protocol, channels, and per sweep its stimulus, spikes and resting potential',
    usage: '[options] <file>',
    load: async () => (await import('./inspect.ts')).inspectCommand(),
  },
  features: {
    description: 'eFEL-compatible electrophysiological features of a recorded voltage trace',
    usage: '[options]',
    load: async () => (await import('./features.ts')).featuresCommand(),
  },
  queue: {
    description: 'queue fits as jobs in Redis for neurofit workers on any number of machines; their status and results',
    usage: '[options] [command]',
    load: async () => (await import('./queue.ts')).queueCommand(),
  },
  worker: {
    description: 'run queued fits from Redis (any number of workers on any number of machines) until SIGTERM',
    usage: '[options]',
    load: async () => (await import('./worker.ts')).workerCommand(),
  },
};

/** The version in the nearest package.json above this file (src/cli/ or dist/src/cli/). */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dir.pathname === '/') throw new Error('neurofit: no package.json above the command line');
  }
}

/** The command `argv` (process.argv) runs or asks help for: `neurofit <name> …` or `neurofit help <name>`. */
function commandIn(argv: string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The `neurofit` command line for `argv`: every command is listed, but only the one `argv`
 * names is built (imported); the others stand in by name, usage and description.
 */
export async function program(argv: string[]): Promise<Command> {
  const cli = new Command('neurofit')
    .description('Fit neuron models to recordings or to more complex models')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .configureHelp({ subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}` })
    .addHelpText('after', example('neurofit models'));
  const wanted = commandIn(argv);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    cli.addCommand(name === wanted ? await entry.load() : new Command(name).description(entry.description).usage(entry.usage));
  }
  for (const c of cli.commands) c.exitOverride();
  return cli;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await program(argv)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    // Anything the user can fix is reported in one line, without a stack trace.
    process.stderr.write(`neurofit: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
