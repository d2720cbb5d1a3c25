import { execFileSync } from 'node:child_process';
import { repoRoot } from './install-package.ts';

/**
 * vitest's global set-up: the command-line tests run bin/neurofit.js, which runs the compiled
 * dist/, and the install test packs dist/; both must see the sources under test, so dist/ is
 * brought up to date (incrementally: seconds when little changed) before any test starts.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--incremental'], { cwd: repoRoot, stdio: 'inherit' });
}
