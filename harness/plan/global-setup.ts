/**
 * vitest global setup of the `plan` project: opens the target (config or lab),
 * runs the collectors once (probes first), and provides what they found to the
 * case files. Secrets stay here: workers only see the config and the findings.
 */
import { mkdir } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { consoleLogger } from '../logger.ts';
import { COLLECTORS, selected } from './collectors.ts';
import type { PlanContext } from './plan-context.ts';
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
    await writeRunState(options.runDir, { run: info, probes: context.probes.map((p) => probeSummary(p, session.config.gateway.hopPatterns)) });
    project.provide('mailflow', context);
  } catch (err) {
    await session.close();
    throw err;
  }
  return () => session.close();
}
