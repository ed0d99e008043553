/**
 * OAuth2 token life against the lab's real admin API (HTTPS, lab CA): the
 * client refreshes before `expires_in` runs out (injected clock), and a token
 * the server expires early is replaced after one 401, mid-run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSecretStore } from '../config/secrets.ts';
import type { GatewayApi } from '../config/schema.ts';
import { startAdminApi, type AdminApi } from '../lab/admin-api.ts';
import { createLabCa, type LabCa } from '../lab/ca.ts';
import { createGatewayState } from '../lab/gateway-state.ts';
import { LAB_ADDRESS, LAB_HOST } from '../lab/topology.ts';
import { silentLogger } from '../logger.ts';
import { REFRESH_MARGIN_MS } from './api-auth.ts';
import { createMimecastClient } from './mimecast-client.ts';

const SECRET = 'lab-auth-test-secret';
let ca: LabCa;
const servers: AdminApi[] = [];

beforeAll(async () => {
  ca = await createLabCa();
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A lab admin API whose clock the test moves. */
async function labApi(ttlSeconds: number, clock: { now: number }): Promise<{ server: AdminApi; api: GatewayApi }> {
  const credentials = await ca.issue([LAB_HOST.gatewayApi], [LAB_ADDRESS.gatewayApi]);
  const server = await startAdminApi({
    address: LAB_ADDRESS.gatewayApi, credentials, state: createGatewayState({ accountCode: 'CUSLAB0001' }), clientId: 'cid', clientSecret: SECRET,
    faults: new Set(), logger: silentLogger, tokenTtlSeconds: ttlSeconds, now: () => clock.now,
  });
  servers.push(server);
  const api: GatewayApi = {
    baseUrl: `https://${LAB_ADDRESS.gatewayApi}:${server.port}`, auth: { type: 'oauth2', clientId: 'cid', clientSecret: '${env:S}' },
    tls: { ca: ca.caPem, servername: LAB_HOST.gatewayApi, rejectUnauthorized: true }, logWaitSeconds: 1, maxRateLimitWaitSeconds: 1,
  };
  return { server, api };
}

const tokenCalls = (s: AdminApi) => s.requests.filter((r) => r.path === '/oauth/token').length;
const GET_DETAILS = ['GET', '/email/cloud-gateway/v1/gateway-details'] as const;

describe('OAuth2 token lifetime', () => {
  test('the token is reused until shortly before expires_in, then refreshed before the server would refuse it', async () => {
    const serverClock = { now: 1_000_000 };
    const { server, api } = await labApi(1800, serverClock);
    const clientClock = { now: 5_000_000 };
    const client = createMimecastClient({ api, secrets: createSecretStore({ env: { S: SECRET } }), logger: silentLogger, now: () => clientClock.now });
    await client.call(...GET_DETAILS);
    clientClock.now += 1800_000 - REFRESH_MARGIN_MS - 1000;
    serverClock.now += 1800_000 - REFRESH_MARGIN_MS - 1000;
    await client.call(...GET_DETAILS);
    expect(tokenCalls(server)).toBe(1);
    // Inside the refresh margin: a new token is fetched although the old one still works on the server.
    clientClock.now += 2000;
    serverClock.now += 2000;
    await client.call(...GET_DETAILS);
    expect(tokenCalls(server)).toBe(2);
    expect(server.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  test('a token the server expires mid-run is replaced after one 401, and the call succeeds', async () => {
    const serverClock = { now: 1_000_000 };
    // The lab's tokens live 60 s, but the client's clock barely moves (a suspended laptop, a skewed server).
    const { server, api } = await labApi(60, serverClock);
    const client = createMimecastClient({ api, secrets: createSecretStore({ env: { S: SECRET } }), logger: silentLogger, now: () => 0 });
    await client.call(...GET_DETAILS);
    serverClock.now += 61_000;
    const body = (await client.call(...GET_DETAILS)) as { accountCode?: string };
    expect(body.accountCode).toBe('CUSLAB0001');
    expect(server.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/oauth/token 200', '/email/cloud-gateway/v1/gateway-details 200',
      '/email/cloud-gateway/v1/gateway-details 401', '/oauth/token 200', '/email/cloud-gateway/v1/gateway-details 200',
    ]);
  });
});
