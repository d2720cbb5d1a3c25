import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** .ts, .mts and .cts: what Node itself (20) cannot import. */
const TYPESCRIPT = /\.[cm]?ts$/;

let typescriptLoader: Promise<void> | undefined;

/**
 * Imports a user's module (a model, a fit module, the source of a fit's options) by path
 * (absolute, or relative to the working directory) or file URL. A TypeScript module is
 * imported through tsx, which is loaded and registered in this thread on the first such
 * import only: plain .js users, and `import('neurofit')`, never pay for it.
 *
 * ```ts
 * const mod = await importModule('fits/hh-to-izhikevich.fit.ts');
 * const options = mod.default;
 * ```
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = path.startsWith('file:') ? path : pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
  if (TYPESCRIPT.test(new URL(url).pathname)) await loadTypeScript();
  return (await import(url)) as Record<string, unknown>;
}

/**
 * Registers tsx once per thread. Not when this file is itself TypeScript: then a loader
 * that imports .ts (tsx, vitest) already runs this thread, as in a source checkout.
 */
function loadTypeScript(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return Promise.resolve();
  typescriptLoader ??= (async () => {
    let api: typeof import('tsx/esm/api');
    try {
      api = await import('tsx/esm/api');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
      throw new Error('importing a TypeScript module needs tsx, which is not installed: npm install tsx (or compile the module to .js)');
    }
    api.register();
  })();
  return typescriptLoader;
}
