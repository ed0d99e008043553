import { defineCommand } from 'citty';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { describeLab } from '../lab/describe-lab.ts';
import { LAB_FAULTS } from '../lab/faults.ts';
import { startLab } from '../lab/lab.ts';
import { consoleLogger } from '../logger.ts';
import { labDomainsArg, listArg } from './args.ts';

export const labCommand = defineCommand({
  meta: { name: 'lab', description: 'Start the embedded lab on loopback, print its endpoints, and write a config that points at it.' },
  args: {
    'lab-fault': { type: 'string', description: 'Faults to switch on, comma-separated' },
    faults: { type: 'boolean', description: 'List the faults and exit' },
    domains: { type: 'string', description: 'Number of internal domains, 1–20 (default 1)' },
    'write-config': { type: 'string', description: 'Where to write the config (default .lab/lab.yaml)' },
    for: { type: 'string', description: 'Stop after this many seconds (default: until Ctrl-C)' },
  },
  async run({ args, rawArgs }) {
    if (args.faults) {
      for (const [name, what] of Object.entries(LAB_FAULTS)) process.stdout.write(`${name.padEnd(22)} ${what}\n`);
      return;
    }
    const domainCount = labDomainsArg(args.domains, '--domains') ?? 1;
    const lab = await startLab({
      faults: listArg(rawArgs, '--lab-fault'),
      domainCount,
      logger: consoleLogger('lab'),
    });
    try {
      const file = path.resolve(args['write-config'] ?? '.lab/lab.yaml');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `# Written by mailflow lab; valid while that lab runs.\n${stringify(lab.config)}`);
      const envFile = file.replace(/\.ya?ml$/, '') + '.env';
      // Throwaway lab credentials, so a person can also run `mailflow run --config` against it.
      await writeFile(envFile, Object.entries(lab.env).map(([k, v]) => `export ${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
      process.stdout.write(`${describeLab(lab)}\nconfig: ${file}\ncredentials: source ${envFile}\n`);
      await new Promise<void>((resolve) => {
        const seconds = args.for ? Number(args.for) : undefined;
        if (seconds !== undefined && seconds > 0) setTimeout(resolve, seconds * 1000);
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    } finally {
      await lab.stop();
    }
  },
});
