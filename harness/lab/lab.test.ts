import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isMailflowError } from '../errors.ts';
import { startLab, type DeliveredEvent, type Lab } from './lab.ts';
import { openInbox, submit, unfoldedHeader, waitForMessage } from './test-support.ts';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

async function lab(faults: string[] = [], domainCount = 1): Promise<Lab> {
  const l = await startLab({ faults, domainCount });
  labs.push(l);
  return l;
}

function token(): { subject: string; messageId: string } {
  const id = randomUUID();
  return { subject: `lab probe ${id}`, messageId: `<${id}@acme.test>` };
}

/** Sends a probe as alice and returns it as it arrives in bob's mailbox. */
async function probeToBob(l: Lab): Promise<string> {
  const bob = await openInbox(l, l.config.recipient.imap);
  try {
    const t = token();
    const sent = await submit(l, t);
    expect(sent.ok, sent.response).toBe(true);
    return await waitForMessage(bob, (raw) => raw.includes(t.subject));
  } finally {
    await bob.logout();
  }
}

/** Sends a probe as alice and returns the DSN that comes back to her mailbox. */
async function probeBounce(l: Lab): Promise<string> {
  const sender = l.config.senders[0];
  if (!sender?.imap) throw new Error('lab sender has no mailbox');
  const alice = await openInbox(l, sender.imap);
  try {
    const t = token();
    expect((await submit(l, t)).ok).toBe(true);
    return await waitForMessage(alice, (raw) => raw.includes('multipart/report') && raw.includes(t.subject));
  } finally {
    await alice.logout();
  }
}

describe('lab end to end', () => {
  it('delivers a probe from alice to bob through the gateway, encrypted and authenticated', async () => {
    const l = await lab();
    expect(l.startupMs).toBeLessThan(1500);
    const delivered: DeliveredEvent[] = [];
    l.events.on('delivered', (e: DeliveredEvent) => delivered.push(e));
    const head = unfoldedHeader(await probeToBob(l));
    expect(head).toMatch(/Received: from eu-smtp-delivery-1\.mimecast\.test \(eu-smtp-delivery-1\.mimecast\.test\. \[127\.0\.0\.21\]\) by mx\.partner\.test with ESMTPS id \S+ for <bob@partner\.test> \(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256\/256\);/);
    expect(head).toMatch(/Received: from mail\.acme\.test \(mail\.acme\.test \[127\.0\.0\.11\]\) by relay\.mimecast\.test with ESMTP with STARTTLS \(version=TLSv1\.3, cipher=TLS_AES_256_GCM_SHA384\) id eu-mta-\d+-\S+-1;/);
    expect(head).toMatch(/by mail\.acme\.test \(127\.0\.0\.10\) with Microsoft SMTP Server \(version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384\) id 15\.2\.1544\.4 via Frontend Transport;/);
    expect(head).toMatch(/Authentication-Results: mx\.partner\.test; dkim=pass header\.i=@acme\.test header\.s=mc1 header\.b=\S{8}; spf=pass \(partner\.test: domain of alice@acme\.test designates 127\.0\.0\.21 as permitted sender\) smtp\.mailfrom=alice@acme\.test; dmarc=pass \(p=REJECT sp=REJECT dis=NONE\) header\.from=acme\.test/);
    expect(head).toMatch(/Received-SPF: pass \(partner\.test: domain of alice@acme\.test designates 127\.0\.0\.21 as permitted sender\) client-ip=127\.0\.0\.21;/);
    expect(delivered.some((e) => e.mailbox === 'bob@partner.test' && e.at > 0)).toBe(true);
    const [logged] = l.gatewayState.messages;
    expect(logged?.direction).toBe('outbound');
    expect(logged?.receipt.tls?.version).toBe('TLSv1.3');
    expect(logged?.receipt.remoteAddress).toBe('127.0.0.11');
    expect(logged?.dkimDomain).toBe('acme.test');
    expect(logged?.status).toBe('delivered');
    expect(logged?.deliveries[0]).toMatchObject({ remoteHost: 'mx.partner.test', status: 'delivered', tls: { version: 'TLSv1.3' } });
    expect(logged?.deliveries[0]?.reply).toMatch(/^250 /);
  });

  it('reports an unknown fault as a usage error naming the known ones', async () => {
    const err = await startLab({ faults: ['no-such-fault'] }).catch((e: unknown) => e);
    expect(isMailflowError(err) && err.code).toBe('EUSAGE');
    expect(String((err as Error).message)).toMatch(/no-such-fault.*no-tls-in/);
  });

  it('derives extra sending domains, each with its own signed mail, and runs beside another lab', async () => {
    const [l, other] = await Promise.all([lab([], 2), lab()]);
    expect(l.config.domains.map((d) => d.name)).toEqual(['acme.test', 'acme2.test']);
    expect(l.config.senders[1]?.address).toBe('alice@acme2.test');
    expect(other.endpoints.gateway?.port).not.toBe(l.endpoints.gateway?.port);
    const bob = await openInbox(l, l.config.recipient.imap);
    try {
      const t = token();
      expect((await submit(l, { ...t, as: 1 })).ok).toBe(true);
      const head = unfoldedHeader(await waitForMessage(bob, (raw) => raw.includes(t.subject)));
      expect(head).toMatch(/dkim=pass header\.i=@acme2\.test .*spf=pass .*dmarc=pass .*header\.from=acme2\.test/);
    } finally {
      await bob.logout();
    }
  });
});

