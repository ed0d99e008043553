import { describe, expect, it } from 'vitest';
import { headerBlock, parseReceived, receivedChain, MAX_HOPS, type Hop } from './received-chain.ts';
import { HEADER_LIMITS } from './header-block.ts';
import { fixtureNames, fixtureSource, loadFixture } from './fixtures/load-fixture.ts';

type Expect = Partial<Omit<Hop, 'raw'>>;

/** Per fixture, the expected fields of every hop, newest first. */
const EXPECTED: Record<string, Expect[]> = {
  'gmail-inbound.eml': [
    { fromHost: 'userp2130.oracle.com', fromIp: '156.151.31.86', by: 'mx.google.com', with: 'ESMTPS', for: 'linux-mm@kvack.org', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', tlsNotation: 'gmail' },
    { fromHelo: 'pps.filterd', fromIp: '127.0.0.1', by: 'userp2130.oracle.com', with: 'SMTP', tls: 'no' },
    { fromHost: 'aserp3020.oracle.com', by: 'userp2130.oracle.com', with: 'ESMTP', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384', tlsNotation: 'sendmail' },
    { fromHelo: 'ca-dmjordan1.us.oracle.com', by: 'default', with: 'ESMTP', tls: 'no' },
  ],
  'gmail-submission.eml': [
    { fromHelo: 'localhost', fromHost: 'waveform.plus.com', fromIp: '80.229.34.140', by: 'smtp.gmail.com', with: 'ESMTPSA', tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'gmail' },
  ],
  'microsoft365.eml': [
    { by: 'DM4PR12MB6448.namprd12.prod.outlook.com', fromIp: '2603:10b6:408:e0::7', with: 'Microsoft SMTP Server', id: '15.20.8511.27', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
    { by: 'BN1PR10CA0002.outlook.office365.com', tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'microsoft' },
    { fromHelo: 'mail.nvidia.com', fromIp: '216.228.118.232', by: 'BN1PEPF00004687.mail.protection.outlook.com', tls: 'yes', tlsVersion: 'TLSv1.2' },
    { fromHelo: 'drhqmail201.nvidia.com', by: 'mail.nvidia.com', tls: 'yes' },
    { fromHelo: 'Asurada-Nvidia.nvidia.com', fromIp: '10.127.8.13', by: 'mail.nvidia.com', with: 'Microsoft SMTP Server', tls: 'no', tlsNotation: 'microsoft' },
  ],
  'exchange-onprem.eml': [
    { fromHost: 'mx0b-0016f401.pphosted.com', fromIp: '67.231.156.173', by: 'smtp.subspace.kernel.org', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384', tlsNotation: 'postfix' },
    { by: 'mx0b-0016f401.pphosted.com', with: 'ESMTP', tls: 'no' },
    { fromHelo: 'dc5-exch05.marvell.com', fromIp: '199.233.59.128', tls: 'yes', tlsNotation: 'sendmail' },
    { by: 'DC5-EXCH05.marvell.com', tls: 'yes', tlsVersion: 'TLSv1.2', tlsNotation: 'microsoft' },
    { fromHelo: 'maili.marvell.com', by: 'DC5-EXCH05.marvell.com', tls: 'no', tlsNotation: 'microsoft' },
    { fromIp: '10.29.37.11', by: 'maili.marvell.com', with: 'ESMTP', tls: 'no' },
  ],
  'mimecast-outbound.eml': [
    { fromHost: 'lindbergh.monkeyblade.net', fromHelo: 'lindbergh.monkeyblade.net', fromIp: '23.128.96.19', by: 'vger.kernel.org', tls: 'no' },
    { fromHost: 'eu-smtp-delivery-151.mimecast.com', fromIp: '185.58.85.151', by: 'lindbergh.monkeyblade.net', with: 'ESMTPS', tls: 'yes', tlsNotation: 'rfc3848' },
    { fromHelo: 'AcuMS.aculab.com', fromIp: '156.67.243.121', by: 'relay.mimecast.com', with: 'ESMTP', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', tlsNotation: 'mimecast' },
    { by: 'AcuMS.aculab.com', tls: 'yes', tlsNotation: 'microsoft' },
    { by: 'AcuMS.aculab.com', with: 'mapi', tls: 'unknown' },
  ],
  'postfix-mimecast.eml': [
    { fromHost: 'us-smtp-delivery-124.mimecast.com', by: 'mail.lfdr.de', tls: 'yes' },
    { fromHelo: 'mimecast-mx02.redhat.com', fromHost: 'mx3-rdu2.redhat.com', fromIp: '66.187.233.73', by: 'relay.mimecast.com', tls: 'yes', tlsNotation: 'mimecast' },
    { fromHost: 'int-mx10.intmail.prod.int.rdu2.redhat.com', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'AECDH-AES256-SHA', tlsNotation: 'postfix' },
    { by: 'smtp.corp.redhat.com', with: 'ESMTP', tls: 'no' },
    { fromIp: '::1', tls: 'no' },
    { fromHost: 'smtp-out1.suse.de', by: 'relay.mimecast.com', tls: 'yes' },
    { fromIp: '192.168.254.74', by: 'smtp-out1.suse.de', tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'postfix' },
    { by: 'imap2.suse-dmz.suse.de', with: 'ESMTPSA', tls: 'yes', tlsNotation: 'rfc3848' },
  ],
  'exim.eml': [
    { by: 'cpanel-003-fra.hostingww.com', with: 'LMTP', for: 'ceo@msolutions.com', tls: 'no' },
    { fromHost: 'vps-58680c2d.vps.ovh.ca', fromHelo: 'mail.corridorconstructioniowa.cam', fromIp: '148.113.172.133', with: 'esmtps', id: '1u8Jep-0000000FOHA-1KmS', tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'exim' },
    { fromIp: '84.38.134.38', by: 'mail.corridorconstructioniowa.cam', with: 'ESMTPSA', tls: 'yes' },
  ],
  'exim-legacy-sendmail.eml': [
    { fromHost: 'localhost', fromHelo: 'lists1p.gnu.org', fromIp: '::1', with: 'esmtp', tls: 'no' },
    { fromIp: '2001:470:142:3::10', by: 'lists.gnu.org', tls: 'no' },
    { by: 'eggs.gnu.org', with: 'spam-scanned', tls: 'unknown' },
    { fromIp: '148.163.156.1', by: 'eggs.gnu.org', with: 'esmtps', tls: 'yes', tlsVersion: 'TLSv1', cipher: 'RSA_AES_256_CBC_SHA1', tlsNotation: 'exim' },
    { with: 'SMTP', tls: 'no' },
    { with: 'ESMTP', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'AES256-GCM-SHA384', tlsNotation: 'sendmail' },
    { fromHelo: 'localhost', by: 'e06smtp03.uk.ibm.com', for: 'qemu-devel@nongnu.org', tls: 'unknown' },
    { fromIp: '9.149.109.196', tls: 'yes', tlsVersion: 'TLSv1/SSLv3', cipher: 'AES256-GCM-SHA384' },
  ],
  'sendmail.eml': [
    { by: 'lindbergh.monkeyblade.net', tls: 'yes' },
    { fromIp: '127.0.0.1', with: 'ESMTP', tls: 'no' },
    { fromHelo: 'nalasppmta01.qualcomm.com', fromIp: '129.46.96.20', tls: 'yes', tlsVersion: 'TLSv1.2', tlsNotation: 'sendmail' },
    { by: 'NALASPPMTA01.qualcomm.com', with: 'ESMTPS', id: '3523QQ8d017143', tls: 'yes', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    { fromIp: '10.80.80.8', by: 'nalasex01a.na.qualcomm.com', tls: 'yes', tlsNotation: 'microsoft' },
  ],
};

describe('receivedChain over published headers', () => {
  const names = fixtureNames().filter((n) => !n.startsWith('dsn-'));

  it('has an expectation and a source URL for every fixture', () => {
    expect(names.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const n of fixtureNames()) expect(fixtureSource(n), n).toMatch(/^https:\/\//);
  });

  for (const name of Object.keys(EXPECTED)) {
    it(`reads every hop of ${name}`, () => {
      const hops = receivedChain(loadFixture(name));
      const expected = EXPECTED[name] ?? [];
      expect(hops).toHaveLength(expected.length);
      hops.forEach((hop, i) => {
        expect(hop.index).toBe(i);
        expect(hop, `${name} hop ${i}`).toMatchObject(expected[i] ?? {});
        expect(hop.date, `${name} hop ${i} date`).toMatch(/\d{4} \d\d:\d\d:\d\d/);
      });
    });
  }
});

describe('parseReceived (RFC 5321 §4.4)', () => {
  it('reads id, for and the date with the semicolon inside a comment ignored', () => {
    const hop = parseReceived('from a.example (a.example [192.0.2.1]) by b.example (Postfix; v3) with ESMTP id ABC for <u@b.example>; Mon, 1 Jan 2024 00:00:00 +0000');
    expect(hop).toMatchObject({ fromHost: 'a.example', fromIp: '192.0.2.1', by: 'b.example', with: 'ESMTP', id: 'ABC', for: 'u@b.example', date: 'Mon, 1 Jan 2024 00:00:00 +0000', tls: 'no' });
  });

  it('leaves everything unknown for a comment-only stamp', () => {
    const hop = parseReceived('(qmail 6338 invoked by uid 399); 14 Aug 2013 07:59:33 -0000');
    expect(hop.by).toBeUndefined();
    expect(hop.tls).toBe('unknown');
    expect(hop.date).toBe('14 Aug 2013 07:59:33 -0000');
  });

  it('never throws on garbage and bounds what it reads', () => {
    const samples = ['', ';;;', '((((((((((((', ')))', 'from', 'with (version=', '"unterminated', 'from x ('.repeat(5000), 'by ' + 'a'.repeat(100_000)];
    for (const s of samples) {
      const hop = parseReceived(s);
      expect(hop.raw.length).toBeLessThanOrEqual(4096);
    }
  });
});

describe('headerBlock (RFC 5322 §2.2.3)', () => {
  it('unfolds, keeps order and skips lines that are not fields', () => {
    const fields = headerBlock('From mbox line\r\nA: 1\r\n\t2\r\nno colon here\r\nB:3\r\n\r\nbody: not a header\r\n');
    expect(fields).toEqual([
      { name: 'A', value: '1\t2', index: 0 },
      { name: 'B', value: '3', index: 1 },
    ]);
  });

  it('bounds the number of fields, the value size and the hops', () => {
    const many = Array.from({ length: HEADER_LIMITS.maxFields + 50 }, (_, i) => `Received: from h${i} by x with ESMTP; Mon, 1 Jan 2024 00:00:00 +0000`).join('\n');
    expect(headerBlock(many).length).toBeLessThanOrEqual(HEADER_LIMITS.maxFields);
    expect(receivedChain(many)).toHaveLength(MAX_HOPS);
    const long = `X: ${'a'.repeat(70_000)}\n${' b'.repeat(40_000)}\n`;
    expect(headerBlock(long)[0]?.value.length).toBeLessThanOrEqual(HEADER_LIMITS.maxValueChars);
  });
});
