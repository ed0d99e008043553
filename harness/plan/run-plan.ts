/**
 * Runs the plan as a library call (the CLI is a thin shell over this, STYLE.md
 * §9): validates the target, starts vitest on the `plan` project with our
 * reporter, renders the reports, and decides the exit code.
 */
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load-config.ts';
import { errorMessage, MailflowError } from '../errors.ts';
import { LAB_FAULTS } from '../lab/faults.ts';
import { isPassing, type CaseResult, type Results } from '../report/model.ts';
import { PlanReporter } from './plan-reporter.ts';
import { LAB_DOMAINS, newRunId, RUN_OPTIONS_ENV, type RunOptions } from './run-options.ts';
import { pendingRunInfo, writeRunState } from './run-state.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunPlanOptions {
  configFile?: string;
  overrides?: string[];
  labFaults?: string[];
  labDomains?: number;
  only?: string[];
  outDir?: string;
  executedBy?: string;
  overseenBy?: string;
  onCase?: (c: CaseResult) => void;
}

export interface RunPlanResult {
  exitCode: 0 | 1;
  runDir: string;
  results: Results;
  rendered: string[];
  renderFailures: { renderer: string; error: string }[];
}

/** Checks the options that would otherwise fail deep inside the run; throws EUSAGE/ECONFIG (exit 2). */
export async function validateRunOptions(opts: RunPlanOptions): Promise<string[]> {
  const known = Object.keys(LAB_FAULTS);
  const faults = opts.labFaults ?? [];
  if (opts.configFile !== undefined && faults.length > 0) {
    throw new MailflowError('EUSAGE', '--lab-fault applies to the embedded lab only; drop --config or the faults');
  }
  const domains = opts.labDomains;
  if (domains !== undefined && !(Number.isInteger(domains) && domains >= LAB_DOMAINS.min && domains <= LAB_DOMAINS.max)) {
    throw new MailflowError('EUSAGE', `--lab-domains: got ${String(domains)} (expected a whole number from ${LAB_DOMAINS.min} to ${LAB_DOMAINS.max})`);
  }
  const unknown = faults.filter((f) => !known.includes(f));
  if (unknown.length > 0) {
    throw new MailflowError('EUSAGE', `unknown lab fault ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  const files = (await readdir(path.join(PROJECT_ROOT, 'tests'))).filter((f) => f.endsWith('.test.ts'));
  const only = (opts.only ?? []).map((id) => id.trim().toUpperCase()).filter(Boolean);
  const filters = only.map((id) => {
    const file = files.find((f) => f.startsWith(`${id}-`));
    if (!file) throw new MailflowError('EUSAGE', `--only ${id}: no such case (known: ${files.map((f) => f.split('-')[0]).join(', ')})`);
    return `tests/${file}`;
  });
  if (opts.configFile !== undefined) await loadConfig({ file: opts.configFile, env: process.env, overrides: opts.overrides ?? [] });
  return filters;
}

export async function runPlan(opts: RunPlanOptions): Promise<RunPlanResult> {
  const filters = await validateRunOptions(opts);
  const runId = newRunId();
  const outDir = path.resolve(opts.outDir ?? path.join(PROJECT_ROOT, 'reports'));
  const runDir = path.join(outDir, runId);
  await mkdir(runDir, { recursive: true });
  const options: RunOptions = {
    runId,
    runDir,
    overrides: opts.overrides ?? [],
    labFaults: opts.labFaults ?? [],
    labDomains: opts.labDomains ?? 1,
    only: (opts.only ?? []).map((s) => s.toUpperCase()),
    ...(opts.configFile === undefined ? {} : { configFile: path.resolve(opts.configFile) }),
    ...(opts.executedBy === undefined ? {} : { executedBy: opts.executedBy }),
    ...(opts.overseenBy === undefined ? {} : { overseenBy: opts.overseenBy }),
  };
  process.env[RUN_OPTIONS_ENV] = JSON.stringify(options);
  const reporter = new PlanReporter({ runDir, ...(opts.onCase ? { onCase: opts.onCase } : {}) });
  // A results.json from the first moment: a run that dies in its set-up or probe phase can still be rendered.
  await writeRunState(runDir, { run: pendingRunInfo(options, new Date()), probes: [] });
  await reporter.start();
  // The PDF's browser starts while the plan runs (it waits on the network most of the time), not after it.
  const browser = import('../report/pdf-report.ts').then((m) => m.prelaunchPdfBrowser(), () => undefined);
  try {
    try {
      await runVitest(filters, reporter);
    } finally {
      delete process.env[RUN_OPTIONS_ENV];
    }
    const results = await withComparison(outDir, await reporter.results());
    const { renderRun, renderersFor } = await import('../report/render-all.ts');
    const { written, failed } = await renderRun(runDir, results, undefined, { renderers: renderersFor({ browser }) });
    await pointLatest(outDir, runDir);
    return { exitCode: exitCodeOf(results), runDir, results, rendered: written, renderFailures: failed };
  } finally {
    await (await browser)?.close();
  }
}

/**
 * Starts vitest (loaded here, not at import: `mailflow analyze` and `--help`
 * need not pay for it) and gathers every error outside a case into the
 * reporter, so that a set-up crash is an ERROR case, not an empty run.
 */
async function runVitest(filters: string[], reporter: PlanReporter): Promise<void> {
  const { startVitest } = await import('vitest/node');
  const errors: string[] = [];
  try {
    const vitest = await startVitest(filters, {
      root: PROJECT_ROOT,
      config: path.join(PROJECT_ROOT, 'vitest.config.ts'),
      project: 'plan',
      watch: false,
      reporters: [reporter],
      // Keep vite's TypeScript transforms of the harness on disk between runs (node_modules/.vitest):
      // start-up then skips re-transforming the same unchanged module graph on every run.
      fsModuleCache: true,
    });
    errors.push(...vitest.state.getUnhandledErrors().map(unhandledMessage));
    await vitest.close();
  } catch (err) {
    errors.push(errorMessage(err));
  }
  await reporter.onTestRunEnd([], []);
  reporter.recordSetupErrors(errors);
  if (reporter.caseCount() === 0) reporter.recordSetupErrors(['no case reported a result: the plan did not run (see the messages above)']);
  await reporter.finish();
}

/** vitest keeps unhandled errors serialized: plain objects with a message. */
function unhandledMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return errorMessage(e);
}

/**
 * 0 only when every mandatory case that ran passed (PASS, ATTESTED or
 * NOT_APPLICABLE, the same rule as the report's acceptance banner); a mandatory
 * case that failed, errored or could not be run is 1, and so is a run with no case.
 */
export function exitCodeOf(results: Results): 0 | 1 {
  if (results.cases.length === 0) return 1;
  return results.cases.some((c) => c.mandatory && !isPassing(c.verdict)) ? 1 : 0;
}

/**
 * The results with what moved since the previous run in the same folder
 * (`latest`, before this run replaces it), when that run was of the same
 * target; unchanged for a first run or one whose results cannot be read.
 */
async function withComparison(outDir: string, results: Results): Promise<Results> {
  const { readResults } = await import('../report/results-writer.ts');
  const { comparable, compareRuns } = await import('../report/compare-runs.ts');
  const previous = await readResults(path.join(outDir, 'latest')).catch(() => undefined);
  return previous && comparable(previous, results) ? { ...results, comparison: compareRuns(previous, results) } : results;
}

async function pointLatest(outDir: string, runDir: string): Promise<void> {
  const link = path.join(outDir, 'latest');
  await rm(link, { force: true });
  await symlink(path.basename(runDir), link).catch(() => undefined);
}


