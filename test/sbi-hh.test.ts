import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptNeuron, computeFeatures, type Results } from '../src/index.ts';
import { writeReport } from '../src/report/report.ts';
import { hodgkinHuxley } from '../models/index.ts';
import { CurrentStep } from '../experiments/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-sbi-hh-'));
const CHROMIUM = '/usr/bin/chromium';
const STEP = { amplitude: 10, start: 20, stop: 120 };
const NAMES = ['Spikecount', 'mean_frequency', 'time_to_first_spike', 'AP_amplitude', 'AHP_depth', 'voltage_base', 'steady_state_voltage_stimend'];

/** eFEL features of the step response; a spike feature of a trace without spikes is 0 (a value, not a failure). */
function features(r: Results): number[] {
  const f = computeFeatures({ t: r.times(), v: r.trace('v'), stimStart: STEP.start, stimEnd: STEP.stop }, NAMES);
  return NAMES.map((n) => {
    const v = f[n];
    if (v === null || v === undefined) return 0;
    return Array.isArray(v) ? (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0) : (v as number);
  });
}

describe("Hodgkin–Huxley by method 'sbi' from features of a 10 µA/cm² step", () => {
  it('holds the true gNa, gK, gL inside the 90 % credible intervals; the pair plot and the report (opened in Chromium) show the posterior', async () => {
    const truth = { gNa: 120, gK: 36, gL: 0.3 };
    const fit = await new OptNeuron({
      experiment: new CurrentStep(STEP),
      neuronModel: hodgkinHuxley,
      targetNeuronModel: hodgkinHuxley,
      targetParameters: truth,
      variablesBounds: { gNa: [60, 200], gK: [15, 60], gL: [0.1, 0.6] },
      getLoss: (ist: Results, soll: Results) => features(ist).reduce((s, v, i) => s + (v - features(soll)[i]!) ** 2, 0),
      summary: features,
      method: 'sbi',
      timeStep: 0.025,
      seed: 2,
    }).run({ maxEvals: 2000, sbiPlotFile: join(dir, 'posterior.svg'), resultsFile: join(dir, 'hh.json') });
    const p = fit.posterior!;
    const lines = p.names.map((n, i) => `${n}: 90 % CI [${p.q05[i]!.toPrecision(4)}, ${p.q95[i]!.toPrecision(4)}], MAP ${fit.params[n]!.toPrecision(4)}, true ${truth[n as keyof typeof truth]}`);
    console.log(lines.join('\n'), `\n${p.epochs} epochs, ${p.trainSeconds.toFixed(1)} s; ${p.coverage?.message}`);
    p.names.forEach((n, i) => {
      const t = truth[n as keyof typeof truth];
      expect(p.q05[i]!, n).toBeLessThan(t);
      expect(p.q95[i]!, n).toBeGreaterThan(t);
    });
    expect(readFileSync(join(dir, 'posterior.svg'), 'utf8')).toMatch(/<svg[\s\S]*gNa[\s\S]*gK[\s\S]*gL/);

    // the HTML report, opened as the report test opens it: the posterior table and the pair plot, drawn
    const page = join(dir, 'hh.html');
    await writeReport(join(dir, 'hh.json'), page);
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install chromium) for this test`).toBe(true);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(pathToFileURL(page).href);
      const rows = await tab.$$eval('table.params', (tables) => {
        const posterior = tables.find((t) => t.previousElementSibling?.textContent === 'Posterior')!;
        return [...posterior.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')!.textContent);
      });
      expect(rows).toEqual(['gNa', 'gK', 'gL']);
      const plot = await tab.$eval('section.plot[data-plot="posterior"] svg', (svg) => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, height: box.height, marks: svg.querySelectorAll('path').length };
      });
      expect(plot.width).toBeGreaterThan(100);
      expect(plot.height).toBeGreaterThan(100);
      expect(plot.marks).toBeGreaterThan(10);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
