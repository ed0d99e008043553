/**
 * Runs the plan as a library call (the CLI is a thin shell over this, STYLE.md
 * §9): validates the target, starts vitest on the `plan` project with our
 * reporter, renders the reports, and decides the exit code.
 */
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';
import { loadConfig } from '../config/load-config.ts';
import { MailflowError } from '../errors.ts';
import { LAB_FAULTS } from '../lab/faults.ts';
import type { CaseResult, Results } from '../report/model.ts';
import { renderRun } from '../report/render-all.ts';
import { PlanReporter } from './plan-reporter.ts';
import { newRunId, RUN_OPTIONS_ENV, type RunOptions } from './run-options.ts';

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
  try {
    const vitest = await startVitest(filters, {
      root: PROJECT_ROOT,
      config: path.join(PROJECT_ROOT, 'vitest.config.ts'),
      project: 'plan',
      watch: false,
      reporters: [reporter],
    });
    await vitest.close();
  } finally {
    delete process.env[RUN_OPTIONS_ENV];
  }
  const results = await reporter.results();
  const { written, failed } = await renderRun(runDir, results);
  await pointLatest(outDir, runDir);
  return { exitCode: exitCodeOf(results), runDir, results, rendered: written, renderFailures: failed };
}

/**
 * 0 only when every mandatory case that ran passed (PASS, ATTESTED or
 * NOT_APPLICABLE, the same rule as the report's acceptance banner); a mandatory
 * case that failed, errored or could not be run is 1, and so is a run with no case.
 */
export function exitCodeOf(results: Results): 0 | 1 {
  if (results.cases.length === 0) return 1;
  const passing = new Set(['PASS', 'ATTESTED', 'NOT_APPLICABLE']);
  return results.cases.some((c) => c.mandatory && !passing.has(c.verdict)) ? 1 : 0;
}

async function pointLatest(outDir: string, runDir: string): Promise<void> {
  const link = path.join(outDir, 'latest');
  await rm(link, { force: true });
  await symlink(path.basename(runDir), link).catch(() => undefined);
}