describe('lab replies', () => {
  it('routes the external user\'s reply by MX back through the gateway to alice', async () => {
    const l = await lab();
    const sender = l.config.senders[0];
    if (!sender?.imap) throw new Error('lab sender has no mailbox');
    const alice = await openInbox(l, sender.imap);
    try {
      const t = token();
      expect((await submit(l, { ...t, as: 'recipient', to: sender.address })).ok).toBe(true);
      const head = unfoldedHeader(await waitForMessage(alice, (raw) => raw.includes(t.subject)));
      expect(head).toMatch(/by mail\.acme\.test \(127\.0\.0\.10\) with Microsoft SMTP Server \(version=TLS1_3, /);
      expect(head).toMatch(/Received: from smtp\.partner\.test \(smtp\.partner\.test \[127\.0\.0\.31\]\) by relay\.mimecast\.test with ESMTP with STARTTLS/);
      expect(head).toMatch(/by smtp\.partner\.test with ESMTPSA id /);
      await l.idle();
      expect(l.gatewayState.messages.at(-1)).toMatchObject({ direction: 'inbound', status: 'delivered' });
    } finally {
      await alice.logout();
    }
  });
});

describe('lab faults', () => {
  it('no-tls-in: the gateway stamps a plaintext receipt', async () => {
    const head = unfoldedHeader(await probeToBob(await lab(['no-tls-in'])));
    expect(head).toMatch(/Received: from mail\.acme\.test \(mail\.acme\.test \[127\.0\.0\.11\]\) by relay\.mimecast\.test with ESMTP id eu-mta-/);
    expect(head).not.toMatch(/by relay\.mimecast\.test with ESMTP with STARTTLS/);
  });

  it('no-tls-out: the recipient MX stamps a plaintext receipt', async () => {
    const head = unfoldedHeader(await probeToBob(await lab(['no-tls-out'])));
    expect(head).toMatch(/by mx\.partner\.test with ESMTP id \S+ for <bob@partner\.test>; /);
  });

  it('no-dkim: no signature, SPF still aligns', async () => {
    const head = unfoldedHeader(await probeToBob(await lab(['no-dkim'])));
    expect(head).not.toMatch(/DKIM-Signature:/i);
    expect(head).not.toMatch(/dkim=pass/);
    expect(head).toMatch(/spf=pass .*dmarc=pass/);
  });

  it('spf-missing-gateway: SPF fails for the gateway, DKIM carries DMARC', async () => {
    const head = unfoldedHeader(await probeToBob(await lab(['spf-missing-gateway'])));
    expect(head).toMatch(/spf=fail \(partner\.test: domain of alice@acme\.test does not designate 127\.0\.0\.21 as permitted sender\)/);
    expect(head).toMatch(/dkim=pass .*dmarc=pass/);
  });

  it('gateway-rejects: the customer MTA bounces with the gateway\'s reply', async () => {
    const l = await lab(['gateway-rejects']);
    const dsn = await probeBounce(l);
    expect(dsn).toMatch(/Reporting-MTA: dns; mail\.acme\.test/);
    expect(dsn).toMatch(/Remote-MTA: dns; eu-smtp-inbound-1\.mimecast\.test/);
    expect(dsn).toMatch(/Diagnostic-Code: smtp; 550 5\.7\.1 Relay denied/);
    expect(dsn).toMatch(/Status: 5\.7\.1/);
    expect(l.gatewayState.rejections[0]?.remoteAddress).toBe('127.0.0.11');
  });

  it('delivery-fails: the gateway bounces with the recipient MX\'s reply', async () => {
    const l = await lab(['delivery-fails']);
    const dsn = await probeBounce(l);
    expect(dsn).toMatch(/Reporting-MTA: dns; eu-smtp-delivery-1\.mimecast\.test/);
    expect(dsn).toMatch(/Final-Recipient: rfc822; bob@partner\.test/);
    expect(dsn).toMatch(/Diagnostic-Code: smtp; 550 5\.1\.1/);
    expect(l.gatewayState.messages[0]?.status).toBe('bounced');
  });

  it('smtp-tempfail: the first submission of a Message-ID gets 451, the retry 250', async () => {
    const l = await lab(['smtp-tempfail']);
    const t = token();
    const first = await submit(l, t);
    expect(first).toMatchObject({ ok: false, responseCode: 451 });
    expect(first.response).toMatch(/^451 4\.3\.0/);
    const second = await submit(l, t);
    expect(second.ok).toBe(true);
    expect(second.response).toMatch(/^250 /);
  });

  it('imap-drop: the first IDLE connection is cut once, the next one stays', async () => {
    const l = await lab(['imap-drop']);
    const dropped = new Promise((resolve) => l.events.once('imap-idle-dropped', resolve));
    const first = await openInbox(l, l.config.recipient.imap);
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await first.idle().catch(() => undefined);
    await Promise.all([dropped, closed]);
    const second = await openInbox(l, l.config.recipient.imap);
    try {
      const t = token();
      expect((await submit(l, t)).ok).toBe(true);
      await waitForMessage(second, (raw) => raw.includes(t.subject));
      expect(second.usable).toBe(true);
    } finally {
      await second.logout();
    }
  });
});
