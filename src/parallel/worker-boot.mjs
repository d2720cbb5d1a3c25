// A worker thread starts without its parent's module loader: a .ts worker module (tests, or
// running from a source checkout) needs tsx registered first; compiled .js needs nothing.
import { workerData } from 'node:worker_threads';

const { module } = workerData;
if (module.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(module);
