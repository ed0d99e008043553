/**
 * vitest global setup of the `plan` project: opens the target (config or lab),
 * runs the collectors once (probes first), and provides what they found to the
 * case files. Secrets stay here: workers only see the config and the findings.
 * If the set-up itself fails, the reason is written to the run folder before
 * vitest sees the throw, so the run's results say SETUP ERROR instead of
 * listing no case at all.
 */
import { mkdir } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { errorMessage, isMailflowError } from '../errors.ts';
import { consoleLogger } from '../logger.ts';
import { COLLECTORS, selected } from './collectors.ts';
import type { PlanContext } from './plan-context.ts';
import type { ProbeRecord } from './probe-types.ts';
import { readRunOptions, runDirFromEnv } from './run-options.ts';
import { pendingRunInfo, probeSummary, readRunState, runInfo, writeRunState } from './run-state.ts';
import { openSession } from './session.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    return await runSetup(project);
  } catch (err) {
    await recordSetupError(err);
    throw err;
  }
}

async function runSetup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = new Date();
  const options = readRunOptions();
  const logger = consoleLogger('plan');
  await mkdir(options.runDir, { recursive: true });
  await writeRunState(options.runDir, { run: pendingRunInfo(options, startedAt), probes: [] });
  const session = await openSession(options, logger);
  try {
    const info = runInfo(options, session.config, session.target, session.warnings, startedAt);
    await writeRunState(options.runDir, { run: info, probes: [] });
    let context: PlanContext = {
      runId: options.runId,
      runDir: options.runDir,
      target: session.target,
      config: session.config,
      probes: [],
      replyChains: [],
      labFaults: options.labFaults,
      only: options.only,
    };
    for (const collector of COLLECTORS) {
      if (!selected(collector, options.only)) continue;
      const found = await collector.collect({ options, config: session.config, secrets: session.secrets, session, logger, context });
      context = { ...context, ...found };
    }
    const run = { ...info, warnings: [...info.warnings, ...probeWarnings(context.probes)] };
    await writeRunState(options.runDir, { run, probes: context.probes.map((p) => probeSummary(p, session.config.gateway.hopPatterns)) });
    project.provide('mailflow', context);
  } catch (err) {
    await session.close();
    throw err;
  }
  return () => session.close();
}

/** Run-level warnings from the probe phase: a sender mailbox that could not be read hides bounces. */
export function probeWarnings(probes: readonly ProbeRecord[]): string[] {
  const out = new Set<string>();
  for (const p of probes) {
    const e = p.delivery.bounceWatchError;
    if (e) out.add(`${e.key}: the sender's mailbox could not be read, so no bounce could be seen for the probes from ${p.from} (${e.code}: ${e.message})`);
  }
  return [...out];
}

/** Keeps the set-up failure in the run folder (where the reporter reads it); never throws itself. */
async function recordSetupError(err: unknown): Promise<void> {
  const runDir = runDirFromEnv();
  if (runDir === undefined) return;
  const message = `${isMailflowError(err) ? `${err.code}: ` : ''}${errorMessage(err)}`;
  try {
    await mkdir(runDir, { recursive: true });
    const state = await readRunState(runDir);
    const run = state?.run ?? pendingRunInfo(readRunOptionsLoosely(runDir), new Date());
    await writeRunState(runDir, { run, probes: state?.probes ?? [], setupError: message });
  } catch {
    // The throw that follows still reaches vitest and the CLI.
  }
}

/** The run's options even when they do not validate (that may be the very failure). */
function readRunOptionsLoosely(runDir: string) {
  try {
    return readRunOptions();
  } catch {
    return { runId: runDir.split(/[\\/]/).pop() ?? 'unknown', runDir, overrides: [], labFaults: [], labDomains: 1, only: [] };
  }
}
