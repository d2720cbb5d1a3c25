import { importModule } from './import-module.ts';

/**
 * Where a worker thread gets the fit's options: worker threads share no functions with the
 * main thread, so each one imports the module that builds the options (the user's
 * experiment, model and getLoss) and builds them again.
 */
export interface OptionsSource {
  /** A module path (absolute, or relative to the working directory) or file URL. */
  module: string;
  /** The export: the options object, or a (possibly async) function returning them. Default 'default'. */
  export?: string;
  /** Arguments for that function (structured-clonable: numbers, strings, arrays, typed arrays, plain objects). */
  args?: unknown[];
}

/**
 * Imports a source's module (TypeScript too: see {@link importModule}) and returns the options it exports or builds.
 *
 * ```ts
 * const options = await loadOptionsSource({ module: './fit.ts', export: 'makeOptions', args: [42] });
 * ```
 */
export async function loadOptionsSource(source: OptionsSource): Promise<unknown> {
  const mod = await importModule(source.module);
  const name = source.export ?? 'default';
  if (!(name in mod)) throw new Error(`${source.module} has no export '${name}'`);
  const value = mod[name];
  return typeof value === 'function' ? await (value as (...args: unknown[]) => unknown)(...(source.args ?? [])) : value;
}
