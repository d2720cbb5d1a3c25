import { Command } from 'commander';
import { basename } from 'node:path';
import { UsageError } from './errors.ts';
import { example } from './help.ts';

/** `path.json` -> `path.html` (or `path` + `.html` for other names). */
export function defaultReportPath(resultsPath: string): string {
  return /\.json$/i.test(resultsPath) ? resultsPath.replace(/\.json$/i, '.html') : `${resultsPath}.html`;
}

/** `neurofit report <results.json>`: a self-contained HTML report (summary, parameters, plots) of a fit. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write a self-contained HTML report of a fit (summary, parameters, traces, loss history, parameter cloud, f-I)')
    .argument('<results.json>', 'results file written by a fit (--out)')
    .option('--out <report.html>', 'HTML file to write (default: the results path with .html)')
    .option('--title <text>', 'page title (default: "<model> fit")')
    .option('--history-csv <file.csv>', "also export the fit's evaluations as CSV (evaluation, loss, lossSd, parameters)")
    .addHelpText('after', example('neurofit report fit.json', 'fit.json from neurofit fit-trace --help'))
    .action(async (resultsPath: string, opts: { out?: string; title?: string; historyCsv?: string }) => {
      // the report (and vega with it) is loaded only when the command runs
      const { builtinUnits, loadResults, renderReport, writeHtml } = await import('../report/report.ts');
      let results;
      try {
        results = loadResults(resultsPath);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const out = opts.out ?? defaultReportPath(resultsPath);
      const html = await renderReport(results, { title: opts.title, source: basename(resultsPath), units: await builtinUnits(results.model) });
      try {
        writeHtml(out, html);
      } catch (err) {
        throw new UsageError(`cannot write ${out}: ${(err as Error).message}`);
      }
      process.stdout.write(`report: ${out}\n`);
      if (opts.historyCsv) {
        const { writeHistoryCsv } = await import('../fit/history-csv.ts');
        writeHistoryCsv(opts.historyCsv, results.history, results.fitted.map((f) => f.name));
        process.stdout.write(`history: ${opts.historyCsv}\n`);
      }
    });
}
