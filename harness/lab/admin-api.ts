/**
 * The lab gateway's admin API over HTTPS: the OAuth2 client-credentials token
 * endpoint (API 2.0), Bearer or API 1.0 HMAC ("MC accessKey:signature")
 * authentication, the vendor's rate-limit headers (X-RateLimit-Reset in
 * milliseconds), and the read endpoints of admin-api-routes.ts backed by the
 * gateway's real state. Wrong or expired credentials are refused with 401.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import type { LeafCertificate } from './ca.ts';
import { route, type ApiReply } from './admin-api-routes.ts';
import type { FaultSet } from './faults.ts';
import type { GatewayState } from './gateway-state.ts';

export interface HmacKeys {
  appId: string;
  appKey: string;
  accessKey: string;
  /** Base64, as the vendor issues it. */
  secretKey: string;
}

export interface AdminApiOptions {
  address: string;
  credentials: LeafCertificate;
  state: GatewayState;
  clientId: string;
  clientSecret: string;
  hmac?: HmacKeys;
  faults: FaultSet;
  logger: Logger;
  /** Token lifetime; the vendor's is 30 minutes. */
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface AdminApi {
  port: number;
  /** Every request seen (method, path, status), for tests. */
  requests: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

const RATE_LIMIT = 100;
/** Under api-ratelimit every third call is refused, with a reset this far away. */
const RATE_RESET_MS = 150;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, reply: ApiReply, headers: Record<string, string> = {}): void {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(reply.body));
}

const unauthorized = (message: string): ApiReply => ({ status: 401, body: { fail: [{ errors: [{ code: 'unauthorized', message, retryable: false }] }] } });

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 1_000_000) throw new Error('request body too large');
  }
  return text;
}

/** Starts the admin API on address:0 (HTTPS with the lab CA's certificate). */
export async function startAdminApi(opts: AdminApiOptions): Promise<AdminApi> {
  const now = opts.now ?? Date.now;
  const tokens = new Map<string, number>();
  const requests: AdminApi['requests'] = [];
  // The lab's own copy of the secret: under api-bad-credentials the harness holds a stale one.
  const expectedSecret = opts.faults.has('api-bad-credentials') ? `${opts.clientSecret}-rotated` : opts.clientSecret;
  let counted = 0;

  const issueToken = (form: URLSearchParams, basic: string | undefined): ApiReply => {
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    if (basic) [id = '', secret = ''] = Buffer.from(basic, 'base64').toString().split(':');
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (!safeEqual(id, opts.clientId) || !safeEqual(secret, expectedSecret)) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const token = randomBytes(24).toString('base64url');
    const ttl = opts.tokenTtlSeconds ?? 1800;
    tokens.set(token, now() + ttl * 1000);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: ttl } };
  };

  const authenticate = (req: IncomingMessage, path: string): string | undefined => {
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (bearer) {
      const expires = tokens.get(bearer);
      if (expires === undefined) return 'unknown access token';
      if (expires <= now()) return 'access token expired';
      return undefined;
    }
    const mc = /^MC ([^:]+):(\S+)$/.exec(auth);
    // API 1.0 keys reach only the /api/... POST endpoints; the REST (2.0) reads need an OAuth2 token.
    if (mc && !path.startsWith('/api/')) return 'API 1.0 (HMAC) keys cannot call API 2.0 endpoints: use an OAuth2 client';
    if (mc && opts.hmac) {
      // api-bad-credentials: the keys were rotated on the gateway; the harness holds the old ones.
      if (opts.faults.has('api-bad-credentials')) return 'HMAC signature does not verify (unknown access key)';
      const date = String(req.headers['x-mc-date'] ?? '');
      const reqId = String(req.headers['x-mc-req-id'] ?? '');
      const expected = createHmac('sha1', Buffer.from(opts.hmac.secretKey, 'base64')).update(`${date}:${reqId}:${path}:${opts.hmac.appKey}`).digest('base64');
      if (mc[1] === opts.hmac.accessKey && safeEqual(mc[2] ?? '', expected) && req.headers['x-mc-app-id'] === opts.hmac.appId) return undefined;
      return 'HMAC signature does not verify';
    }
    return 'no valid Authorization header';
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://lab');
    const text = await readBody(req);
    const record = (status: number) => requests.push({ method: req.method ?? '', path: url.pathname, status });
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const reply = issueToken(new URLSearchParams(text), /^Basic (\S+)$/.exec(req.headers.authorization ?? '')?.[1]);
      record(reply.status);
      return send(res, reply);
    }
    const refused = authenticate(req, url.pathname);
    if (refused !== undefined) {
      record(401);
      return send(res, unauthorized(refused));
    }
    counted++;
    const limited = opts.faults.has('api-ratelimit') && counted % 3 === 0;
    const headers = { 'x-ratelimit-limit': String(RATE_LIMIT), 'x-ratelimit-remaining': limited ? '0' : String(RATE_LIMIT - (counted % RATE_LIMIT)), 'x-ratelimit-reset': String(limited ? RATE_RESET_MS : 60_000) };
    if (limited) {
      record(429);
      return send(res, { status: 429, body: { fail: [{ errors: [{ code: 'too_many_requests', message: 'rate limit exceeded', retryable: true }] }] } }, headers);
    }
    let body: object;
    try {
      body = text ? (JSON.parse(text) as object) : {};
    } catch {
      record(400);
      return send(res, { status: 400, body: { fail: [{ errors: [{ code: 'invalid_json', message: 'body is not JSON' }] }] } }, headers);
    }
    const reply = route(opts.state, req.method ?? 'GET', url.pathname, url.searchParams, body, opts.faults) ?? { status: 404, body: { fail: [{ errors: [{ code: 'not_found', message: `${req.method} ${url.pathname}` }] }] } };
    record(reply.status);
    send(res, reply, headers);
  };

  const server: Server = createServer({ key: opts.credentials.key, cert: opts.credentials.cert }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.logger.warn('admin API request failed', { error: (e as Error).message });
      if (!res.headersSent) send(res, { status: 500, body: { fail: [{ errors: [{ code: 'internal', message: 'internal error' }] }] } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.address, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let closed: Promise<void> | undefined;
  return {
    port,
    requests,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
