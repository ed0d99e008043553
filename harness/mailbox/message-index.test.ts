import { describe, expect, it } from 'vitest';
import { examineHeaders, isDsnCandidate, matches, parseHeaderBlock } from './message-index.ts';

const headers = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'));

describe('message index', () => {
  it('unfolds headers and keeps repeated fields', () => {
    const h = parseHeaderBlock('Subject: one\r\n two\r\nX-A: 1\r\nx-a: 2\r\nbroken line\r\n');
    expect(h.get('subject')).toEqual(['one two']);
    expect(h.get('x-a')).toEqual(['1', '2']);
  });

  it('matches a probe by header or by subject, case-insensitively', () => {
    const byHeader = examineHeaders({ uid: 1, seenAt: 0, headers: headers('X-Mailflow-Probe:  MF-R-1 \nSubject: hello\n') });
    const bySubject = examineHeaders({ uid: 2, seenAt: 0, headers: headers('Subject: ignored\n'), envelopeSubject: 'Re: note mf-r-1' });
    const other = examineHeaders({ uid: 3, seenAt: 0, headers: headers('Subject: mf-r-10x\n') });
    expect(matches(byHeader, { token: 'mf-r-1', kind: 'message' })).toBe(true);
    expect(matches(bySubject, { token: 'mf-r-1', kind: 'message' })).toBe(true);
    expect(matches(other, { token: 'mf-r-2', kind: 'message' })).toBe(false);
  });

  it('recognises bounces and matches them only as DSNs, on their full source', () => {
    expect(isDsnCandidate('multipart/report; report-type=delivery-status', 'x@y')).toBe(true);
    expect(isDsnCandidate('text/plain', 'MAILER-DAEMON@mx.acme.test')).toBe(true);
    expect(isDsnCandidate('text/plain', 'postmaster@acme.test')).toBe(true);
    expect(isDsnCandidate('text/plain', 'sales@acme.test')).toBe(false);
    const dsn = examineHeaders({ uid: 4, seenAt: 0, headers: headers('Content-Type: multipart/report; report-type=delivery-status\nSubject: Undeliverable: note mf-r-1\n') });
    expect(matches(dsn, { token: 'mf-r-1', kind: 'message' })).toBe(false);
    expect(matches(dsn, { token: 'mf-r-1', kind: 'dsn' })).toBe(false); // source not fetched yet
    dsn.raw = 'X-Mailflow-Probe: mf-r-1';
    expect(matches(dsn, { token: 'mf-r-1', kind: 'dsn' })).toBe(true);
  });
});
