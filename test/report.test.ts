import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderPng, renderSvg } from '../src/plot/render.ts';
import {
  bestSoFar,
  downsampleMinMax,
  fiCurveSpec,
  lossHistorySpec,
  parameterCloudSpec,
  spansDecades,
  thinHistory,
  tracesSpec,
} from '../src/plot/specs.ts';
import { currentStep, escapeHtml, fiFromRecordings, firingRate, loadResults, renderReport, scopeSvgIds, writeReport } from '../src/report/report.ts';
import { defaultReportPath, reportCommand } from '../src/cli/report.ts';
import { UsageError } from '../src/cli/errors.ts';
import type { ResultsFile } from '../src/fit/results-file.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neurofit-report-'));
const CHROMIUM = '/usr/bin/chromium';

/** Items vega drew for the marks whose name matches (the specs name their layers), summed over groups. */
function countMarks(svg: string, name: RegExp): number {
  const groups = svg.matchAll(new RegExp(`<g class="mark-\\w+ role-mark (${name.source})_marks"[^>]*>(.*?)</g>`, 'g'));
  return [...groups].reduce((n, g) => n + (g[2]!.match(/<path/g)?.length ?? 0), 0);
}

/** A 1 s trace at 0.1 ms (10,000 samples): rest at -65 mV with one-sample spikes to +30 mV. */
function spikyTrace(spikeTimes: number[]) {
  const times = Array.from({ length: 10_000 }, (_, i) => i * 0.1);
  const v = times.map((t) => -65 + 2 * Math.sin(t / 7));
  for (const s of spikeTimes) v[Math.round(s / 0.1)] = 30;
  return { times, v };
}

/** Two chunks of a step protocol (steps of 10 and 15 from 100 to 900 ms) in the shape of Results.toJSON(). */
function stepChunks(rates: number[], withCurrent: boolean) {
  return {
    chunks: [10, 15].map((amp, k) => {
      const spikes = Array.from({ length: Math.round(rates[k]! * 0.8) }, (_, j) => 100 + (j + 0.5) * (800 / Math.round(rates[k]! * 0.8)));
      const { times, v } = spikyTrace(spikes);
      const traces: Record<string, number[]> = { v };
      if (withCurrent) traces.I = times.map((t) => (t >= 100 && t < 900 ? amp : 0));
      return { times, duration: 1000, spikes, traces };
    }),
  };
}

function fakeResults(over: Partial<ResultsFile> = {}): ResultsFile {
  const history = Array.from({ length: 40 }, (_, i) => ({
    params: { a: 0.01 + (i % 7) * 0.01, b: 0.1 + (i % 5) * 0.04, c: -65 },
    loss: i % 9 === 4 ? NaN : 1000 / (1 + i) + (i % 3),
    lossSd: 0,
  }));
  return {
    format: 'neurofit-fit/1',
    status: 'done',
    model: 'izhikevich',
    target: 'resultsSoll',
    method: 'tpe',
    seed: 3,
    fitted: [
      { name: 'a', low: 0.005, high: 0.15 },
      { name: 'b', low: 0.1, high: 0.3 },
    ],
    evaluations: history.length,
    params: history[39]!.params,
    loss: history[39]!.loss,
    lossSd: 0,
    history,
    elapsedSeconds: 1.5,
    bestRecordings: stepChunks([20, 30], false),
    targetRecordings: stepChunks([22, 35], true),
    ...over,
  };
}

describe('downsampleMinMax', () => {
  it('keeps every spike peak and at most two points per bucket', () => {
    const spikes = [103.3, 250.1, 252.9, 400, 555.5, 899.9]; // 2.8 ms apart: two buckets of 1.3 ms
    const { times, v } = spikyTrace(spikes);
    const d = downsampleMinMax(times, v, 760);
    expect(d.t.length).toBeLessThanOrEqual(2 * 760);
    expect(d.t.length).toBeGreaterThan(760);
    expect(d.t.length).toBe(d.v.length);
    // each spike sample is still there, at its time
    for (const s of spikes) {
      const k = d.t.findIndex((t) => Math.abs(t - Math.round(s / 0.1) * 0.1) < 1e-9);
      expect(k, `spike at ${s} ms`).toBeGreaterThanOrEqual(0);
      expect(d.v[k]).toBe(30);
    }
    // the troughs survive too, and time stays ordered
    expect(Math.min(...d.v)).toBeCloseTo(Math.min(...v), 10);
    for (let i = 1; i < d.t.length; i++) expect(d.t[i]!).toBeGreaterThan(d.t[i - 1]!);
    expect(d.t[0]).toBe(0);
    expect(d.t.at(-1)).toBeCloseTo(999.9, 9);
  });

  it('returns short traces unchanged', () => {
    const d = downsampleMinMax([0, 1, 2], [5, 6, 7], 10);
    expect(d).toEqual({ t: [0, 1, 2], v: [5, 6, 7] });
  });
});

