import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildDsn, statusOf } from './dsn-builder.ts';

const original = Buffer.from('Received: from a by b; Mon, 04 Nov 2024 21:06:13 +0000\r\nFrom: alice@acme.test\r\nTo: bob@partner.test\r\nSubject: probe 42\r\n\r\nbody must not be returned\r\n');

describe('statusOf', () => {
  it('takes the enhanced code when there is one, the class otherwise (RFC 3463)', () => {
    expect(statusOf('550 5.7.1 Relay denied')).toBe('5.7.1');
    expect(statusOf('550-5.1.1 no such user')).toBe('5.1.1');
    expect(statusOf('554 Transaction failed')).toBe('5.0.0');
    expect(statusOf('451 try later')).toBe('4.0.0');
  });
});

describe('buildDsn', () => {
  it('builds a multipart/report with the delivery-status fields and the original header only', async () => {
    const raw = buildDsn({
      reportingMta: 'mail.acme.test', to: 'alice@acme.test', arrivalDate: new Date('2024-11-04T21:06:13Z'), original,
      recipients: [{ recipient: 'bob@partner.test', reply: '550 5.7.1 Relay denied', remoteMta: 'eu-smtp-inbound-1.mimecast.test' }],
      subjectPrefix: 'Undeliverable',
    });
    expect(raw).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mail\.acme\.test>\r\n/);
    expect(raw).toMatch(/Content-Type: multipart\/report; report-type=delivery-status;/);
    expect(raw).not.toMatch(/body must not be returned/);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Undeliverable: probe 42');
    // mailparser shows message/delivery-status inline, as text.
    const status = parsed.text ?? '';
    expect(status).toContain('Reporting-MTA: dns; mail.acme.test');
    expect(status).toContain('Arrival-Date: Mon, 04 Nov 2024 21:06:13 +0000');
    expect(status).toContain('Final-Recipient: rfc822; bob@partner.test');
    expect(status).toContain('Action: failed');
    expect(status).toContain('Status: 5.7.1');
    expect(status).toContain('Remote-MTA: dns; eu-smtp-inbound-1.mimecast.test');
    expect(status).toContain('Diagnostic-Code: smtp; 550 5.7.1 Relay denied');
    const headers = parsed.attachments.find((a) => a.contentType === 'text/rfc822-headers')?.content.toString() ?? '';
    expect(headers).toContain('Subject: probe 42');
    expect(headers).toContain('Received: from a by b;');
  });
});
