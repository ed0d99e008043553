import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../config/schema.ts';
import { isTlsFailureCode, tlsOptions } from './tls-options.ts';

const base: Endpoint = { host: 'mail.acme.test', port: 587, security: 'starttls', tls: { rejectUnauthorized: true } };

describe('tlsOptions', () => {
  it('verifies by default and names the host for SNI', () => {
    expect(tlsOptions(base)).toEqual({ rejectUnauthorized: true, servername: 'mail.acme.test' });
  });

  it('sends no SNI for an address literal unless a servername is configured', () => {
    expect(tlsOptions({ ...base, host: '127.0.0.1' }).servername).toBeUndefined();
    expect(tlsOptions({ ...base, host: '127.0.0.1', tls: { rejectUnauthorized: false, servername: 'mx.acme.test' } })).toEqual({
      rejectUnauthorized: false,
      servername: 'mx.acme.test',
    });
  });

  it('adds configured CAs to the public roots, from text and from a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-tls-'));
    const file = path.join(dir, 'ca.pem');
    writeFileSync(file, 'FILE-PEM');
    const ca = tlsOptions({ ...base, tls: { rejectUnauthorized: true, ca: 'TEXT-PEM', caFile: file } }).ca as string[];
    expect(ca.slice(-2)).toEqual(['TEXT-PEM', 'FILE-PEM']);
    expect(ca.length).toBe(rootCertificates.length + 2);
  });

  it('reports an unreadable caFile as a config error', () => {
    expect(() => tlsOptions({ ...base, tls: { rejectUnauthorized: true, caFile: '/nonexistent/ca.pem' } })).toThrow(
      expect.objectContaining({ code: 'ECONFIG' }),
    );
  });

  it('recognises certificate failure codes', () => {
    expect(isTlsFailureCode('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(true);
    expect(isTlsFailureCode('ERR_TLS_CERT_ALTNAME_INVALID')).toBe(true);
    expect(isTlsFailureCode('ECONNREFUSED')).toBe(false);
    expect(isTlsFailureCode(undefined)).toBe(false);
  });
});
