import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: the package to pack. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface InstalledPackage {
  /** A new project with neurofit installed from the tarball, as its only dependency. */
  project: string;
  tarball: string;
  /** The installed `neurofit` command (node_modules/.bin/neurofit). */
  bin: string;
  /** Deletes the project and the tarball. */
  remove(): void;
}

type LockEntry = { dev?: boolean; link?: boolean; resolved?: string; version?: string; integrity?: string; [key: string]: unknown };

/**
 * The entry with its registry tarball URL. The repository's lockfile omits `resolved` (npm's
 * omit-lockfile-registry-resolved), so an offline install would look each package's URL up in
 * its cached registry metadata, and that metadata is cached only in the form the last online
 * command asked for (`npm view` caches another than `npm install`): ENOTCACHED. With the URL
 * and the integrity, `npm ci --offline` takes the tarball straight from the cache by its
 * integrity, which `npm ci` in the repository has put there.
 */
function withResolved(path: string, entry: LockEntry): LockEntry {
  if (entry.resolved || entry.link || !entry.version || !entry.integrity) return entry;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const base = name.includes('/') ? name.split('/')[1]! : name;
  return { ...entry, resolved: `https://registry.npmjs.org/${name}/-/${base}-${entry.version}.tgz` };
}

/**
 * Packs the repository and installs the tarball into a new temporary project, offline, as a
 * user's `npm install neurofit-<version>.tgz` would.
 *
 * Offline needs a lockfile: `npm ci` in the repository leaves the dependencies' tarballs in
 * the npm cache, but not the registry's metadata that an install without a lockfile resolves
 * version ranges with (ENOTCACHED). So the project gets a lockfile whose entries for
 * neurofit's dependencies are the repository's own (those not marked dev: the same versions
 * and layout, already cached), and `npm ci --offline` installs exactly that.
 *
 * `build: true` builds dist/ from a clean slate first (`npm run build`); otherwise the
 * dist/ there is packed as it is (the test suite's set-up has just built it). `root` packs
 * another checkout instead of this one (bench:startup's before/after).
 *
 * ```ts
 * const pkg = packAndInstall({ build: true });
 * execFileSync(pkg.bin, ['--version']);
 * pkg.remove();
 * ```
 */
export function packAndInstall(options: { build?: boolean; root?: string } = {}): InstalledPackage {
  const root = options.root ?? repoRoot;
  if (options.build) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'neurofit-install-'));
  // --ignore-scripts: dist/ is built above (or by the caller); `prepare` would print into the JSON
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  ) as { filename: string; integrity: string }[];
  const tarball = join(work, packed[0]!.filename);

  const project = join(work, 'project');
  mkdirSync(project);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const spec = `file:../${packed[0]!.filename}`;
  const repoLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const dependencies = Object.entries(repoLock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev)
    .map(([path, entry]) => [path, withResolved(path, entry)] as const);
  const consumer = { name: 'neurofit-consumer', version: '1.0.0', private: true, type: 'module', dependencies: { neurofit: spec } };
  const lock = {
    name: consumer.name,
    version: consumer.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: consumer.name, version: consumer.version, dependencies: consumer.dependencies },
      'node_modules/neurofit': {
        version: manifest.version,
        resolved: spec,
        integrity: packed[0]!.integrity,
        license: manifest.license,
        dependencies: manifest.dependencies,
        bin: manifest.bin,
        engines: manifest.engines,
      },
      ...Object.fromEntries(dependencies),
    },
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify(consumer, null, 2) + '\n');
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'pipe' });
  return {
    project,
    tarball,
    bin: join(project, 'node_modules', '.bin', 'neurofit'),
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
