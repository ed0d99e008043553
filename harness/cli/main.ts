/**
 * The `mailflow` command. Thin: parses arguments, calls the library, and is the
 * one error boundary that maps errors to exit codes (STYLE.md §9):
 * 0 all mandatory cases passed, 1 a mandatory case failed or errored,
 * 2 usage or configuration error.
 */
import { defineCommand, runCommand, showUsage, type CommandDef } from 'citty';
import { errorMessage, isMailflowError, MailflowError } from '../errors.ts';
import { exit } from './exit-code.ts';

/** Subcommands load lazily: `analyze` need not import vitest, which `run` does. */
const COMMANDS: Record<string, () => Promise<CommandDef>> = {
  run: async () => (await import('./run-command.ts')).runCommandDef as unknown as CommandDef,
  lab: async () => (await import('./lab-command.ts')).labCommand as unknown as CommandDef,
  analyze: async () => (await import('./analyze-command.ts')).analyzeCommand as unknown as CommandDef,
  report: async () => (await import('./report-command.ts')).reportCommand as unknown as CommandDef,
  signoff: async () => (await import('./signoff-command.ts')).signoffCommand as unknown as CommandDef,
  verify: async () => (await import('./verify-command.ts')).verifyCommand as unknown as CommandDef,
  attest: async () => (await import('./attest-command.ts')).attestCommand as unknown as CommandDef,
};

export const main = defineCommand({
  meta: { name: 'mailflow', description: "Runs an email gateway's outbound acceptance test plan and reports on it." },
  subCommands: COMMANDS,
});


export async function cli(rawArgs: string[]): Promise<number> {
  try {
    if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
      const sub = rawArgs.find((a) => !a.startsWith('-'));
      const load = sub === undefined ? undefined : COMMANDS[sub];
      await (load ? showUsage(await load(), main) : showUsage(main));
      return rawArgs.length === 0 ? 2 : 0;
    }
    await checkFlags(rawArgs);
    await runCommand(main, { rawArgs });
    return exit.code;
  } catch (err) {
    return report(err);
  }
}

/**
 * citty ignores options it does not know; a mistyped `--lab-faults` must not
 * silently run a different plan, so unknown options are usage errors.
 */
async function checkFlags(rawArgs: string[]): Promise<void> {
  const load = COMMANDS[rawArgs[0] ?? ''];
  if (!load) return;
  const cmd = await load();
  const args = (cmd.args ?? {}) as Record<string, { type?: string }>;
  const known = new Set(Object.keys(args).filter((k) => args[k]?.type !== 'positional'));
  for (const a of rawArgs.slice(1)) {
    if (!a.startsWith('--')) continue;
    const name = a.slice(2).split('=')[0] ?? '';
    if (!known.has(name) && !(name.startsWith('no-') && known.has(name.slice(3)))) {
      throw new MailflowError('EUSAGE', `unknown option --${name} for ${rawArgs[0]} (known: ${[...known].map((k) => `--${k}`).join(', ')})`);
    }
  }
}

function report(err: unknown): number {
  if (isMailflowError(err)) {
    process.stderr.write(`mailflow: ${err.message}\n`);
    // A config error's message already lists its issues (load-config.ts): print each problem once.
    for (const issue of err.issues) if (!err.message.includes(issue)) process.stderr.write(`  - ${issue}\n`);
    return err.code === 'ECONFIG' || err.code === 'EUSAGE' ? 2 : 1;
  }
  // citty's own argument errors (unknown command, missing argument) are usage errors.
  if (err instanceof Error && err.name === 'CLIError') {
    process.stderr.write(`mailflow: ${stripAnsi(errorMessage(err))} (see mailflow --help)\n`);
    return 2;
  }
  process.stderr.write(`mailflow: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition.
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
