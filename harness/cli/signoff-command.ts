import { defineCommand } from 'citty';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MailflowError, errorMessage } from '../errors.ts';
import { SEAL_FILE, loadPrivateKey } from '../report/seal.ts';
import { signOff } from '../report/signoff.ts';
import { renderersFor } from '../report/render-all.ts';
import { paperArg } from './report-command.ts';

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
    partial: { type: 'boolean', description: 'Sign off a partial plan (a run of fewer cases than the plan, e.g. with --only); the sign-off says so' },
    paper: { type: 'string', description: 'Paper size of the re-rendered report.pdf and report.docx: a4 or letter (default a4)' },
  },
  async run({ args }) {
    const dir = path.resolve(args.dir);
    const key = await privateKey(args.key);
    const renderers = renderersFor({ paper: paperArg(args.paper) });
    const out = await signOff(dir, {
      by: args.by, role: args.role, ...(args.statement === undefined ? {} : { statement: args.statement }), ...(key ? { privateKey: key } : {}),
      partial: args.partial === true, renderers,
    });
    for (const f of out.renderFailures) process.stderr.write(`mailflow: could not render ${f.renderer}: ${f.error}\n`);
    for (const f of out.removed) process.stderr.write(`mailflow: removed the stale ${f} (written before this sign-off) rather than seal it; it is not part of the sealed run\n`);
    process.stdout.write(`signed as ${out.signoff.role} by ${out.signoff.by} at ${out.signoff.at}${out.signoff.partial ? ' (partial plan)' : ''}\n`);
    const sig = out.seal.signature ? `signed with Ed25519 key ${out.seal.signature.keyFingerprint}` : 'not signed (no key configured)';
    process.stdout.write(`sealed ${out.seal.files.length} files in ${path.relative(process.cwd(), path.join(dir, SEAL_FILE))}, ${sig}\n`);
  },
});
