import { describe, expect, it } from 'vitest';
import { failedRecipient, isFailureBounce, parseDsn } from './dsn.ts';
import { loadFixture } from './fixtures/load-fixture.ts';

describe('parseDsn (RFC 3464, RFC 6522)', () => {
  it('reads a Postfix bounce: per-message and per-recipient fields, the returned message\'s Received lines', async () => {
    const dsn = await parseDsn(loadFixture('dsn-postfix.eml'));
    expect(dsn).toEqual({
      reportingMta: 'dns; mail.acme.test',
      subject: 'Undelivered Mail Returned to Sender',
      from: 'MAILER-DAEMON@mail.acme.test (Mail Delivery System)',
      recipients: [
        {
          finalRecipient: 'rfc822; nobody@partner.test',
          action: 'failed',
          status: '5.1.1',
          remoteMta: 'dns; mx.partner.test',
          diagnosticCode: 'smtp; 550 5.1.1 <nobody@partner.test>: Recipient address rejected: User unknown',
        },
      ],
      originalReceived: [
        'from gw.gateway.test (gw.gateway.test [192.0.2.10]) by mail.acme.test (Postfix) with ESMTPS id 3F2A41C0123 for <nobody@partner.test>; Mon, 10 Jun 2024 10:10:08 +0000 (UTC)',
        'from exch01.acme.test (exch01.acme.test [192.0.2.5]) by gw.gateway.test with ESMTPS id AbCdEf (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Mon, 10 Jun 2024 10:10:07 +0000',
      ],
    });
  });

  it('reads an Exchange NDR with two recipients and text/rfc822-headers', async () => {
    const dsn = await parseDsn(loadFixture('dsn-exchange.eml'));
    expect(dsn?.reportingMta).toBe('dns;AM0PR01MB5678.eurprd01.prod.outlook.com');
    expect(dsn?.subject).toBe('Undeliverable: mailflow probe 9b2d');
    expect(dsn?.recipients).toEqual([
      { finalRecipient: 'rfc822;bob@partner.test', action: 'failed', status: '5.1.10', diagnosticCode: 'smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', remoteMta: 'dns;partner-test.mail.protection.outlook.com' },
      { finalRecipient: 'rfc822;carol@partner.test', action: 'delayed', status: '4.4.7', diagnosticCode: 'smtp;450 4.4.7 Message delayed' },
    ]);
    expect(dsn?.originalReceived).toHaveLength(2);
    expect(dsn?.originalReceived[1]).toContain('by gw.gateway.test with ESMTPS');
  });

  it('decodes a base64 delivery-status part and accepts CRLF line ends', async () => {
    const status = Buffer.from('Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; x@example.org\r\nAction: failed\r\nStatus: 5.0.0\r\n').toString('base64');
    const raw = [
      'Subject: bounce',
      'Content-Type: multipart/report; report-type="Delivery-Status"; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'failed',
      '--b1',
      'Content-Type: message/delivery-status',
      'Content-Transfer-Encoding: base64',
      '',
      status,
      '--b1--',
      '',
    ].join('\r\n');
    const dsn = await parseDsn(raw);
    expect(dsn?.reportingMta).toBe('dns; mx.example');
    expect(dsn?.recipients).toEqual([{ finalRecipient: 'rfc822; x@example.org', action: 'failed', status: '5.0.0' }]);
    expect(dsn?.originalReceived).toEqual([]);
  });

  it('returns undefined for anything that is not a delivery-status report', async () => {
    expect(await parseDsn(loadFixture('gmail-inbound.eml'))).toBeUndefined();
    expect(await parseDsn('Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n\r\n--x\r\n\r\n--x--\r\n')).toBeUndefined();
    expect(await parseDsn('Content-Type: multipart/report; report-type=delivery-status\r\n\r\nno boundary')).toBeUndefined();
    expect(await parseDsn('Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--')).toBeUndefined();
  });

  it('never throws on garbage and bounds the parts it reads', async () => {
    const many = `Content-Type: multipart/report; report-type=delivery-status; boundary=z\r\n\r\n${'--z\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(5000)}--z\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; late\r\n--z--`;
    // The delivery-status part comes after MAX_PARTS parts: not read, so no report.
    expect(await parseDsn(many)).toBeUndefined();
    for (const s of ['', '\r\n\r\n', 'Content-Type: multipart/report; report-type=delivery-status; boundary=""', '\u0000\u0001garbage']) {
      await expect(parseDsn(s)).resolves.toBeUndefined();
    }
  });

  it('counts a DSN as a bounce only when a recipient failed (RFC 3464 §2.3.3), never a delay or success notice', async () => {
    const dsn = (actions: string[]) =>
      [
        'From: MAILER-DAEMON@mail.acme.test',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="d1"',
        '',
        '--d1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mail.acme.test',
        ...actions.flatMap((a, i) => ['', `Final-Recipient: rfc822; r${i}@partner.test`, `Action: ${a}`, `Status: ${a === 'failed' ? '5.1.1' : a === 'delayed' ? '4.4.1' : '2.0.0'}`]),
        '--d1--',
        '',
      ].join('\r\n');
    for (const action of ['delayed', 'relayed', 'delivered', 'expanded']) expect(isFailureBounce(dsn([action])), action).toBe(false);
    expect(isFailureBounce(dsn(['failed']))).toBe(true);
    // A delayed recipient listed before the failed one: still a bounce, and the failed one is the reason.
    expect(isFailureBounce(dsn(['Delayed', 'failed']))).toBe(true);
    const parsed = await parseDsn(dsn(['delayed', 'failed']));
    expect(parsed && failedRecipient(parsed)).toMatchObject({ finalRecipient: 'rfc822; r1@partner.test', status: '5.1.1' });
    expect(isFailureBounce(loadFixture('dsn-postfix.eml'))).toBe(true);
  });

  it('treats a read receipt as no bounce, and a pre-RFC 3464 plain bounce as one', () => {
    expect(isFailureBounce('Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n\r\n--x\r\n\r\n--x--\r\n')).toBe(false);
    expect(isFailureBounce('From: MAILER-DAEMON@old.example\r\nSubject: Returned mail\r\n\r\n----- The following addresses had permanent fatal errors -----\r\n')).toBe(true);
  });
});