describe('plot specs', () => {
  it('tracesSpec: one panel per chunk, bounded points per series, every spike as a tick', () => {
    const target = stepChunks([22, 35], true);
    const fit = stepChunks([20, 30], false);
    const spec = tracesSpec(
      target.chunks.map((c, k) => ({
        label: `chunk ${k + 1}`,
        target: { times: c.times, values: c.traces.v!, spikes: c.spikes },
        fit: { times: fit.chunks[k]!.times, values: fit.chunks[k]!.traces.v!, spikes: fit.chunks[k]!.spikes },
        duration: c.duration,
      })),
      { unit: 'mV', width: 500 },
    ) as unknown as { vconcat: unknown[]; datasets: Record<string, { series: string; t: number; v?: number }[]> };
    expect(spec.vconcat.length).toBe(2);
    for (const k of [0, 1]) {
      const rows = spec.datasets[`trace-${k}`]!;
      for (const series of ['target', 'best fit']) {
        const n = rows.filter((r) => r.series === series).length;
        expect(n).toBeGreaterThan(500);
        expect(n).toBeLessThanOrEqual(1000);
      }
      // spike peaks survive downsampling in both series
      expect(rows.filter((r) => r.series === 'target' && r.v === 30).length).toBe(target.chunks[k]!.spikes.length);
      const ticks = spec.datasets[`spikes-${k}`]!;
      expect(ticks.filter((r) => r.series === 'target').length).toBe(target.chunks[k]!.spikes.length);
      expect(ticks.filter((r) => r.series === 'best fit').length).toBe(fit.chunks[k]!.spikes.length);
    }
    expect(JSON.stringify(spec)).toContain('v (mV)');
    expect(JSON.stringify(spec)).toContain('time (ms)');
  });

  it('bestSoFar is monotone and skips failed (null, NaN) losses', () => {
    expect(bestSoFar([null, 5, NaN, 7, 3, null, 4, 1])).toEqual([NaN, 5, 5, 5, 3, 3, 3, 1]);
    const losses = Array.from({ length: 200 }, (_, i) => (i % 13 === 0 ? null : Math.abs(Math.sin(i * 1.7)) * 100));
    const best = bestSoFar(losses).filter(Number.isFinite);
    for (let i = 1; i < best.length; i++) expect(best[i]!).toBeLessThanOrEqual(best[i - 1]!);
  });

  it('lossHistorySpec: failed evaluations left out, best-so-far line, log scale only across decades', () => {
    const history = [{ loss: 900 }, { loss: null }, { loss: NaN }, { loss: 40 }, { loss: 120 }, { loss: 3 }, { loss: 7 }];
    const spec = lossHistorySpec(history) as unknown as { layer: { data: { values: Record<string, number>[] }; encoding: { y: { scale: { type?: string } } } }[]; title: { subtitle: string[] } };
    const [points, line, best] = spec.layer;
    expect(points!.data.values.map((p) => p.evaluation)).toEqual([1, 4, 5, 6, 7]);
    expect(points!.data.values.every((p) => Number.isFinite(p.loss))).toBe(true);
    // the step line (interpolated step-after) has the improvements and the last evaluation
    expect(line!.data.values).toEqual([{ evaluation: 1, best: 900 }, { evaluation: 4, best: 40 }, { evaluation: 6, best: 3 }, { evaluation: 7, best: 3 }]);
    expect(best!.data.values).toEqual([{ evaluation: 6, loss: 3 }]);
    expect(points!.encoding.y.scale.type).toBe('log');
    expect(spec.title.subtitle[0]).toContain('not the 2 failed');
    // long histories: bounded points, the best always among them
    const long = Array.from({ length: 20_000 }, (_, i) => ({ loss: i % 11 === 0 ? null : 1 + ((i * 7919) % 10_007) }));
    const big = lossHistorySpec(long, { maxPoints: 3000 }) as unknown as typeof spec;
    expect(big.layer[0]!.data.values.length).toBeLessThanOrEqual(3000);
    expect(Math.min(...big.layer[0]!.data.values.map((p) => p.loss!))).toBe(1);
    const steps = big.layer[1]!.data.values.map((p) => p.best!);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeLessThanOrEqual(steps[i - 1]!);
    const flat = lossHistorySpec([{ loss: 5 }, { loss: 4 }, { loss: 6 }]) as unknown as { layer: { encoding: { y: { scale: { type?: string } } } }[] };
    expect(flat.layer[0]!.encoding.y.scale.type).toBeUndefined();
    expect(spansDecades([1, 50])).toBe(false);
    expect(spansDecades([0, 1, 1000])).toBe(false); // zero has no logarithm
    expect(spansDecades([0.1, 1, 1000])).toBe(true);
  });

  it('parameterCloudSpec: a panel per fitted parameter with the bounds as y range, best marked', () => {
    const results = fakeResults();
    const spec = parameterCloudSpec(results.history, results.fitted, { units: { a: '1/ms' } }) as unknown as {
      concat: { layer: { encoding: { y: { field: string; title: string; scale: { domain: number[] } } } }[] }[];
      datasets: { evaluations: Record<string, number>[]; failed: Record<string, number>[]; best: Record<string, number>[] };
    };
    expect(spec.concat.length).toBe(2);
    expect(spec.concat[0]!.layer[1]!.encoding.y.scale.domain).toEqual([0.005, 0.15]);
    expect(spec.concat[1]!.layer[1]!.encoding.y.scale.domain).toEqual([0.1, 0.3]);
    expect(spec.concat[0]!.layer[1]!.encoding.y.title).toBe('a (1/ms)');
    const failed = results.history.filter((h) => Number.isNaN(h.loss)).length;
    expect(spec.datasets.evaluations.length).toBe(40 - failed);
    expect(spec.datasets.failed.length).toBe(failed);
    // drawn worst first, so the best are on top
    const losses = spec.datasets.evaluations.map((r) => r.loss!);
    expect(losses).toEqual([...losses].sort((x, y) => y - x));
    const bestLoss = Math.min(...losses);
    const k = results.history.findIndex((h) => h.loss === bestLoss);
    expect(spec.datasets.best).toEqual([{ evaluation: k + 1, a: results.history[k]!.params.a, b: results.history[k]!.params.b }]);
  });

  it('thinHistory keeps the best and bounds the count', () => {
    const history = Array.from({ length: 10_000 }, (_, i) => ({ loss: (i * 7919) % 10_007 }));
    const kept = thinHistory(history, 1000);
    expect(kept.length).toBe(1000);
    expect(new Set(kept).size).toBe(1000);
    const best = history.map((h, i) => [h.loss, i] as const).sort((x, y) => x[0] - y[0]).slice(0, 500).map(([, i]) => i);
    for (const i of best) expect(kept).toContain(i);
    expect(thinHistory(history.slice(0, 10), 1000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('fiCurveSpec: where target and fit agree, neither hides the other (wider line and larger circles under dashes and diamonds)', () => {
    type Channel = { scale: { domain: string[]; range: unknown[] } };
    const spec = fiCurveSpec({ amplitudes: [10, 20], target: [20, 40], fit: [20, 40] }) as unknown as { layer: { name: string; encoding: Record<string, Channel> }[] };
    const channel = (layer: string, name: string) => {
      const c = spec.layer.find((l) => l.name === layer)!.encoding[name]!;
      return Object.fromEntries(c.scale.domain.map((d, k) => [d, c.scale.range[k]]));
    };
    expect(channel('fi_points', 'shape')).toEqual({ target: 'circle', 'best fit': 'diamond' });
    const size = channel('fi_points', 'size') as Record<string, number>;
    expect(size['target']!).toBeGreaterThan(2 * size['best fit']!);
    expect(channel('fi_lines', 'strokeDash')['best fit']).not.toEqual([1, 0]);
    const width = channel('fi_lines', 'strokeWidth') as Record<string, number>;
    expect(width['target']!).toBeGreaterThan(width['best fit']!);
  });

  it('fiCurveSpec: one point per amplitude and series', () => {
    const spec = fiCurveSpec({ amplitudes: [15, 10, 20], target: [30, 20, 40], fit: [28, 21, NaN] }, { currentUnit: 'pA' }) as unknown as { data: { values: { I: number; rate: number; series: string }[] } };
    expect(spec.data.values.filter((v) => v.series === 'target').map((v) => v.I)).toEqual([10, 15, 20]);
    expect(spec.data.values.filter((v) => v.series === 'best fit').length).toBe(2);
    expect(JSON.stringify(spec)).toContain('injected current I (pA)');
    expect(() => fiCurveSpec({ amplitudes: [1, 2], target: [1] })).toThrow(/1 target rates for 2 amplitudes/);
  });
});

describe('f–I from recordings', () => {
  it('finds the current step and the rates during it', () => {
    const times = Array.from({ length: 10_000 }, (_, i) => i * 0.1);
    const I = times.map((t) => (t >= 100 && t < 900 ? 12 : 0));
    const step = currentStep(times, I, 1000)!;
    expect(step.amplitude).toBe(12);
    expect(step.start).toBeCloseTo(100, 9);
    expect(step.end).toBeCloseTo(900, 9);
    expect(currentStep(times, times.map(() => 3), 1000)).toEqual({ amplitude: 3, start: 0, end: 1000 });
    expect(currentStep(times, times.map((t) => t / 100), 1000)).toBeUndefined(); // a ramp
    expect(firingRate([50, 150, 250, 950], 100, 900)).toBeCloseTo(2.5, 12);

    const fi = fiFromRecordings(stepChunks([22, 35], true), stepChunks([20, 30], false));
    expect(fi.amplitudes).toEqual([10, 15]);
    expect(fi.target).toEqual([22.5, 35]);
    expect(fi.fit).toEqual([20, 30]);
    // without the current trace there are no steps, hence no curve
    expect(fiFromRecordings(stepChunks([22, 35], false), stepChunks([20, 30], false)).amplitudes).toEqual([]);
  });
});

describe('renderSvg / renderPng', () => {
  it('renders the loss history with one circle per finite loss', async () => {
    const history = [{ loss: 900 }, { loss: null }, { loss: 40 }, { loss: 120 }, { loss: 3 }];
    const svg = await renderSvg(lossHistorySpec(history, { title: 'losses <&>' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(countMarks(svg, /loss_points/)).toBe(4);
    expect(countMarks(svg, /loss_best_so_far/)).toBe(1);
    expect(countMarks(svg, /loss_best/)).toBe(1);
    expect(svg).toContain('losses &lt;&amp;&gt;');
    expect(svg).toContain('loss (log scale)');
    expect(svg).toContain('>evaluation</text>');
  });

  it('renders traces (a line per series and chunk, a tick per spike) and rasterises to PNG', async () => {
    const target = stepChunks([10, 15], true);
    const spec = tracesSpec(target.chunks.map((c) => ({ target: { times: c.times, values: c.traces.v!, spikes: c.spikes }, fit: { times: c.times, values: c.traces.v!.map((x) => x + 1), spikes: [] }, duration: 1000 })), { unit: 'mV' });
    const svg = await renderSvg(spec);
    expect(countMarks(svg, /trace_\d+/)).toBe(4);
    expect(countMarks(svg, /spikes_\d+/)).toBe(target.chunks[0]!.spikes.length + target.chunks[1]!.spikes.length);
    expect(svg).toContain('v (mV)');
    const png = renderPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });

  it('renders the parameter cloud: a circle per successful evaluation and parameter', async () => {
    const results = fakeResults();
    const svg = await renderSvg(parameterCloudSpec(results.history, results.fitted));
    const ok = results.history.filter((h) => Number.isFinite(h.loss)).length;
    expect(countMarks(svg, /cloud_\d+_points/)).toBe(2 * ok);
    expect(countMarks(svg, /cloud_\d+_failed/)).toBe(2 * (40 - ok));
    expect(countMarks(svg, /cloud_\d+_best/)).toBe(2);
  });
});

describe('renderReport', () => {
  it('escapes text and scopes SVG ids', async () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(scopeSvgIds('<clipPath id="clip1"></clipPath><g clip-path="url(#clip1)">', 'p')).toBe('<clipPath id="p-clip1"></clipPath><g clip-path="url(#p-clip1)">');
    const html = await renderReport(fakeResults({ model: '<script>alert(1)</script>' }), { title: 'A & B <i>' });
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>A &amp; B &lt;i&gt;</title>');
    // the ids of all inline SVGs are distinct
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows summary, parameter table (fitted with bounds, held marked) and all four plots', async () => {
    const html = await renderReport(fakeResults(), { units: { v: 'mV' } });
    for (const plot of ['traces', 'loss', 'parameters', 'fi']) expect(html).toContain(`data-plot="${plot}"`);
    expect(html).toMatch(/<th scope="row">method<\/th><td>tpe<\/td>/);
    expect(html).toMatch(/<th scope="row">evaluations<\/th><td>40 \(4 failed\)<\/td>/);
    expect(html).toMatch(/<tr class="fitted"><td>a<\/td>.*?0\.005.*?0\.15/);
    expect(html).toMatch(/<tr class="held"><td>c<\/td><td class="num">-65<\/td>.*held \(not fitted\)/);
    expect(html).toContain('v (mV)');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('leaves out traces and f–I when there are no recordings (a fit still running)', async () => {
    const html = await renderReport(fakeResults({ status: 'running', bestRecordings: undefined, targetRecordings: undefined }));
    expect(html).not.toContain('data-plot="traces"');
    expect(html).not.toContain('data-plot="fi"');
    expect(html).toContain('data-plot="loss"');
    expect(html).toContain('status: running');
  });
});

describe('neurofit report (command)', () => {
  const run = (...args: string[]) => reportCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }).parseAsync(args, { from: 'user' });

  it('fails with a one-line UsageError for a missing file or a file that is not a results file', async () => {
    const missing = join(dir, 'nope.json');
    await expect(run(missing)).rejects.toThrow(UsageError);
    await expect(run(missing)).rejects.toThrow(`no such results file: ${missing}`);
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ hello: 1 }));
    await expect(run(other)).rejects.toThrow(/is not a neurofit results file/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format": ');
    const err = await run(broken).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/is not valid JSON/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('writes next to the results file by default', async () => {
    expect(defaultReportPath('out/fit.json')).toBe('out/fit.html');
    expect(defaultReportPath('fit.results')).toBe('fit.results.html');
    const file = join(dir, 'fake.json');
    writeFileSync(file, JSON.stringify(fakeResults(), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
    expect(loadResults(file).history.length).toBe(40);
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await run(file);
    } finally {
      process.stdout.write = write;
    }
    const html = readFileSync(join(dir, 'fake.html'), 'utf8');
    expect(html).toContain('data-plot="parameters"');
    expect(html).toContain('fake.json');
  });
});

describe('report of a real fit in headless Chromium', () => {
  it('renders every plot with a non-zero size and its marks', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install chromium) for this test`).toBe(true);
    const results = join(dir, 'izh.json');
    const fit = spawnSync(
      process.execPath,
      [join(root, 'bin', 'neurofit.js'), 'fit-trace', '--model', 'izhikevich', '--data', join(root, 'examples/data/izhikevich-rs-10.csv'),
        '--data', join(root, 'examples/data/izhikevich-rs-15.csv'), '--fit', 'a,b,c,d', '--max-evals', '24', '--seed', '1', '--out', results],
      { encoding: 'utf8', cwd: dir },
    );
    expect(fit.stderr).toBe('');
    expect(fit.status).toBe(0);
    const page = join(dir, 'izh.html');
    await writeReport(results, page);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('v (mV)'); // units of the built-in model

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(pathToFileURL(page).href);
      const plots = await tab.$$eval('section.plot', (sections) =>
        sections.map((s) => {
          const svg = s.querySelector('svg')!;
          const box = svg.getBoundingClientRect();
          const count = (name: string) => svg.querySelectorAll(`g[class*=" ${name}"] > path`).length;
          return {
            plot: s.getAttribute('data-plot'),
            width: box.width,
            height: box.height,
            trace: count('trace_'),
            spikes: count('spikes_'),
            loss: count('loss_points'),
            bestSoFar: count('loss_best_so_far'),
            cloud: count('cloud_'),
            cloudBest: count('cloud_3_best_marks'),
            fiLines: count('fi_lines'),
            fiPoints: count('fi_points'),
            paths: svg.querySelectorAll('path').length,
            text: svg.textContent ?? '',
          };
        }),
      );
      expect(plots.map((p) => p.plot)).toEqual(['traces', 'loss', 'parameters', 'fi']);
      for (const p of plots) {
        expect(p.width, p.plot!).toBeGreaterThan(300);
        expect(p.height, p.plot!).toBeGreaterThan(200);
        expect(p.paths, p.plot!).toBeGreaterThan(10);
      }
      const data = JSON.parse(readFileSync(results, 'utf8')) as ResultsFile;
      const [traces, loss, params, fi] = plots;
      expect(traces!.trace).toBe(4); // target and fit in two chunks
      const spikes = [...data.targetRecordings!.chunks, ...data.bestRecordings!.chunks].reduce((n, c) => n + c.spikes.length, 0);
      expect(traces!.spikes).toBe(spikes);
      expect(traces!.text).toContain('time (ms)');
      const finite = data.history.filter((h) => h.loss !== null).length;
      expect(loss!.loss).toBe(finite);
      expect(loss!.bestSoFar).toBe(1);
      // four panels: a circle per evaluation (a cross if it failed) and a diamond at the best
      expect(params!.cloud).toBe(4 * (data.history.length + 1));
      expect(params!.cloudBest).toBe(1);
      expect(fi!.fiLines).toBe(2);
      expect(fi!.fiPoints).toBe(4); // two amplitudes, target and fit
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      const shots = join(dir, 'screenshots');
      mkdirSync(shots, { recursive: true });
      const shot = join(shots, 'report.png');
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });
});
