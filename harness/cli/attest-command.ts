import { defineCommand } from 'citty';
import { loadConfig } from '../config/load-config.ts';
import { MailflowError } from '../errors.ts';
import { addAttestation } from '../gateway/attestations.ts';

/** `mailflow attest CASE --by NAME --result pass|fail --note TEXT`: records what only an engineer can confirm. */
export const attestCommand = defineCommand({
  meta: { name: 'attest', description: 'Record an engineer\'s attestation for a case no mail or API can prove (written to attestations.file).' },
  args: {
    case: { type: 'positional', required: true, description: 'Case id, e.g. MAN03' },
    by: { type: 'string', required: true, description: 'Name of the engineer attesting' },
    result: { type: 'string', required: true, description: 'pass or fail' },
    note: { type: 'string', required: true, description: 'What was checked, and where (console page, policy name)' },
    domain: { type: 'string', description: 'Limit the attestation to one sending domain' },
    config: { type: 'string', description: 'Config file naming attestations.file and attestations.validityDays' },
    file: { type: 'string', description: 'Attestations file (overrides attestations.file)' },
    days: { type: 'string', description: 'Validity in days (overrides attestations.validityDays)' },
  },
  async run({ args }) {
    if (args.result !== 'pass' && args.result !== 'fail') throw new MailflowError('EUSAGE', `--result must be pass or fail, not "${args.result}"`, { path: '--result' });
    const config = args.config === undefined ? undefined : (await loadConfig({ file: args.config, env: process.env, overrides: [] })).config;
    const file = args.file ?? config?.attestations.file;
    if (file === undefined) throw new MailflowError('EUSAGE', 'no attestations file: pass --file, or --config with attestations.file set', { path: 'attestations.file' });
    const days = args.days === undefined ? (config?.attestations.validityDays ?? 90) : Number(args.days);
    if (!Number.isInteger(days) || days <= 0) throw new MailflowError('EUSAGE', `--days must be a positive whole number, not "${args.days ?? ''}"`, { path: '--days' });
    const a = await addAttestation(file, { case: args.case, by: args.by, result: args.result, note: args.note, validityDays: days, ...(args.domain ? { domain: args.domain } : {}) });
    process.stdout.write(`${a.case} attested ${a.result} by ${a.by}${a.domain ? ` for ${a.domain}` : ''}, valid until ${a.validUntil} (${file})\n`);
  },
});
