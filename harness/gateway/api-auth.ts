/**
 * Authentication to the vendor API. API 2.0: OAuth2 client credentials
 * (RFC 6749 §4.4) against /oauth/token; the token is cached and refreshed a
 * minute before `expires_in` runs out (the vendor's tokens live 30 minutes),
 * and dropped when a call answers 401 so the next call fetches a fresh one.
 * API 1.0 fallback: HMAC-SHA1 over "date:request-id:path:appKey" with the
 * base64-decoded secret key, sent as "Authorization: MC accessKey:signature".
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { GatewayApi } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { MailflowError } from '../errors.ts';
import { sendHttp, type HttpOptions } from './http-request.ts';

export interface ApiAuth {
  /** Headers for one call to `path`. */
  headers(path: string): Promise<Record<string, string>>;
  /** Forget any cached token (after a 401). */
  invalidate(): void;
  /** Which credential this is, for messages: "OAuth2 client mailflow (gateway.api.auth)". */
  describe: string;
}

export interface AuthDeps {
  secrets: SecretStore;
  now: () => number;
  tls: NonNullable<HttpOptions['tls']>;
  timeoutMs: number;
}

/** Refresh this long before the token's stated expiry (clock skew, slow calls). */
export const REFRESH_MARGIN_MS = 60_000;

export function createApiAuth(api: GatewayApi, deps: AuthDeps): ApiAuth {
  return api.auth.type === 'oauth2' ? oauthAuth(api, api.auth, deps) : hmacAuth(api.auth, deps);
}

type OAuth = Extract<GatewayApi['auth'], { type: 'oauth2' }>;
type Hmac = Extract<GatewayApi['auth'], { type: 'hmac' }>;

function oauthAuth(api: GatewayApi, auth: OAuth, deps: AuthDeps): ApiAuth {
  const tokenUrl = auth.tokenUrl ?? `${api.baseUrl.replace(/\/$/, '')}/oauth/token`;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  // A definite refusal of the client credentials (RFC 6749 §5.2 invalid_client) holds for the whole run:
  // asking again for every call would only hammer the token endpoint (and may lock the client).
  let refused: MailflowError | undefined;
  const fetchToken = async (): Promise<string> => {
    const secret = deps.secrets.reveal(auth.clientSecret);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: secret }).toString();
    const res = await sendHttp({ url: tokenUrl, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, tls: deps.tls, timeoutMs: deps.timeoutMs });
    let json: { access_token?: string; expires_in?: number; error?: string; error_description?: string } = {};
    try {
      json = JSON.parse(res.text) as typeof json;
    } catch {
      // reported below with the status
    }
    if (res.status !== 200 || !json.access_token) {
      const why = json.error ? `${json.error}${json.error_description ? `: ${json.error_description}` : ''}` : `HTTP ${res.status}`;
      const which = res.status === 401 || json.error === 'invalid_client'
        ? `gateway.api.auth.clientSecret (${auth.clientSecret}) or gateway.api.auth.clientId (${auth.clientId}) was refused`
        : `the token request failed`;
      const error = new MailflowError('EAUTH', deps.secrets.redact(`gateway API: ${which} by ${tokenUrl} (${why}); check the API 2.0 application's client id and secret`), { path: 'gateway.api.auth.clientSecret', response: why });
      if (res.status === 401 || json.error === 'invalid_client') refused = error;
      throw error;
    }
    const ttlMs = (json.expires_in ?? 1800) * 1000;
    cached = { token: json.access_token, refreshAt: deps.now() + Math.max(ttlMs - REFRESH_MARGIN_MS, ttlMs / 2) };
    return json.access_token;
  };
  return {
    describe: `OAuth2 client ${auth.clientId} (gateway.api.auth.clientId / clientSecret)`,
    invalidate() {
      cached = undefined;
    },
    async headers() {
      if (refused) throw refused;
      let token = cached && cached.refreshAt > deps.now() ? cached.token : undefined;
      if (token === undefined) {
        // One token request at a time, even when calls run in parallel.
        pending ??= fetchToken().finally(() => {
          pending = undefined;
        });
        token = await pending;
      }
      return { authorization: `Bearer ${token}`, accept: 'application/json' };
    },
  };
}

/** API 1.0 request headers (the vendor's authorization guide; date in RFC 1123 with "UTC"). */
export function hmacHeaders(path: string, keys: { appId: string; appKey: string; accessKey: string; secretKey: string }, date: Date, requestId: string): Record<string, string> {
  const xDate = date.toUTCString().replace('GMT', 'UTC');
  const signature = createHmac('sha1', Buffer.from(keys.secretKey, 'base64')).update(`${xDate}:${requestId}:${path}:${keys.appKey}`).digest('base64');
  return {
    authorization: `MC ${keys.accessKey}:${signature}`,
    'x-mc-date': xDate,
    'x-mc-req-id': requestId,
    'x-mc-app-id': keys.appId,
    accept: 'application/json',
  };
}

function hmacAuth(auth: Hmac, deps: AuthDeps): ApiAuth {
  return {
    describe: `API 1.0 keys of application ${auth.appId} (gateway.api.auth.accessKey / secretKey)`,
    invalidate() {},
    headers(path) {
      const keys = { appId: auth.appId, appKey: deps.secrets.reveal(auth.appKey), accessKey: deps.secrets.reveal(auth.accessKey), secretKey: deps.secrets.reveal(auth.secretKey) };
      return Promise.resolve(hmacHeaders(path, keys, new Date(deps.now()), randomUUID()));
    },
  };
}
