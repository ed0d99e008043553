import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dns2 from 'dns2';
import { createResolver, normaliseServer } from './resolver.ts';
import { isMailflowError } from '../errors.ts';

const { Packet } = dns2;

/** A tiny authoritative zone on loopback, port 0 (read back after listen). */
type RecordData = { address?: string; exchange?: string; priority?: number; data?: string[] };
const ZONE: Record<string, { type: number; data: RecordData }[]> = {
  'acme.test': [
    { type: Packet.TYPE.TXT, data: { data: ['v=spf1 ip4:192.0.2.10 -all'] } },
    { type: Packet.TYPE.MX, data: { exchange: 'mx.acme.test', priority: 10 } },
    { type: Packet.TYPE.A, data: { address: '192.0.2.1' } },
  ],
  'sel._domainkey.acme.test': [{ type: Packet.TYPE.TXT, data: { data: ['v=DKIM1; k=rsa; ', 'p=AAAA'] } }],
};

let server: ReturnType<typeof dns2.createServer>;
let port = 0;
let silent: Socket;
let silentPort = 0;

beforeAll(async () => {
  server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const q = request.questions[0];
      const records = q ? ZONE[q.name.toLowerCase()] : undefined;
      if (!records) response.header.rcode = Packet.RCODE.NXDOMAIN;
      for (const r of records ?? []) {
        if (q && r.type === q.type) response.answers.push({ name: q.name, type: r.type, class: Packet.CLASS.IN, ttl: 60, ...r.data } as (typeof response.answers)[number]);
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  port = (addresses.udp as AddressInfo).port;
  // A server that never answers, for the timeout.
  silent = createSocket('udp4');
  await new Promise<void>((ok) => silent.bind(0, '127.0.0.1', ok));
  silentPort = silent.address().port;
});

afterAll(async () => {
  await server.close();
  await new Promise<void>((ok) => silent.close(() => ok()));
});

describe('createResolver against a dns2 server', () => {
  it('resolves TXT (multi-string kept as chunks), MX and A like dns.promises.resolve', async () => {
    const resolve = createResolver([`127.0.0.1:${port}`]);
    expect(await resolve('acme.test', 'TXT')).toEqual([['v=spf1 ip4:192.0.2.10 -all']]);
    expect(await resolve('sel._domainkey.acme.test', 'TXT')).toEqual([['v=DKIM1; k=rsa; ', 'p=AAAA']]);
    expect(await resolve('acme.test', 'MX')).toEqual([{ exchange: 'mx.acme.test', priority: 10 }]);
    expect(await resolve('acme.test', 'A')).toEqual(['192.0.2.1']);
  });

  it('fails with the codes mailauth expects: ENOTFOUND for NXDOMAIN, ENODATA for no record of the type', async () => {
    const resolve = createResolver([`127.0.0.1:${port}`]);
    await expect(resolve('missing.acme.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolve('acme.test', 'AAAA')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('gives up within the timeout on a server that never answers', async () => {
    const resolve = createResolver([`127.0.0.1:${silentPort}`], { timeoutMs: 200, tries: 1 });
    const started = Date.now();
    await expect(resolve('acme.test', 'TXT')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('normaliseServer', () => {
  it.each([
    ['1.1.1.1', '1.1.1.1'],
    ['127.0.0.2:40123', '127.0.0.2:40123'],
    ['[::1]:53', '[::1]:53'],
    ['::1', '::1'],
    ['[2001:db8::1]', '2001:db8::1'],
  ])('%s → %s', (entry, want) => expect(normaliseServer(entry)).toBe(want));

  it.each(['ns.example.com', '1.1.1.1:0', '1.1.1.1:70000', '[::1', ''])('refuses %j with ECONFIG naming the key', (entry) => {
    try {
      createResolver(['1.1.1.1', entry]);
      expect.unreachable();
    } catch (e) {
      expect(isMailflowError(e) && e.code === 'ECONFIG' && e.context.path === 'dns.servers.1').toBe(true);
    }
  });
});
