import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeValue, formatIssues, formatPath } from './format-issues.ts';
import { configSchema, endpointSchema } from './schema.ts';
import { describeExpected, schemaAt } from './schema-walk.ts';
import { closest, editDistance } from './suggest.ts';

describe('suggest', () => {
  it('counts a transposition as one edit and ignores case, _ and -', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(closest('prot', ['host', 'port', 'security'])).toBe('port');
    expect(closest('reject_unauthorized', ['rejectUnauthorized', 'ca'])).toBe('rejectUnauthorized');
    expect(closest('colour', ['customer', 'domains'])).toBeUndefined();
  });
});

describe('describeExpected', () => {
  it('says what each kind of key wants', () => {
    const at = (...path: (string | number)[]) => describeExpected(schemaAt(configSchema, path, {}));
    expect(at('senders', 0, 'smtp', 'port')).toBe('an integer 0–65535');
    expect(at('timeouts', 'deliverySeconds')).toBe('a number greater than 0 and at most 3600');
    expect(at('recipient', 'imap', 'security')).toBe('one of starttls, tls, none');
    expect(at('recipient', 'address')).toBe('an email address');
    expect(at('recipient', 'imap', 'tls', 'rejectUnauthorized')).toBe('true or false');
    expect(at('probes', 'formats')).toBe('a list with at least 1 item, each one of text, html, html-only, rich-text');
    expect(at('recipient', 'imap', 'auth')).toBe('a mapping with type: password or oauth2');
  });

  it('follows a discriminated union by the value of its discriminator', () => {
    const data = { recipient: { imap: { auth: { type: 'oauth2' } } } };
    expect(describeExpected(schemaAt(configSchema, ['recipient', 'imap', 'auth', 'tokenUrl'], data))).toBe('a URL such as https://host/path');
  });
});

describe('formatIssues', () => {
  it('renders values safely and paths with dots', () => {
    expect(formatPath(['senders', 0, 'smtp'])).toBe('senders.0.smtp');
    expect(formatPath([])).toBe('(top level)');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(57)}..."`);
    expect(describeValue([])).toBe('an empty list');
    expect(describeValue({ a: 1 })).toBe('a mapping');
  });

  it('turns a discriminator miss into the allowed values', () => {
    const data = { host: 'h', port: 25, auth: { type: 'basic', user: 'u' } };
    const r = endpointSchema.safeParse(data);
    expect(r.success).toBe(false);
    const problems = formatIssues(r.error?.issues ?? [], { schema: endpointSchema as z.ZodType, data });
    expect(problems).toEqual([{ path: ['auth', 'type'], message: 'got "basic" (expected one of password, oauth2)' }]);
  });
});
