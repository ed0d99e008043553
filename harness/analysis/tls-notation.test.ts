import { describe, expect, it } from 'vitest';
import { detectTls, normaliseTlsVersion } from './tls-notation.ts';

describe('detectTls across notations', () => {
  const cases: [string, string, ReturnType<typeof detectTls>][] = [
    ['RFC 3848 ESMTPS', 'from a by b with ESMTPS id 1; Mon, 1 Jan 2024 00:00:00 +0000', { tls: 'yes', tlsNotation: 'rfc3848' }],
    ['RFC 3848 ESMTPSA', 'from a by b with ESMTPSA id 1', { tls: 'yes', tlsNotation: 'rfc3848' }],
    ['RFC 3848 LMTPS', 'from a by b with LMTPS id 1', { tls: 'yes', tlsNotation: 'rfc3848' }],
    ['RFC 3848 ESMTPA (auth, no TLS)', 'from a by b with ESMTPA id 1', { tls: 'no', tlsNotation: 'rfc3848' }],
    ['RFC 3848 ESMTP', 'from a by b with ESMTP id 1', { tls: 'no', tlsNotation: 'rfc3848' }],
    ['RFC 3848 SMTP', 'from a by b with SMTP id 1', { tls: 'no', tlsNotation: 'rfc3848' }],
    ['Gmail', 'by mx.google.com with ESMTPS id x (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)', { tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'gmail' }],
    ['Postfix', 'from a (a [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits)) (No client certificate requested) by b (Postfix) with ESMTPS id X', { tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'postfix' }],
    ['Exim 4.92+', 'from a ([192.0.2.1] helo=a) by b with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) id X', { tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'exim' }],
    ['Exim OpenSSL legacy', 'from a by b with esmtps (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256) (Exim 4.89)', { tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384', tlsNotation: 'exim' }],
    ['Exim without TLS', 'from a by b with esmtp (Exim 4.92) id X', { tls: 'no', tlsNotation: 'rfc3848' }],
    ['Sendmail', 'from a by b (8.17.1/8.17.1) with ESMTPS id X (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)', { tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', tlsNotation: 'sendmail' }],
    ['Microsoft', 'from a (10.0.0.1) by b (10.0.0.2) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1', { tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', tlsNotation: 'microsoft' }],
    ['Microsoft bare (TLS)', 'from a by b with Microsoft SMTP Server (TLS) id 15.0.1497.38', { tls: 'yes', tlsNotation: 'microsoft' }],
    ['Microsoft without TLS', 'from a by b with Microsoft SMTP Server id 15.2.1544.4 via Frontend Transport', { tls: 'no', tlsNotation: 'microsoft' }],
    ['Mimecast', 'from a (a [192.0.2.1]) by relay.mimecast.com with ESMTP with STARTTLS (version=TLSv1.2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id x', { tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', tlsNotation: 'mimecast' }],
    ['IronPort', 'from a by b with ESMTP/TLS/AES128-SHA; 14 Aug 2013', { tls: 'yes', cipher: 'AES128-SHA', tlsNotation: 'ironport' }],
    ['Google internal', 'from a by mx.google.com with SMTPS id x (Google Transport Security)', { tls: 'yes', tlsNotation: 'google-transport-security' }],
    ['no with clause', 'from a by b id X; Mon, 1 Jan 2024', { tls: 'unknown' }],
    ['unrecognised protocol', 'from a by b with mapi id 15.0', { tls: 'unknown' }],
    ['free text protocol', 'from a by b with IBM ESMTP SMTP Gateway: Authorized Use Only!', { tls: 'unknown' }],
  ];
  for (const [label, value, expected] of cases) {
    it(label, () => expect(detectTls(value)).toEqual(expected));
  }

  it('prefers an explicit TLS comment over a plain `with ESMTP`', () => {
    expect(detectTls('by b with ESMTP id 1 (version=TLSv1.2 cipher=X bits=256 verify=OK)').tls).toBe('yes');
  });

  it('uses the parsed with-clause when given', () => {
    expect(detectTls('anything', 'ESMTPS').tls).toBe('yes');
    expect(detectTls('anything', 'Microsoft SMTP Server').tls).toBe('no');
  });
});

describe('normaliseTlsVersion', () => {
  it.each([
    ['TLS1_3', 'TLSv1.3'],
    ['TLS1.2', 'TLSv1.2'],
    ['TLSv1.1', 'TLSv1.1'],
    ['tlsv1.3', 'TLSv1.3'],
    ['TLSv1', 'TLSv1'],
    ['TLS1.0', 'TLSv1'],
    ['SSLv3', 'SSLv3'],
    ['TLSv1/SSLv3', 'TLSv1/SSLv3'],
  ])('%s → %s', (raw, want) => expect(normaliseTlsVersion(raw)).toBe(want));
});
