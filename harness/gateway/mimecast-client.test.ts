import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { createSecretStore } from '../config/secrets.ts';
import type { GatewayApi } from '../config/schema.ts';
import { silentLogger } from '../logger.ts';
import { hmacHeaders } from './api-auth.ts';
import { createMimecastClient } from './mimecast-client.ts';
import { isMailflowError } from '../errors.ts';
import { outboundAddress, readGatewaySnapshot } from './snapshot.ts';
import type { Config } from '../config/schema.ts';
import { readEncryption, toLogEntry } from './message-log.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const SECRET = 'top-secret-value';
const secrets = () => createSecretStore({ env: { MC_SECRET: SECRET } });
const api = (baseUrl: string): GatewayApi => ({
  baseUrl, auth: { type: 'oauth2', clientId: 'cid', clientSecret: '${env:MC_SECRET}' }, tls: { rejectUnauthorized: true }, logWaitSeconds: 1, maxRateLimitWaitSeconds: 2,
});

describe('mimecast client', () => {
  test('caches the token, retries once on 401 with a fresh one, waits out a 429, and keeps no secret in evidence', async () => {
    let tokens = 0;
    let calls = 0;
    const url = await serve((req, body, res) => {
      if (req.url === '/oauth/token') {
        expect(body).toContain('grant_type=client_credentials');
        return json(res, 200, { access_token: `tok${++tokens}`, token_type: 'Bearer', expires_in: 1800, echo: SECRET });
      }
      calls++;
      if (calls === 1) return json(res, 401, { fail: [{ errors: [{ code: 'token_expired' }] }] });
      if (calls === 2) return json(res, 429, {}, { 'x-ratelimit-reset': '30' });
      expect(req.headers.authorization).toBe('Bearer tok2');
      return json(res, 200, { accountCode: 'C1', spf: SECRET, outboundHostnames: [] });
    });
    const waits: number[] = [];
    const client = createMimecastClient({ api: api(url), secrets: secrets(), logger: silentLogger, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    await client.call('GET', '/email/cloud-gateway/v1/gateway-details');
    await client.call('GET', '/email/cloud-gateway/v1/gateway-details');
    expect(tokens).toBe(2);
    expect(waits).toEqual([30]);
    expect(JSON.stringify(client.exchanges)).not.toContain(SECRET);
  });

  test('a 200 with a non-empty fail[] is an error', async () => {
    const url = await serve((req, _b, res) => (req.url === '/oauth/token' ? json(res, 200, { access_token: 't', expires_in: 1800 }) : json(res, 200, { meta: { status: 200 }, data: [], fail: [{ key: {}, errors: [{ code: 'err_xyz', message: 'bad id' }] }] })));
    const client = createMimecastClient({ api: api(url), secrets: secrets(), logger: silentLogger });
    await expect(client.call('POST', '/api/message-finder/get-message-info', { body: { data: [{ id: 'x' }] } })).rejects.toThrow(/200 with errors: err_xyz: bad id/);
  });

  test('refuses any endpoint outside the read allow-list before sending', async () => {
    const client = createMimecastClient({ api: api('http://127.0.0.1:9'), secrets: secrets(), logger: silentLogger });
    await expect(client.call('POST', '/api/managedsender/permit-or-block-sender')).rejects.toThrow(/not an allowed read endpoint/);
  });

  test('both pagination styles, every next-token variant, and a repeated token stops', async () => {
    const pages: Record<string, unknown> = {
      '': { definitions: [{ id: 1 }], meta: { nextPage: 'a' } },
      a: { definitions: [{ id: 2 }], meta: { pagination: { nextPageToken: 'b' } } },
      b: { definitions: [{ id: 3 }], meta: { nextPageToken: 'b' } },
    };
    const url = await serve((req, body, res) => {
      if (req.url === '/oauth/token') return json(res, 200, { access_token: 't', expires_in: 1800 });
      const u = new URL(req.url ?? '', 'http://x');
      if (req.method === 'GET') return json(res, 200, pages[u.searchParams.get('pageToken') ?? '']);
      const token = (JSON.parse(body) as { meta: { pagination: { pageToken?: string } } }).meta.pagination.pageToken;
      return json(res, 200, token ? { meta: { status: 200, pagination: {} }, data: [{ domain: 'b.example' }], fail: [] } : { meta: { status: 200, pagination: { next: 'p2' } }, data: [{ domain: 'a.example' }], fail: [] });
    });
    const client = createMimecastClient({ api: api(url), secrets: secrets(), logger: silentLogger });
    expect(await client.listV2('/policy-management/cloud-gateway/v1/dns-authentication-outbound/definitions', ['definitions'])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await client.listV1('/api/domain/get-internal-domain', [])).toEqual([{ domain: 'a.example' }, { domain: 'b.example' }]);
  });

  test('refused client credentials name the credential, never its value, and are asked for once per run', async () => {
    let tokenRequests = 0;
    const url = await serve((_req, _b, res) => (tokenRequests++, json(res, 401, { error: 'invalid_client' })));
    const client = createMimecastClient({ api: api(url), secrets: secrets(), logger: silentLogger });
    const err = await client.call('GET', '/email/cloud-gateway/v1/gateway-details').catch((e: Error) => e);
    expect(String(err)).toMatch(/gateway\.api\.auth\.clientSecret \(\$\{env:MC_SECRET\}\)/);
    expect(String(err)).not.toContain(SECRET);
    // invalid_client is definite: the next calls fail at once, with no further token request.
    for (let i = 0; i < 16; i++) await expect(client.call('POST', '/api/domain/get-internal-domain', { body: { data: [] } })).rejects.toThrow(/was refused/);
    expect(tokenRequests).toBe(1);
  });

  test('a list still going after 200 pages is an error, not a partial list', async () => {
    let n = 0;
    const url = await serve((req, _b, res) => (req.url === '/oauth/token' ? json(res, 200, { access_token: 't', expires_in: 1800 }) : json(res, 200, { definitions: [{ id: n }], meta: { nextPage: `p${++n}` } })));
    const client = createMimecastClient({ api: api(url), secrets: secrets(), logger: silentLogger });
    await expect(client.listV2('/policy-management/cloud-gateway/v1/dns-authentication-outbound/definitions', ['definitions'])).rejects.toThrow(/still more pages after 200 pages/);
  });

  test('with API 1.0 (HMAC) keys only /api/... endpoints are called; the REST-only sections say they need OAuth2', async () => {
    const paths: string[] = [];
    const url = await serve((req, _b, res) => {
      paths.push(`${req.method} ${req.url}`);
      expect(req.headers.authorization).toMatch(/^MC AK-1:/);
      return json(res, 200, { meta: { status: 200 }, data: [{ domain: 'acme.example', local: false, sendOnly: false }], fail: [] });
    });
    const hmacApi: GatewayApi = { ...api(url), auth: { type: 'hmac', appId: 'app', appKey: '${env:MC_SECRET}', accessKey: '${env:MC_AK}', secretKey: '${env:MC_SECRET}' } };
    const client = createMimecastClient({ api: hmacApi, secrets: createSecretStore({ env: { MC_SECRET: SECRET, MC_AK: 'AK-1' } }), logger: silentLogger });
    const config = { gateway: { api: hmacApi } } as unknown as Config;
    const snap = await readGatewaySnapshot(client, config, [], 0);
    expect(paths.every((p) => p.startsWith('POST /api/'))).toBe(true);
    expect(snap.internalDomains).toMatchObject({ ok: true, value: [{ domain: 'acme.example' }] });
    for (const s of [snap.outboundAddresses, snap.details, snap.dkimDefinitions, snap.dkimPolicies]) expect(s).toMatchObject({ ok: false, unavailable: true, error: { message: expect.stringMatching(/API 2\.0 .*OAuth2/) as unknown } });
  });
});

describe('response shapes of the reference', () => {
  test('outbound addresses in both shapes of the reference (§3.1): strings, and the live API\'s {outboundIpAddress}', () => {
    // The published contract: {"outboundIpAddresses": [...strings]}; TF-provider's live shape: [{"outboundIpAddress":"198.51.100.2"}].
    const contract = { outboundIpAddresses: ['198.51.100.2', '203.0.113.0/28'] };
    const live = { outboundIpAddresses: [{ outboundIpAddress: '198.51.100.2' }, { outboundIpAddress: '203.0.113.0/28' }] };
    expect(contract.outboundIpAddresses.map((a, i) => outboundAddress(a, i))).toEqual(['198.51.100.2', '203.0.113.0/28']);
    expect(live.outboundIpAddresses.map((a, i) => outboundAddress(a, i))).toEqual(['198.51.100.2', '203.0.113.0/28']);
    expect(outboundAddress({ ipAddress: '192.0.2.2' })).toBe('192.0.2.2');
  });

  test('an unparsable outbound address item is EPROTOCOL, never silently dropped', () => {
    for (const bad of [42, null, {}, { outboundIpAddress: '' }, { comment: 'x' }, '']) {
      let caught: unknown;
      try {
        outboundAddress(bad, 3);
      } catch (e) {
        caught = e;
      }
      expect(isMailflowError(caught) && caught.code, JSON.stringify(bad)).toBe('EPROTOCOL');
      expect(String(caught)).toMatch(/item 3 is not an address/);
    }
  });

  test('get-message-info: delivered message keyed by recipient, managed sender, encryption text', () => {
    const e = toLogEntry({
      id: 'X1', status: 'Delivered',
      recipientInfo: { messageInfo: { fromEnvelope: 'a@acme.example', to: ['b@p.example'] }, recipientMetaInfo: { remoteIp: '192.0.2.1', encryptionInfo: 'TLSv1.2 (ECDHE-RSA-AES256-GCM-SHA384)' } },
      deliveredMessage: { 'b@p.example': { deliveryMetaInfo: { receiptAcknowledgement: '250 2.0.0 OK', encryptionInfo: 'Not encrypted', remoteIp: '198.51.100.1' } } },
      spamInfo: { managedSender: { allow: true, info: 'Auto Allow' } },
    });
    expect(e.receipt).toMatchObject({ tls: 'yes', tlsVersion: 'TLSv1.2' });
    expect(e.deliveries[0]).toMatchObject({ recipient: 'b@p.example', tls: 'no', receiptAcknowledgement: '250 2.0.0 OK' });
    expect(e.managedSender).toEqual({ allow: true, info: 'Auto Allow' });
    expect(readEncryption(null).tls).toBe('unknown');
    expect(readEncryption('TLS: No').tls).toBe('no');
    expect(readEncryption('TLS 1.3').tlsVersion).toBe('TLSv1.3');
  });

  test('API 1.0 HMAC signature (the vendor guide\'s formula)', () => {
    const h = hmacHeaders('/api/account/get-account', { appId: 'app', appKey: 'key', accessKey: 'AK', secretKey: Buffer.from('s3cret').toString('base64') }, new Date('2015-11-24T12:50:11Z'), 'req-1');
    expect(h['x-mc-date']).toBe('Tue, 24 Nov 2015 12:50:11 UTC');
    expect(h.authorization).toMatch(/^MC AK:[A-Za-z0-9+/]+=*$/);
  });
});
