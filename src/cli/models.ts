import { Command } from 'commander';

/** `neurofit models`: the built-in models with their parameters and defaults. */
export function modelsCommand(): Command {
  return new Command('models')
    .description('list the built-in neuron models with their parameters and defaults')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { builtinModels } = await import('../models/index.ts');
      const list = Object.entries(builtinModels).map(([name, m]) => ({
        name,
        description: m.spec.description,
        method: m.method,
        parameters: m.parameters,
        state: m.stateVariables,
        algebraic: m.algebraicVariables,
        units: m.spec.units,
      }));
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
