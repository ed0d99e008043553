import { defineCommand } from 'citty';
import path from 'node:path';
import { runPlan } from '../plan/run-plan.ts';
import { formatSummary } from '../report/console-summary.ts';
import { labDomainsArg, listArg, repeatedArg } from './args.ts';
import { exit } from './exit-code.ts';

export const runCommandDef = defineCommand({
  meta: { name: 'run', description: 'Run the plan against a config file, or against the embedded lab when no --config is given.' },
  args: {
    config: { type: 'string', description: 'Config file (YAML) of the target environment' },
    lab: { type: 'boolean', description: 'Run against the embedded lab (the default without --config)' },
    'lab-fault': { type: 'string', description: 'Lab faults to switch on, comma-separated (see `mailflow lab --faults`)' },
    'lab-domains': { type: 'string', description: 'Number of internal domains the lab serves, 1–20 (default 1)' },
    only: { type: 'string', description: 'Case ids to run, comma-separated (MAN10,MAN11)' },
    out: { type: 'string', description: 'Folder for run folders (default reports/)' },
    'executed-by': { type: 'string', description: 'Name of the engineer executing the plan' },
    'overseen-by': { type: 'string', description: 'Name of the person overseeing the run' },
    set: { type: 'string', description: 'Override a config key: --set recipient.imap.port=993 (repeatable)' },
  },
  async run({ args, rawArgs }) {
    const tty = process.stdout.isTTY;
    const labDomains = labDomainsArg(args['lab-domains'], '--lab-domains');
    const result = await runPlan({
      ...(args.config && !args.lab ? { configFile: args.config } : {}),
      overrides: repeatedArg(rawArgs, '--set'),
      labFaults: listArg(rawArgs, '--lab-fault'),
      ...(labDomains === undefined ? {} : { labDomains }),
      only: listArg(rawArgs, '--only'),
      ...(args.out ? { outDir: args.out } : {}),
      ...(args['executed-by'] ? { executedBy: args['executed-by'] } : {}),
      ...(args['overseen-by'] ? { overseenBy: args['overseen-by'] } : {}),
    });
    process.stdout.write(`${formatSummary(result.results, { color: tty })}\n`);
    for (const f of result.renderFailures) process.stderr.write(`mailflow: could not render ${f.renderer}: ${f.error}\n`);
    process.stdout.write(`report: ${path.relative(process.cwd(), path.join(result.runDir, 'report.html'))}\n`);
    exit.code = result.exitCode;
  },
});
