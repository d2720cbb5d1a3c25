#!/usr/bin/env node
// The compiled command line. `npm run build` makes dist/; `prepare` runs it on `npm ci` and
// on installs from git, and a tarball ships it.
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/src/cli/main.js')) throw err;
  process.stderr.write('neurofit: the command line is not built (no dist/): run `npm run build` in the neurofit package\n');
  process.exit(1);
}
await cli.main(process.argv);
