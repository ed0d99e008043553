import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { startDnsServer, type LabDnsServer } from './dns-server.ts';
import { buildLabZone } from './lab-zone.ts';

// A long stand-in key: the record must be split into 255-octet strings and exceed 512 octets (TCP retry).
const key = 'A'.repeat(600);
let dns: LabDnsServer;
let resolver: Resolver;

beforeAll(async () => {
  const zone = buildLabZone({ internalDomains: ['acme.test'], externalDomain: 'partner.test', dkimPublicKeys: new Map([['acme.test', key]]) });
  dns = await startDnsServer(zone, '127.0.0.2', silentLogger);
  resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dns.server]);
});
afterAll(() => dns.close());

describe('lab DNS server', () => {
  it('serves the onboarding records of an internal domain', async () => {
    expect(await resolver.resolveMx('acme.test')).toEqual([{ exchange: 'eu-smtp-inbound-1.mimecast.test', priority: 10 }]);
    expect((await resolver.resolveTxt('acme.test')).map((c) => c.join(''))).toEqual(['v=spf1 include:eu._netblocks.mimecast.test -all']);
    expect((await resolver.resolveTxt('eu._netblocks.mimecast.test')).map((c) => c.join(''))).toEqual(['v=spf1 ip4:127.0.0.21 ~all']);
    expect((await resolver.resolveTxt('_dmarc.acme.test'))[0]?.join('')).toMatch(/^v=DMARC1; p=reject/);
    expect(await resolver.reverse('127.0.0.21')).toEqual(['eu-smtp-delivery-1.mimecast.test']);
  });

  it('splits a long DKIM key into 255-octet strings and still answers (over TCP when truncated)', async () => {
    const [record] = await resolver.resolveTxt('mc1._domainkey.acme.test');
    expect(record?.every((s) => s.length <= 255)).toBe(true);
    expect(record?.join('')).toBe(`v=DKIM1; k=rsa; p=${key}`);
  });

  it('answers NXDOMAIN inside its zones, NODATA for a missing type, REFUSED outside', async () => {
    await expect(resolver.resolveTxt('nobody.acme.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('acme.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('omits the gateway include under spf-missing-gateway', () => {
    const zone = buildLabZone({ internalDomains: ['acme.test'], externalDomain: 'partner.test', dkimPublicKeys: new Map(), spfWithoutGateway: true });
    const spf = zone.records.get('acme.test')?.find((r) => r.type === 'TXT');
    expect(spf).toEqual({ type: 'TXT', text: 'v=spf1 ip4:127.0.0.11 -all' });
  });
});
