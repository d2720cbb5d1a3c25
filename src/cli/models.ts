import { Command } from 'commander';
import { example } from './help.ts';
import { builtinModelList } from './model-list.ts';

/** `neurofit models`: the built-in models with their parameters and defaults. */
export function modelsCommand(): Command {
  return new Command('models')
    .description('list the built-in neuron models with their parameters and defaults')
    .option('--json', 'machine-readable output')
    .addHelpText('after', example('neurofit models --json'))
    .action(async (opts: { json?: boolean }) => {
      const list = await builtinModelList();
      if (opts.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      for (const m of list) {
        process.stdout.write(`${m.name}  (${m.method}) ${m.description}\n`);
        const params = Object.entries(m.parameters).map(([p, v]) => `${p}=${v}${m.units[p] ? ' ' + m.units[p] : ''}`);
        process.stdout.write(`  parameters: ${params.join(', ')}\n`);
        process.stdout.write(`  state: ${m.state.join(', ')}${m.algebraic.length ? `; algebraic: ${m.algebraic.join(', ')}` : ''}\n`);
      }
    });
}
