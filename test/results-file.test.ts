import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Experiment, OptNeuron, readResultsFile, type Results } from '../src/index.ts';
import { loadResults } from '../src/report/report.ts';
import { lif } from '../models/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurofit-results-file-'));

const file = {
  format: 'neurofit-fit/1',
  status: 'done',
  model: 'lif',
  method: 'tpe',
  seed: 0,
  fitted: [{ name: 'tau_m', low: 5, high: 30 }],
  evaluations: 2,
  params: { tau_m: 12 },
  loss: 0.5,
  lossSd: 0,
  history: [
    { params: { tau_m: 12 }, loss: 0.5, lossSd: 0 },
    { params: { tau_m: 29 }, loss: null, lossSd: null },
  ],
};

describe('readResultsFile: one reader, errors that say what the file was read for', () => {
  const missing = join(dir, 'nope.json');
  const folder = join(dir, 'folder.json');
  mkdirSync(folder);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"format": ');
  const other = join(dir, 'other.json');
  writeFileSync(other, JSON.stringify({ format: 'neurofit-fit/1', history: [] }));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(file));

  it('reads failed losses (null in JSON) as NaN', () => {
    const read = readResultsFile(good);
    expect(read.history.map((h) => h.loss)).toEqual([0.5, NaN]);
    expect(read.history[1]!.lossSd).toBeNaN();
    expect(loadResults(good)).toEqual(read);
  });

  for (const [purpose, read] of [
    ['read', (p: string) => readResultsFile(p)],
    ['resume', (p: string) => readResultsFile(p, 'resume')],
    ['report', loadResults],
  ] as const) {
    it(`cannot ${purpose}`, () => {
      expect(() => read(missing)).toThrow(`cannot ${purpose}: no such results file: ${missing}`);
      expect(() => read(folder)).toThrow(`cannot ${purpose}: ${folder} is a directory, not a results file`);
      expect(() => read(broken)).toThrow(new RegExp(`^cannot ${purpose}: .*broken.json is not valid JSON \\([^\\n]+\\)$`));
      expect(() => read(other)).toThrow(`cannot ${purpose}: ${other} is not a neurofit results file (expected "format": "neurofit-fit/1" with fitted and history)`);
    });
  }

  it('a resumed fit says it cannot resume', async () => {
    class Rest extends Experiment {
      run(): Results {
        this.simulate(1);
        return this.results();
      }
    }
    const opt = new OptNeuron({ experiment: Rest, getLoss: () => 0, variablesBounds: { tau_m: [5, 30] }, neuronModel: lif, resultsSoll: 0, method: 'tpe' });
    await expect(opt.run({ maxEvals: 4, resultsFile: missing, resume: true })).rejects.toThrow(`cannot resume: no such results file: ${missing}`);
    await expect(opt.run({ maxEvals: 4, resultsFile: other, resume: true })).rejects.toThrow(/^cannot resume: .* is not a neurofit results file/);
    const cmaes = join(dir, 'cmaes.json');
    writeFileSync(cmaes, JSON.stringify({ ...file, method: 'cmaes' }));
    await expect(opt.run({ maxEvals: 4, resultsFile: cmaes, resume: true })).rejects.toThrow("cannot resume: the method differs (file 'cmaes', this fit 'tpe')");
  });
});
