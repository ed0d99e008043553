/**
 * A run's connection to its target: the loaded config and secrets, or the
 * embedded lab started for the run. Opened once per run by the global setup.
 */
import { loadConfig } from '../config/load-config.ts';
import { createSecretStore } from '../config/secrets.ts';
import type { Config } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { startLab, type Lab } from '../lab/lab.ts';
import type { Logger } from '../logger.ts';
import type { RunOptions } from './run-options.ts';

export interface Session {
  config: Config;
  secrets: SecretStore;
  target: string;
  warnings: string[];
  lab?: Lab;
  close(): Promise<void>;
}

export async function openSession(options: RunOptions, logger: Logger): Promise<Session> {
  if (options.configFile !== undefined) {
    const loaded = await loadConfig({ file: options.configFile, env: process.env, overrides: options.overrides });
    return { config: loaded.config, secrets: loaded.secrets, target: loaded.file, warnings: loaded.warnings, close: async () => {} };
  }
  const lab = await startLab({ faults: options.labFaults, domainCount: options.labDomains, logger });
  const secrets = createSecretStore({ env: { ...process.env, ...lab.env } });
  return { config: lab.config, secrets, target: 'lab', warnings: [], lab, close: () => lab.stop() };
}
