/**
 * A self-contained HTML report of a fit: summary, parameter table and plots as inline SVG
 * (inline CSS, no scripts, no external resources), from the results file a fit writes.
 */
import type { PosteriorSummary } from '../fit/posterior-summary.ts';
import { posteriorPlotSvg } from './posterior-plot.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { median } from '../numeric/quantile.ts';
import { readResultsFile, type RecordingsJson, type ResultsFile } from '../fit/results-file.ts';
import { renderSvg } from '../plot/render.ts';
import { bestIndex, fiCurveSpec, lossHistorySpec, parameterCloudSpec, tracesSpec, type FiData, type TracePanel } from '../plot/specs.ts';

export interface ReportOptions {
  /** Page title (default: `<model> fit`). */
  title?: string;
  /** An f–I curve to plot instead of the one computed from the recordings' current steps. */
  fi?: FiData & { currentUnit?: string };
  /** Units of variables and parameters (e.g. `{ v: 'mV' }`); writeReport takes them from a built-in model of that name. */
  units?: Record<string, string>;
  /** Where the results came from, shown in the summary (writeReport passes the file name). */
  source?: string;
}

type Chunk = RecordingsJson['chunks'][number];
type FileEvaluation = { params: Record<string, number>; loss: number | null; lossSd: number | null };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for people: 6 significant digits, no trailing zeros. */
export function formatNumber(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  return String(Number(x.toPrecision(digits)));
}

function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '–';
  if (s < 60) return `${Number(s.toPrecision(3))} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A current step found in a chunk's injected current: its level and when it is on (ms). */
export interface CurrentStep {
  amplitude: number;
  start: number;
  end: number;
}

/**
 * The step of a current-clamp sweep: the samples that differ from the first one by more than
 * half the largest difference, if they form a plateau (90% within 5% of that difference of
 * their median). A constant current is a step over the whole chunk. Undefined for ramps,
 * noise and other waveforms.
 */
export function currentStep(times: ArrayLike<number>, current: ArrayLike<number>, duration?: number): CurrentStep | undefined {
  const n = Math.min(times.length, current.length);
  if (n < 2) return undefined;
  const dt = times[1]! - times[0]!;
  const end = duration !== undefined ? times[0]! + duration : times[n - 1]! + dt;
  const base = current[0]!;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(current[i]! - base));
  if (!Number.isFinite(peak)) return undefined;
  if (peak <= 1e-12 * Math.max(1, Math.abs(base))) return { amplitude: base, start: times[0]!, end };
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (Math.abs(current[i]! - base) > peak / 2) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const window = Array.from({ length: last - first + 1 }, (_, j) => current[first + j]!);
  const level = median(window);
  const flat = window.filter((x) => Math.abs(x - level) <= 0.05 * peak).length;
  if (flat < 0.9 * window.length) return undefined;
  return { amplitude: level, start: times[first]!, end: last === n - 1 ? end : times[last + 1]! };
}

/** Spikes per second in [start, end) ms. */
export function firingRate(spikes: ArrayLike<number>, start: number, end: number): number {
  let count = 0;
  for (const t of Array.from(spikes)) if (t >= start && t < end) count++;
  return end > start ? (count * 1000) / (end - start) : NaN;
}

/**
 * The f–I points the recordings allow: every chunk whose injected current `I` (from the target
 * or the fit recordings) is a step, with the firing rates of target and fit during the step.
 * `amplitudes` is empty unless at least two chunks have steps of different amplitudes; `steps`
 * has each chunk's step (or undefined).
 */
export function fiFromRecordings(target: RecordingsJson | undefined, fit: RecordingsJson | undefined, current = 'I'): FiData & { steps: (CurrentStep | undefined)[] } {
  const count = Math.max(target?.chunks.length ?? 0, fit?.chunks.length ?? 0);
  const steps = Array.from({ length: count }, (_, k) => {
    const chunk = [target?.chunks[k], fit?.chunks[k]].find((c) => c?.traces[current] !== undefined);
    return chunk ? currentStep(chunk.times, chunk.traces[current]!, chunk.duration) : undefined;
  });
  const used = steps.flatMap((s, k) => (s ? [k] : []));
  if (used.length < 2 || new Set(used.map((k) => steps[k]!.amplitude)).size < 2) return { amplitudes: [], steps };
  const rates = (r: RecordingsJson | undefined) => (r ? used.map((k) => (r.chunks[k] ? firingRate(r.chunks[k]!.spikes, steps[k]!.start, steps[k]!.end) : NaN)) : undefined);
  return { amplitudes: used.map((k) => steps[k]!.amplitude), target: rates(target), fit: rates(fit), steps };
}

/** The recorded variable to plot: 'v' if recorded, else the first trace other than the current. */
function traceVariable(chunks: Chunk[]): string | undefined {
  const names = chunks.flatMap((c) => Object.keys(c.traces));
  if (names.includes('v')) return 'v';
  return names.find((n) => n !== 'I' && !n.includes(':'));
}

/** Gives each id in an SVG a prefix, so several inline SVGs in one page do not share clip paths or gradients. */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

function figure(key: string, heading: string, caption: string, svg: string): string {
  const labelled = scopeSvgIds(svg, key).replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(heading)}" `);
  return `<section class="plot" id="plot-${key}" data-plot="${key}">
<h2>${escapeHtml(heading)}</h2>
<p class="caption">${escapeHtml(caption)}</p>
<figure>${labelled}</figure>
</section>`;
}

