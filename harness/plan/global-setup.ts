/**
 * vitest global setup of the `plan` project: opens the target (config or lab),
 * sends the probes once, and provides everything to the case files.
 */
import { mkdir } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { consoleLogger } from '../logger.ts';
import './plan-context.ts';
import { casesNeedingProbes } from './plan-catalogue.ts';
import { runProbePhase } from './probe-phase.ts';
import { readRunOptions } from './run-options.ts';
import { probeSummary, runInfo, writeRunState } from './run-state.ts';
import { openSession } from './session.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = new Date();
  const options = readRunOptions();
  const logger = consoleLogger('plan');
  await mkdir(options.runDir, { recursive: true });
  const session = await openSession(options, logger);
  try {
    const info = runInfo(options, session.config, session.target, session.warnings, startedAt);
    await writeRunState(options.runDir, { run: info, probes: [] });
    const probes = casesNeedingProbes(options.only)
      ? await runProbePhase({ config: session.config, secrets: session.secrets, runId: options.runId, runDir: options.runDir, logger })
      : [];
    await writeRunState(options.runDir, { run: info, probes: probes.map(probeSummary) });
    project.provide('mailflow', {
      runId: options.runId,
      runDir: options.runDir,
      target: session.target,
      config: session.config,
      probes,
      labFaults: options.labFaults,
      only: options.only,
    });
  } catch (err) {
    await session.close();
    throw err;
  }
  return () => session.close();
}
