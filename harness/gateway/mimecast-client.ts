/**
 * A read-only client for the vendor API (shared/reference/mimecast-api.md §1.3):
 * only allow-listed read endpoints; one retry after a 401 with a fresh token;
 * 429 waits for X-RateLimit-Reset (milliseconds) or Retry-After (seconds);
 * 5xx retried a bounded number of times (reads only); a 200 whose `fail[]` is
 * not empty is an error; both pagination styles (API 2.0 `meta.nextPage` and
 * its variants, API 1.0 `meta.pagination.next` sent back as `pageToken`).
 * Every response is kept, secrets redacted, as evidence.
 */
import { tlsOptions } from '../transport/tls-options.ts';
import type { GatewayApi } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { MailflowError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { assertReadEndpoint } from './allow-list.ts';
import { createApiAuth, type ApiAuth } from './api-auth.ts';
import { sendHttp, type HttpResponse } from './http-request.ts';

/** One call as evidence: never headers (they carry the token), response redacted. */
export interface ApiExchange {
  request: string;
  status: number;
  at: string;
  response: unknown;
}

export interface ClientOptions {
  api: GatewayApi;
  secrets: SecretStore;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export interface MimecastClient {
  /** One call; resolves to the parsed body of a successful response. */
  call(method: 'GET' | 'POST', path: string, opts?: { query?: Record<string, string>; body?: unknown }): Promise<unknown>;
  /** Every item of an API 2.0 list (GET, cursor paged), read from the first of `keys` present. */
  listV2(path: string, keys: readonly string[]): Promise<unknown[]>;
  /** Every `data[]` item of an API 1.0 POST (paged with meta.pagination). */
  listV1(path: string, data: unknown[]): Promise<unknown[]>;
  exchanges: ApiExchange[];
  auth: ApiAuth;
}

const MAX_ATTEMPTS = 8;
const MAX_PAGES = 200;
const V2_PAGE_SIZE = 100;

/** The next-page token of a response in any of the shapes public clients accept, or undefined. */
export function nextPageToken(body: unknown): string | undefined {
  const meta = (body as { meta?: Record<string, unknown> } | undefined)?.meta;
  const pagination = meta?.pagination as Record<string, unknown> | undefined;
  const candidates = [meta?.nextPage, meta?.nextPageToken, pagination?.next, pagination?.nextPage, pagination?.nextPageToken, (body as Record<string, unknown> | undefined)?.['@nextPage']];
  const token = candidates.find((t) => typeof t === 'string' && t !== '');
  return token as string | undefined;
}

/** Error list of a v1 envelope's fail[] as one line, or undefined when there is none. */
export function failText(body: unknown): string | undefined {
  const fail = (body as { fail?: unknown } | undefined)?.fail;
  if (!Array.isArray(fail) || fail.length === 0) return undefined;
  const errors = fail.flatMap((f: { errors?: { code?: string; message?: string }[] }) => f.errors ?? []);
  return errors.length > 0 ? errors.map((e) => `${e.code ?? 'error'}: ${e.message ?? ''}`.trim()).join('; ') : JSON.stringify(fail).slice(0, 300);
}

/** Milliseconds to wait after a 429: X-RateLimit-Reset is in ms (vendor docs), Retry-After in seconds (RFC 9110 §10.2.3). */
export function rateLimitWaitMs(headers: Record<string, string>): number {
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset >= 0) return reset;
  const after = Number(headers['retry-after']);
  if (Number.isFinite(after) && after >= 0) return after * 1000;
  return 1000;
}

function parse(res: HttpResponse): unknown {
  try {
    return res.text === '' ? {} : JSON.parse(res.text);
  } catch {
    return { unparsed: res.text.slice(0, 2000) };
  }
}

export function createMimecastClient(opts: ClientOptions): MimecastClient {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const tls = tlsOptions({ host: new URL(opts.api.baseUrl).hostname, tls: opts.api.tls });
  const auth = createApiAuth(opts.api, { secrets: opts.secrets, now, tls, timeoutMs });
  const exchanges: ApiExchange[] = [];
  const base = opts.api.baseUrl.replace(/\/$/, '');

  const keep = (request: string, status: number, body: unknown) => {
    exchanges.push({ request, status, at: new Date(now()).toISOString(), response: JSON.parse(opts.secrets.redact(JSON.stringify(body ?? null))) as unknown });
  };

  const call: MimecastClient['call'] = async (method, path, o = {}) => {
    assertReadEndpoint(method, path);
    const qs = o.query ? `?${new URLSearchParams(o.query).toString()}` : '';
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const label = `${method} ${path}${qs}${payload ? ` ${payload}` : ''}`;
    let waitedMs = 0;
    let retried401 = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const headers = { ...(await auth.headers(path)), ...(payload ? { 'content-type': 'application/json' } : {}) };
      const res = await sendHttp({ url: `${base}${path}${qs}`, method, headers, ...(payload ? { body: payload } : {}), tls, timeoutMs });
      const body = parse(res);
      keep(label, res.status, body);
      if (res.status === 401 && !retried401) {
        // The token may have been revoked or expired early: one fresh token, one more try.
        retried401 = true;
        auth.invalidate();
        continue;
      }
      if (res.status === 429) {
        const wait = rateLimitWaitMs(res.headers);
        if (waitedMs + wait > opts.api.maxRateLimitWaitSeconds * 1000) break;
        opts.logger.info('gateway API rate limit: waiting for the reset', { path, waitMs: wait });
        waitedMs += wait;
        await sleep(wait);
        continue;
      }
      if (res.status >= 500 && attempt < 3) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      return checked(res.status, body, path, auth);
    }
    throw new MailflowError('ETIMEOUT', `gateway API ${path}: still refused after ${MAX_ATTEMPTS} attempts (rate limit waits ${waitedMs} ms of at most ${opts.api.maxRateLimitWaitSeconds * 1000})`, { path: 'gateway.api.maxRateLimitWaitSeconds' });
  };

  const listV2: MimecastClient['listV2'] = async (path, keys) => {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
      const body = (await call('GET', path, { query: { pageSize: String(V2_PAGE_SIZE), ...(token ? { pageToken: token } : {}) } })) as Record<string, unknown>;
      const key = keys.find((k) => Array.isArray(body[k]));
      if (key === undefined) throw new MailflowError('EPROTOCOL', `gateway API ${path}: no ${keys.join(' or ')} list in the response`);
      items.push(...(body[key] as unknown[]));
      token = nextPageToken(body);
      // A repeated token would loop for ever: stop (TF-provider does the same).
      if (!token || seen.has(token)) return items;
      seen.add(token);
    }
    throw tooManyPages(path);
  };

  const listV1: MimecastClient['listV1'] = async (path, data) => {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
      const body = (await call('POST', path, { body: { meta: { pagination: { pageSize: V2_PAGE_SIZE, ...(token ? { pageToken: token } : {}) } }, data } })) as { data?: unknown[] };
      items.push(...(body.data ?? []));
      token = nextPageToken(body);
      if (!token || seen.has(token)) return items;
      seen.add(token);
    }
    throw tooManyPages(path);
  };

  return { call, listV2, listV1, exchanges, auth };
}

