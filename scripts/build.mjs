// `npm run build`: dist/ compiled from a clean slate, so that no module deleted from src/
// survives in the package, then the snapshot `neurofit models` lists the built-in models from.
// `--incremental` keeps dist/ and recompiles what changed (the test suite's set-up).
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.argv.includes('--incremental')) rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const { writeBuiltinModelList } = await import('../dist/src/cli/model-list.js');
await writeBuiltinModelList();
