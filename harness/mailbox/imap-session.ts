/**
 * Opens an authenticated IMAP session (imapflow) to a configured mailbox:
 * password or XOAUTH2, implicit TLS or mandatory STARTTLS, certificates verified
 * unless the config says otherwise. Failures become MailflowError EAUTH,
 * ECONNECTION or ETLS naming the host, so the report can say what to fix.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Endpoint } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { MailflowError, errorMessage, isMailflowError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { oauth2AccessToken } from '../transport/auth-options.ts';
import { isTlsFailureCode, tlsOptions } from '../transport/tls-options.ts';

export interface OpenImapOptions {
  logger?: Logger;
  connectTimeoutMs: number;
}

interface ImapError extends Error {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
}

/** A connected, authenticated imapflow client; the caller closes it. */
export async function openImap(endpoint: Endpoint, secrets: SecretStore, opts: OpenImapOptions): Promise<ImapFlow> {
  const logger = opts.logger ?? silentLogger;
  const { auth, hidden } = await imapAuth(endpoint, secrets);
  const redact = (s: string) => hidden.reduce((t, v) => t.split(v).join('[redacted]'), secrets.redact(s));
  const options: ImapFlowOptions = {
    host: endpoint.host,
    port: endpoint.port,
    // RFC 8314 §3: implicit TLS on 993; otherwise STARTTLS is mandatory unless security is 'none'.
    secure: endpoint.security === 'tls',
    doSTARTTLS: endpoint.security === 'starttls' ? true : endpoint.security === 'none' ? false : undefined,
    tls: tlsOptions(endpoint),
    connectionTimeout: opts.connectTimeoutMs,
    greetingTimeout: opts.connectTimeoutMs,
    logger: imapLogger(logger, redact),
    // The watcher decides when to IDLE; RFC 2177 §3 wants IDLE re-issued within 29 minutes
    // and NAT boxes forget quiet flows sooner, so imapflow restarts it every 4 minutes.
    disableAutoIdle: true,
    maxIdleTime: 4 * 60_000,
    // A probe body is small; refuse anything a hostile server might announce beyond this.
    maxLiteralSize: 64 * 1024 * 1024,
    maxResponseSize: 96 * 1024 * 1024,
  };
  if (auth !== undefined) options.auth = auth;
  const client = new ImapFlow(options);
  // imapflow emits 'error' once before closing; without a listener it would crash the process.
  client.on('error', (e: unknown) => logger.warn(`imap ${endpoint.host}:${endpoint.port}: ${redact(errorMessage(e))}`));
  try {
    await client.connect();
  } catch (e) {
    client.close();
    throw mapImapError(e, endpoint, redact);
  }
  return client;
}

async function imapAuth(endpoint: Endpoint, secrets: SecretStore): Promise<{ auth?: ImapFlowOptions['auth']; hidden: string[] }> {
  const auth = endpoint.auth;
  if (auth === undefined) return { hidden: [] };
  if (auth.type === 'password') return { auth: { user: auth.user, pass: secrets.reveal(auth.pass) }, hidden: [] };
  // A token fetched through the refresh flow is not in the SecretStore: redact it here.
  const accessToken = await oauth2AccessToken(auth, secrets, endpoint.host);
  return { auth: { user: auth.user, accessToken }, hidden: [accessToken] };
}

/** imapflow logs objects ({ msg, src, ... }); keep the text at debug, redacted, and nothing else. */
function imapLogger(logger: Logger, redact: (s: string) => string): NonNullable<ImapFlowOptions['logger']> {
  const text = (o: unknown) => {
    const e = (o ?? {}) as { msg?: unknown; src?: unknown; err?: unknown };
    const msg = typeof e.msg === 'string' ? e.msg : '';
    return redact(`${typeof e.src === 'string' ? `${e.src} ` : ''}${msg}${e.err ? ` (${errorMessage(e.err)})` : ''}`);
  };
  return {
    debug: (o: unknown) => logger.debug(`imap ${text(o)}`),
    info: (o: unknown) => logger.debug(`imap ${text(o)}`),
    warn: (o: unknown) => logger.warn(`imap ${text(o)}`),
    error: (o: unknown) => logger.warn(`imap ${text(o)}`),
  };
}

/** imapflow/node errors -> MailflowError with the host named and what to check. */
export function mapImapError(e: unknown, endpoint: Endpoint, redact: (s: string) => string = (s) => s): MailflowError {
  if (isMailflowError(e)) return e;
  const err = (e ?? {}) as ImapError;
  const where = `${endpoint.host}:${endpoint.port}`;
  const detail = redact(err.responseText ?? errorMessage(e));
  if (err.authenticationFailed) {
    const user = endpoint.auth?.user ?? '(no user)';
    return new MailflowError('EAUTH', `imap ${where}: login refused for ${user} (${detail}); check the credentials in auth`, { response: detail }, { cause: e });
  }
  if (err.tlsFailed || isTlsFailureCode(err.code)) {
    return new MailflowError('ETLS', `imap ${where}: TLS failed (${detail}); check security and tls.ca/caFile`, {}, { cause: e });
  }
  return new MailflowError('ECONNECTION', `imap ${where}: cannot connect (${detail})`, {}, { cause: e });
}
