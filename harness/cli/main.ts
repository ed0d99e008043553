/**
 * The `mailflow` command. Thin: parses arguments, calls the library, and is the
 * one error boundary that maps errors to exit codes (STYLE.md §9):
 * 0 all mandatory cases passed, 1 a mandatory case failed or errored,
 * 2 usage or configuration error.
 */
import { defineCommand, runCommand, showUsage, type CommandDef } from 'citty';
import { errorMessage, isMailflowError } from '../errors.ts';
import { exit } from './exit-code.ts';
import { analyzeCommand } from './analyze-command.ts';
import { labCommand } from './lab-command.ts';
import { runCommandDef } from './run-command.ts';

export const main = defineCommand({
  meta: { name: 'mailflow', description: "Runs an email gateway's outbound acceptance test plan and reports on it." },
  subCommands: { run: runCommandDef, lab: labCommand, analyze: analyzeCommand },
});


export async function cli(rawArgs: string[]): Promise<number> {
  try {
    if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
      const sub = rawArgs.find((a) => !a.startsWith('-'));
      const subs = main.subCommands as Record<string, CommandDef> | undefined;
      const cmd = sub && subs?.[sub];
      await (cmd ? showUsage(cmd, main) : showUsage(main));
      return rawArgs.length === 0 ? 2 : 0;
    }
    await runCommand(main, { rawArgs });
    return exit.code;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  if (isMailflowError(err)) {
    process.stderr.write(`mailflow: ${err.message}\n`);
    for (const issue of err.issues) process.stderr.write(`  - ${issue}\n`);
    return err.code === 'ECONFIG' || err.code === 'EUSAGE' ? 2 : 1;
  }
  const e = err as { code?: string };
  // citty's own argument errors (unknown command, missing positional) are usage errors.
  if (typeof e.code === 'string' && e.code.startsWith('E_')) {
    process.stderr.write(`mailflow: ${errorMessage(err)} (see mailflow --help)\n`);
    return 2;
  }
  process.stderr.write(`mailflow: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
