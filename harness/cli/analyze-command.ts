import { defineCommand } from 'citty';
import { readFile, stat } from 'node:fs/promises';
import { analyzeMessage, formatAnalyzeReport } from '../analysis/analyze-message.ts';
import { createResolver } from '../dns/resolver.ts';
import { MailflowError } from '../errors.ts';
import { listArg } from './args.ts';

/** Larger files are not messages anyone pastes into a header analyzer. */
const MAX_BYTES = 25 * 1024 * 1024;

export const analyzeCommand = defineCommand({
  meta: {
    name: 'analyze',
    description:
      'Analyse a saved message (.eml) on this machine, nothing uploaded: hops and TLS, Authentication-Results, and a re-verification that queries DNS (the system resolver, or --dns) unless --offline.',
  },
  args: {
    message: { type: 'positional', required: true, description: 'The message file (.eml, RFC 5322)' },
    json: { type: 'boolean', description: 'Print JSON instead of text' },
    dns: { type: 'string', description: 'DNS servers for re-verification, comma-separated (default: the system resolver)' },
    offline: { type: 'boolean', description: 'Skip re-verification (no DNS queries at all)' },
    trust: { type: 'string', description: 'authserv-ids to trust, comma-separated (e.g. mx.google.com)' },
    gateway: { type: 'string', description: 'Regular expressions for the gateway host names, comma-separated' },
  },
  async run({ args, rawArgs }) {
    const file = args.message;
    const size = await stat(file).then((s) => s.size, () => -1);
    if (size < 0) throw new MailflowError('EUSAGE', `${file}: no such file`);
    if (size > MAX_BYTES) throw new MailflowError('EUSAGE', `${file}: ${size} bytes is over the ${MAX_BYTES}-byte limit for a message`);
    // The bytes as saved: DKIM's body hash is over bytes, and any decoding here would change them.
    const raw = await readFile(file);
    const report = await analyzeMessage(raw, {
      ...(args.offline ? {} : { resolver: createResolver(listArg(rawArgs, '--dns')) }),
      trustedIds: listArg(rawArgs, '--trust'),
      gatewayPatterns: listArg(rawArgs, '--gateway'),
    });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatAnalyzeReport(report)}\n`);
  },
});
