import { Command, CommanderError } from 'commander';
import { modelsCommand } from './models.ts';
import { simulateCommand } from './simulate.ts';
import { fitCommand, fitTraceCommand } from './fit.ts';
import { reportCommand } from './report.ts';
import { featuresCommand } from './features.ts';
import { UsageError } from './errors.ts';

/** The `neurofit` command line. */
export function program(): Command {
  const cli = new Command('neurofit')
    .description('Fit neuron models to recordings or to more complex models')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cli.addCommand(modelsCommand());
  cli.addCommand(simulateCommand());
  cli.addCommand(fitCommand());
  cli.addCommand(fitTraceCommand());
  cli.addCommand(reportCommand());
  cli.addCommand(featuresCommand());
  for (const c of cli.commands) c.exitOverride();
  return cli;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
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