/** A list still going after MAX_PAGES is an error: a partial list would make missing entries look absent. */
function tooManyPages(path: string): MailflowError {
  return new MailflowError('EPROTOCOL', `gateway API ${path}: still more pages after ${MAX_PAGES} pages of ${V2_PAGE_SIZE}; the list was not read to the end`, { expected: `at most ${MAX_PAGES} pages` });
}

function checked(status: number, body: unknown, path: string, auth: ApiAuth): unknown {
  const fail = failText(body);
  if (status === 401 || status === 403 || status === 418) {
    // 418 is the vendor's "binding expired" for API 1.0 keys.
    const what = status === 403 ? 'lacks the role permission for' : status === 418 ? 'has an expired binding for' : 'was refused by';
    throw new MailflowError('EAUTH', `gateway API: ${auth.describe} ${what} ${path} (HTTP ${status}${fail ? `: ${fail}` : ''})`, { path: 'gateway.api.auth', responseCode: status });
  }
  if (status !== 200) throw new MailflowError('EPROTOCOL', `gateway API ${path}: HTTP ${status}${fail ? `: ${fail}` : ''}`, { responseCode: status });
  // HTTP 200 does not mean success on this API: fail[] carries the errors (vendor response-code guide).
  if (fail) throw new MailflowError('EPROTOCOL', `gateway API ${path}: answered 200 with errors: ${fail}`, { responseCode: status });
  return body;
}
