/** Test support: a SecretStore over a plain map (`${env:X}` and `${secret:X}` both read key X). */
import type { SecretStore } from '../config/secret-store.ts';
import { MailflowError } from '../errors.ts';

export function mapSecrets(values: Record<string, string>): SecretStore {
  const extra: string[] = [];
  return {
    reveal(ref) {
      const name = /^\$\{(?:env|secret):(.+)\}$/.exec(ref)?.[1] ?? '';
      const v = values[name];
      if (v === undefined) throw new MailflowError('ESECRET', `no secret ${name}`);
      extra.push(v);
      return v;
    },
    redact(text) {
      return [...Object.values(values), ...extra].reduce((t, v) => t.split(v).join('[redacted]'), text);
    },
  };
}