const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1f1f1f; background: #fafafa; margin: 0; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 4px; border-bottom: 1px solid #e3e3e3; padding-bottom: 4px; }
.sub { color: #555; margin: 0 0 16px; }
.caption { color: #555; font-size: 14px; margin: 4px 0 8px; }
.warn { background: #fff4d6; border: 1px solid #e8c96b; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; font-size: 14px; }
th, td { padding: 5px 12px; text-align: left; border-bottom: 1px solid #ececec; vertical-align: middle; }
th { background: #f4f4f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: "DejaVu Sans Mono", Menlo, monospace; }
table.summary th { background: none; font-weight: normal; color: #555; width: 190px; }
tr.held td { color: #666; }
.tag { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 3px; background: #eee; color: #444; }
.tag.edge { background: #fde2e1; color: #9b1c1c; }
.range { position: relative; width: 140px; height: 10px; background: #e9eef5; border-radius: 5px; }
.range span { position: absolute; top: -2px; width: 4px; height: 14px; margin-left: -2px; background: #d62728; border-radius: 1px; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
footer { margin-top: 36px; color: #777; font-size: 12px; }
`;

/** Renders the report of a fit as one self-contained HTML page. */
export async function renderReport(results: ResultsFile, options: ReportOptions = {}): Promise<string> {
  const units = options.units ?? {};
  const history = (results.history ?? []) as unknown as FileEvaluation[];
  const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  const failed = history.filter((h) => !finite(h.loss)).length;
  const best = bestIndex(history);
  const params = results.params ?? (best >= 0 ? history[best]!.params : null);
  const title = options.title ?? `${results.model} fit`;
  const targetName = typeof results.target === 'string' ? results.target : undefined;

  // ---- summary
  const summary: [string, string][] = [
    ['model', results.model],
    ['target', targetName === undefined ? '–' : targetName === 'resultsSoll' ? 'recorded data (resultsSoll)' : `model ${targetName}`],
    ['method', results.method],
    ['evaluations', `${results.evaluations ?? history.length}${failed ? ` (${failed} failed)` : ''}`],
  ];
  if (results.iterations) summary.push(['gradient steps', `${results.iterations}${typeof results.gradientEvaluations === 'number' ? ` (${results.gradientEvaluations} evaluations, counted apart)` : ''}`]);
  const stops = Object.entries(results.stopReason ?? {});
  if (stops.length > 0) summary.push(['stopped', stops.map(([part, why]) => `${why} (${part})`).join(', ')]);
  summary.push(['wall time', formatSeconds(results.elapsedSeconds)]);
  summary.push(['seed', String(results.seed)]);
  summary.push(['best loss', finite(results.loss) ? formatNumber(results.loss) + (finite(results.lossSd) && results.lossSd > 0 ? ` ± ${formatNumber(results.lossSd, 3)} (SD)` : '') : 'none (no successful evaluation)']);
  if (best >= 0) summary.push(['best evaluation', `#${best + 1}`]);
  if (typeof results.timeStep === 'number') summary.push(['time step', `${formatNumber(results.timeStep)} ms`]);
  if (typeof results.numRepLoss === 'number' && results.numRepLoss > 1) summary.push(['loss repetitions', String(results.numRepLoss)]);
  if (options.source) summary.push(['results file', options.source]);
  const summaryHtml = `<table class="summary">${summary.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;

  // ---- parameters
  const fittedNames = new Set(results.fitted.map((f) => f.name));
  const paramRows: string[] = [];
  for (const f of results.fitted) {
    const value = params?.[f.name];
    const where = finite(value) && f.high > f.low ? (value - f.low) / (f.high - f.low) : NaN;
    const edge = Number.isFinite(where) && (where < 0.02 || where > 0.98) ? `<span class="tag edge">at the ${where < 0.5 ? 'lower' : 'upper'} bound</span>` : '';
    const bar = Number.isFinite(where) ? `<div class="range" title="position within the bounds"><span style="left:${(100 * Math.min(1, Math.max(0, where))).toFixed(1)}%"></span></div>` : '';
    const unit = units[f.name] ? ` <span class="unit">${escapeHtml(units[f.name])}</span>` : '';
    paramRows.push(
      `<tr class="fitted"><td>${escapeHtml(f.name)}</td><td class="num">${escapeHtml(formatNumber(value))}${unit}</td><td class="num">${escapeHtml(formatNumber(f.low))}</td><td class="num">${escapeHtml(formatNumber(f.high))}</td><td>${bar}</td><td><span class="tag">fitted</span> ${edge}</td></tr>`,
    );
  }
  // held values: from the best parameters, or from the other evaluations (files written by
  // earlier versions recorded only the fitted values for gradient steps)
  const held: Record<string, number> = {};
  for (const p of [params ?? {}, ...history.map((h) => h.params ?? {})]) {
    for (const [name, value] of Object.entries(p)) if (!fittedNames.has(name) && !(name in held)) held[name] = value;
  }
  for (const name of Object.keys(held).sort()) {
    const unit = units[name] ? ` <span class="unit">${escapeHtml(units[name])}</span>` : '';
    paramRows.push(`<tr class="held"><td>${escapeHtml(name)}</td><td class="num">${escapeHtml(formatNumber(held[name]))}${unit}</td><td colspan="3"></td><td><span class="tag">held (not fitted)</span></td></tr>`);
  }
  const paramsHtml = `<table class="params"><thead><tr><th>parameter</th><th>best value</th><th>lower bound</th><th>upper bound</th><th>position in bounds</th><th></th></tr></thead><tbody>${paramRows.join('')}</tbody></table>`;

  // ---- plots
  const plots: string[] = [];
  const target = results.targetRecordings;
  const fit = results.bestRecordings;
  const fiAuto = fiFromRecordings(target, fit);
  const traces = await tracesFigure(target, fit, units, (k) => `chunk ${k + 1}`);
  if (traces) {
    plots.push(
      figure(
        'traces',
        'Target and best fit',
        `${traces.variable} of the target (black) and of the best parameters (red), one panel per chunk; below each, a tick per spike. Long traces are drawn from the minimum and maximum per pixel column, so spike peaks are kept.`,
        traces.svg,
      ),
    );
  }
  const heldOut = results.validationRecordings;
  if (heldOut) {
    const names = results.validation?.sweeps.map((s) => s.name) ?? [];
    const figureHeldOut = await tracesFigure(heldOut.data, heldOut.model, units, (k) => `held out: ${names[k] ?? `sweep ${k + 1}`}`);
    if (figureHeldOut) {
      plots.push(
        figure(
          'held-out',
          'Held-out sweeps',
          `${figureHeldOut.variable} recorded on sweeps the fit never saw (black) and the fitted model's response to their current (red), one panel per sweep, with spike ticks below.`,
          figureHeldOut.svg,
        ),
      );
    }
  }
  if (history.length > 0) {
    const svg = await renderSvg(lossHistorySpec(history));
    plots.push(figure('loss', 'Loss history', 'The loss of every evaluation in the order they were made, and the best loss so far. Failed evaluations (no finite loss) are left out.', svg));
    if (results.fitted.length > 0) {
      const svg = await renderSvg(parameterCloudSpec(history, results.fitted, { units }));
      plots.push(
        figure(
          'parameters',
          'Parameters explored',
          'Each fitted parameter against the evaluation number, coloured by loss: a search concentrates around good values, gradient steps show as trajectories. The y axis spans the bounds.',
          svg,
        ),
      );
    }
  }
  const posterior = results.posterior as PosteriorSummary | undefined;
  if (posterior?.samples?.length) {
    const svg = await posteriorPlotSvg(posterior);
    plots.push(
      figure(
        'posterior',
        'Posterior',
        "Simulation-based inference: each parameter's marginal histogram on the diagonal, 2-D densities below it and the draws above it, within the prior's bounds; the red diamond is the MAP (the fit's parameters).",
        svg,
      ),
    );
  }
  const fi = options.fi ?? (fiAuto.amplitudes.length > 0 ? fiAuto : undefined);
  if (fi && fi.amplitudes.length > 0) {
    const svg = await renderSvg(fiCurveSpec(fi, { currentUnit: options.fi?.currentUnit ?? units.I }));
    plots.push(
      figure(
        'fi',
        'Firing rate vs current',
        options.fi ? 'Firing rate against the injected current amplitude, target and fit.' : 'For each chunk with a current step: the step amplitude and the spikes per second during the step, for the target and the best fit.',
        svg,
      ),
    );
  }

  const warning = results.status === 'running' ? `<p class="warn">This fit had not finished when the file was written (status: running); recordings of the best fit are written only at the end.</p>` : '';
  const noPlots = plots.length === 0 ? '<p class="warn">No evaluations and no recordings in this file: nothing to plot.</p>' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(`${results.model} fitted with ${results.method}: ${results.evaluations ?? history.length} evaluations, best loss ${formatNumber(results.loss)}`)}</p>
${warning}
<h2>Summary</h2>
${summaryHtml}
<h2>Parameters</h2>
${paramsHtml}
${posteriorHtml(results.posterior as PosteriorSummary | undefined)}
${validationHtml(results)}
${plots.join('\n')}
${noPlots}
<footer>neurofit report${options.source ? ` of ${escapeHtml(options.source)}` : ''}</footer>
</main>
</body>
</html>
`;
}

/** An sbi fit's posterior as a table: mean, SD, 5/50/95 % quantiles and MAP per parameter, with acceptance and calibration. */
function posteriorHtml(p: PosteriorSummary | undefined): string {
  if (!p || !Array.isArray(p.names)) return '';
  const rows = p.names
    .map((n, i) => `<tr><td>${escapeHtml(n)}</td>${[p.mean[i], p.sd[i], p.q05[i], p.q50[i], p.q95[i], p.map[n]].map((v) => `<td class="num">${escapeHtml(formatNumber(v, 4))}</td>`).join('')}</tr>`)
    .join('');
  const notes = [
    `${p.simulations} simulations (${p.invalidSimulations} invalid, dropped), ${p.epochs} training epochs in ${p.trainSeconds.toFixed(1)} s (${p.stopReason})`,
    `acceptance ${(100 * p.acceptanceRate).toFixed(1)} % of draws inside the prior's support`,
    ...(p.coverage ? [p.coverage.message] : []),
  ];
  return `<h2>Posterior</h2><table class="params"><thead><tr><th>parameter</th><th>mean</th><th>SD</th><th>5 %</th><th>50 %</th><th>95 %</th><th>MAP</th></tr></thead><tbody>${rows}</tbody></table>${notes
    .map((t) => `<p${p.coverage?.miscalibrated && t === p.coverage.message ? ' class="warn"' : ''}>${escapeHtml(t)}</p>`)
    .join('')}`;
}

/** Target and fit traces, one panel per chunk labelled with its step and spike counts; undefined when there is no trace to draw. */
async function tracesFigure(target: RecordingsJson | undefined, fit: RecordingsJson | undefined, units: Record<string, string>, label: (k: number) => string): Promise<{ variable: string; svg: string } | undefined> {
  const variable = traceVariable([...(target?.chunks ?? []), ...(fit?.chunks ?? [])]);
  if (!variable) return undefined;
  const steps = fiFromRecordings(target, fit).steps;
  const count = Math.max(target?.chunks.length ?? 0, fit?.chunks.length ?? 0);
  const series = (c: Chunk | undefined) => (c && c.traces[variable] ? { times: c.times, values: c.traces[variable]!, spikes: c.spikes } : undefined);
  const panels: TracePanel[] = Array.from({ length: count }, (_, k) => {
    const step = steps[k];
    const stepText = step ? ` — I = ${formatNumber(step.amplitude, 4)}${units.I ? ' ' + units.I : ''} from ${formatNumber(step.start, 4)} to ${formatNumber(step.end, 4)} ms` : '';
    const t = target?.chunks[k];
    const f = fit?.chunks[k];
    const spikeText = ` (spikes: ${t ? t.spikes.length : '–'} target, ${f ? f.spikes.length : '–'} fit)`;
    return { label: `${label(k)}${stepText}${spikeText}`, target: series(t), fit: series(f), duration: (t ?? f)?.duration };
  });
  return { variable, svg: await renderSvg(tracesSpec(panels, { variable, unit: units[variable] })) };
}

/** The held-out sweeps table (`fit-trace --validate`), or nothing. */
function validationHtml(results: ResultsFile): string {
  const v = results.validation;
  if (!v || v.sweeps.length === 0) return '';
  const rows = v.sweeps.map(
    (s) =>
      `<tr><td>${escapeHtml(s.name)}</td><td class="num">${escapeHtml(formatNumber(s.gamma, 3))}</td><td class="num">${s.modelSpikes} / ${s.dataSpikes}</td><td class="num">${escapeHtml(s.subthresholdRmse === null ? '–' : `${formatNumber(s.subthresholdRmse, 3)} mV`)}</td></tr>`,
  );
  return `<h2>Held-out validation</h2>
<p class="sub">Sweeps not used for fitting, with the best parameters: coincidence factor Γ (Δ = 2 ms), spikes of model and recording, voltage RMSE away from spikes. Mean Γ ${escapeHtml(formatNumber(v.gamma, 3))}.</p>
<table class="params"><thead><tr><th>sweep</th><th>Γ</th><th>spikes (model / data)</th><th>subthreshold RMSE</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Reads a results file for a report: the fit layer's reader, with one-line errors that say
 * the file cannot be reported (missing, a directory, not JSON, not a neurofit results file).
 *
 * ```ts
 * const html = await renderReport(loadResults('results/fit.json'));
 * ```
 */
export function loadResults(path: string): ResultsFile {
  return readResultsFile(path, 'report');
}

/** Units of a built-in model's variables and parameters, when the model name is one. */
export async function builtinUnits(model: string): Promise<Record<string, string> | undefined> {
  try {
    const { builtinModels } = await import('../models/index.ts');
    return builtinModels[model]?.spec.units;
  } catch {
    return undefined;
  }
}

/** Reads a results file and writes its HTML report to `outPath`. */
export async function writeReport(resultsPath: string, outPath: string, options: ReportOptions = {}): Promise<void> {
  const results = loadResults(resultsPath);
  const units = options.units ?? (await builtinUnits(results.model));
  writeHtml(outPath, await renderReport(results, { source: basename(resultsPath), ...options, units }));
}

/** Writes a page, creating its folder. */
export function writeHtml(outPath: string, html: string): void {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, html);
}
