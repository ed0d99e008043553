import { defineCommand } from 'citty';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MailflowError, errorMessage } from '../errors.ts';
import { formatVerifyReport, verifyRun } from '../report/seal-verify.ts';
import { exit } from './exit-code.ts';

export const verifyCommand = defineCommand({
  meta: { name: 'verify', description: 'Check that a signed-off run folder has not changed since sign-off, and say what did.' },
  args: {
    dir: { type: 'positional', required: true, description: 'The run folder (reports/<run-id>)' },
    'public-key': { type: 'string', description: 'Require a signature by this Ed25519 public key (PEM) (default: $MAILFLOW_VERIFY_KEY)' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  async run({ args }) {
    const keyFile = args['public-key'] ?? process.env.MAILFLOW_VERIFY_KEY;
    const trustedKeyPem = keyFile === undefined || keyFile === ''
      ? undefined
      : await readFile(keyFile, 'utf8').catch((e: unknown) => {
        throw new MailflowError('ECONFIG', `${keyFile}: public key cannot be read (${errorMessage(e)})`, { file: keyFile });
      });
    const report = await verifyRun(path.resolve(args.dir), trustedKeyPem === undefined ? {} : { trustedKeyPem });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report)}\n`);
    exit.code = report.ok ? 0 : 1;
  },
});
