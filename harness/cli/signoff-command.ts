import { defineCommand } from 'citty';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MailflowError, errorMessage } from '../errors.ts';
import { SEAL_FILE, loadPrivateKey } from '../report/seal.ts';
import { signOff } from '../report/signoff.ts';

/** The signing key file: --key, else MAILFLOW_SIGNING_KEY; none means an unsigned seal. */
async function privateKey(file: string | undefined) {
  const source = file ?? process.env.MAILFLOW_SIGNING_KEY;
  if (source === undefined || source === '') return undefined;
  const pem = await readFile(source, 'utf8').catch((e: unknown) => {
    throw new MailflowError('ECONFIG', `${source}: signing key cannot be read (${errorMessage(e)})`, { file: source });
  });
  return loadPrivateKey(pem, source);
}

export const signoffCommand = defineCommand({
  meta: { name: 'signoff', description: 'Sign off a run (executed or overseen), re-render its reports and seal the folder.' },
  args: {
    dir: { type: 'positional', required: true, description: 'The run folder (reports/<run-id>)' },
    by: { type: 'string', required: true, description: 'Name of the person signing' },
    role: { type: 'string', required: true, description: 'executed or overseen' },
    statement: { type: 'string', description: 'A sentence recorded with the signature' },
    key: { type: 'string', description: 'Ed25519 private key (PEM) to sign the seal with (default: $MAILFLOW_SIGNING_KEY)' },
  },
  async run({ args }) {
    const dir = path.resolve(args.dir);
    const key = await privateKey(args.key);
    const out = await signOff(dir, {
      by: args.by, role: args.role, ...(args.statement === undefined ? {} : { statement: args.statement }), ...(key ? { privateKey: key } : {}),
    });
    for (const f of out.renderFailures) process.stderr.write(`mailflow: could not render ${f.renderer}: ${f.error}\n`);
    process.stdout.write(`signed as ${out.signoff.role} by ${out.signoff.by} at ${out.signoff.at}\n`);
    const sig = out.seal.signature ? `signed with Ed25519 key ${out.seal.signature.keyFingerprint}` : 'not signed (no key configured)';
    process.stdout.write(`sealed ${out.seal.files.length} files in ${path.relative(process.cwd(), path.join(dir, SEAL_FILE))}, ${sig}\n`);
  },
});
