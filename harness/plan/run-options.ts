/**
 * Options of one plan run, handed from the CLI (or `npm test`) to the vitest
 * global setup through one environment variable, so that the plan also runs
 * under a bare `vitest run --project plan` (healthy lab, defaults).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const RUN_OPTIONS_ENV = 'MAILFLOW_RUN';

/** How many internal domains the lab can serve (`--lab-domains`, `lab --domains`). */
export const LAB_DOMAINS = { min: 1, max: 20 } as const;

export const runOptionsSchema = z.object({
  runId: z.string().min(1),
  /** Folder this run writes to: `<outDir>/<runId>`. */
  runDir: z.string().min(1),
  /** Config file; absent means the embedded lab. */
  configFile: z.string().min(1).optional(),
  /** `--set key.path=value` overrides for the config file. */
  overrides: z.array(z.string()).default([]),
  labFaults: z.array(z.string()).default([]),
  /** Extra lab domains (benchmark): the lab serves this many internal domains. */
  labDomains: z.number().int().min(LAB_DOMAINS.min).max(LAB_DOMAINS.max).default(1),
  /** Case ids selected with --only; empty means all. */
  only: z.array(z.string()).default([]),
  executedBy: z.string().optional(),
  overseenBy: z.string().optional(),
});

export type RunOptions = z.output<typeof runOptionsSchema>;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The options from the environment, or defaults for a bare vitest run against the lab. */
export function readRunOptions(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const text = env[RUN_OPTIONS_ENV];
  if (text === undefined || text === '') {
    const runId = newRunId();
    return runOptionsSchema.parse({ runId, runDir: `reports/test-${runId}` });
  }
  return runOptionsSchema.parse(JSON.parse(text));
}

/** The run folder named in the environment, even when the rest of the options do not validate. */
export function runDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const parsed = JSON.parse(env[RUN_OPTIONS_ENV] ?? '') as { runDir?: unknown };
    return typeof parsed.runDir === 'string' && parsed.runDir !== '' ? parsed.runDir : undefined;
  } catch {
    return undefined;
  }
}
