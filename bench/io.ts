/**
 * Reading speed of the shipped recordings (test/fixtures/abf, test/fixtures/bluepyefe).
 * - ABF: every channel of every sweep of the three ABF files, from bytes in memory (the
 *   header, then a copy and a scale per sample), as MB of file per second; also with the
 *   file read from disk.
 * - NWB: the 16-sweep file opened and read in a fresh Node process (plain node on the
 *   built dist/, as `neurofit` runs), h5wasm's loading included; also a second read in the
 *   same process (h5wasm loaded). Under tsx, h5wasm's 4 MB of JavaScript is transformed
 *   first (about 1.4 s), which is not what a user's command pays.
 * - IBW: one voltage/current pair of the B6 cell read through readRecordingFile.
 * Medians; the last line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAbf } from '../src/io/abf.ts';
import { readRecordingFile } from '../src/io/recording-file.ts';
import { median } from '../src/numeric/quantile.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fix = (p: string) => fileURLToPath(new URL(`../test/fixtures/${p}`, import.meta.url));
const ABFS = ['abf/17o05028_ic_steps.abf', 'abf/18425108.abf', 'abf/18425108_abf1.abf'].map(fix);
const NWB = fix('bluepyefe/99111002.nwb');

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

let sink = 0;
const bytes = ABFS.map((p) => new Uint8Array(readFileSync(p)));
const totalMb = bytes.reduce((s, b) => s + b.length, 0) / 1e6;
const readAll = (files: Uint8Array[]) => {
  files.forEach((b, k) => {
    const abf = parseAbf(b, ABFS[k]!);
    for (let s = 0; s < abf.sweepCount; s++) for (let c = 0; c < abf.channels.length; c++) sink += abf.data(c, s)[0]!;
  });
};
const memory: number[] = [];
const disk: number[] = [];
for (let r = 0; r < 30; r++) {
  const ms = timed(() => readAll(bytes));
  if (r >= 5) memory.push(ms);
  const msDisk = timed(() => readAll(ABFS.map((p) => new Uint8Array(readFileSync(p)))));
  if (r >= 5) disk.push(msDisk);
}
const abfMbPerS = totalMb / (median(memory) / 1000);
const abfDiskMbPerS = totalMb / (median(disk) / 1000);
console.log(`ABF: ${totalMb.toFixed(2)} MB (3 files, 17 sweeps) in ${median(memory).toFixed(2)} ms from memory: ${abfMbPerS.toFixed(0)} MB/s; with the disk read ${abfDiskMbPerS.toFixed(0)} MB/s`);

// NWB in fresh processes, on the built package (plain node, as the CLI runs)
const built = fileURLToPath(new URL('../dist/src/io/recording-file.js', import.meta.url));
if (!existsSync(built) || statSync(built).mtimeMs < statSync(fileURLToPath(new URL('../src/io/nwb.ts', import.meta.url))).mtimeMs) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--incremental'], { cwd: root, stdio: 'inherit' });
}
const script = `
const t0 = performance.now();
const { readRecordingFile } = await import(${JSON.stringify(new URL(`file://${built}`).href)});
const t1 = performance.now();
const r = await readRecordingFile(${JSON.stringify(NWB)});
const t2 = performance.now();
await readRecordingFile(${JSON.stringify(NWB)});
const t3 = performance.now();
if (r.sweeps.length !== 16) throw new Error('expected 16 sweeps');
console.log(JSON.stringify({ cold: t2 - t1, module: t1 - t0, warm: t3 - t2 }));`;
const runs = Array.from({ length: 7 }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { cold: number; module: number; warm: number });
const nwbMs = median(runs.map((r) => r.cold));
console.log(`NWB: 16 sweeps opened and read in ${nwbMs.toFixed(0)} ms in a fresh process (h5wasm loaded on first use; ${median(runs.map((r) => r.module)).toFixed(0)} ms to import neurofit's reader before), ${median(runs.map((r) => r.warm)).toFixed(0)} ms a second time`);

const ibw: number[] = [];
for (let r = 0; r < 25; r++) {
  const t0 = process.hrtime.bigint();
  const rec = await readRecordingFile(fix('bluepyefe/B6_Ch3_IDRest_181.ibw'), { current: fix('bluepyefe/B6_Ch0_IDRest_181.ibw') });
  sink += rec.sweeps[0]!.v[0]!;
  if (r >= 5) ibw.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const ibwMs = median(ibw);
console.log(`IBW: a voltage/current pair (2 × 48 kB) in ${ibwMs.toFixed(2)} ms`);
if (!Number.isFinite(sink)) console.log('(sink)');
console.log(JSON.stringify({ abf_mb_per_s: Number(abfMbPerS.toFixed(0)), abf_disk_mb_per_s: Number(abfDiskMbPerS.toFixed(0)), nwb_ms: Number(nwbMs.toFixed(0)), nwb_warm_ms: Number(median(runs.map((r) => r.warm)).toFixed(0)), ibw_ms: Number(ibwMs.toFixed(2)) }));
