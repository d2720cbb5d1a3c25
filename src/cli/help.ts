/**
 * The last lines of a command's `--help`: one command to copy and run, and, when it reads
 * another example's output, which one.
 *
 * ```ts
 * new Command('models').addHelpText('after', example('neurofit models --json'));
 * ```
 */
export function example(command: string, needs?: string): string {
  return `\nExample${needs ? ` (${needs})` : ''}:\n  $ ${command}`;
}
