/**
 * Submits one probe to the configured SMTP endpoint, one fresh connection per
 * attempt, recording each attempt's transcript. A refused probe is a result
 * (`accepted: false`), not an exception: only harness faults throw.
 */
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import pRetry from 'p-retry';
import type { Endpoint } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { isMailflowError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { Submission, SubmissionAttempt } from '../plan/probe-types.ts';
import { smtpAuthOptions } from './auth-options.ts';
import { redactAuthLines, transcriptRecorder } from './smtp-transcript.ts';
import { isTlsFailureCode, tlsOptions } from './tls-options.ts';

export interface SendProbeOptions {
  /** Further attempts after a transient failure (4xx, connection lost before the final reply). */
  retries: number;
  connectTimeoutMs: number;
  logger?: Logger;
  /** Source address to bind (the lab gives each MTA role its own loopback address). */
  localAddress?: string;
  /** First delay between attempts; doubles each time (default 1000 ms). */
  retryDelayMs?: number;
}

/**
 * RFC 5321 §4.5.3.2.6 lets a server take up to 10 minutes to answer the end of
 * DATA; gateways scanning content do take tens of seconds.
 */
const DATA_REPLY_TIMEOUT_MS = 10 * 60_000;

/** nodemailer codes for a connection that failed or went away without a reply; anything else (ETLS, EAUTH, EPROTOCOL...) would fail again the same way. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY']);

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  originalCode?: string;
}

class AttemptFailed extends Error {
  readonly transient: boolean;
  constructor(transient: boolean) {
    super(transient ? 'transient submission failure' : 'permanent submission failure');
    this.transient = transient;
  }
}

/** Sends `mail` (built once: same Message-ID and token on every attempt) and reports every attempt. */
export async function sendProbe(endpoint: Endpoint, secrets: SecretStore, mail: SendMailOptions, opts: SendProbeOptions): Promise<Submission> {
  const logger = opts.logger ?? silentLogger;
  // Resolved before the first attempt: a bad secret reference is a harness fault and throws here.
  const base = transportOptions(endpoint, secrets, opts);
  const attempts: SubmissionAttempt[] = [];
  try {
    await pRetry(
      async () => {
        const attempt = await attemptOnce(base, mail, secrets);
        attempts.push(attempt.record);
        if (!attempt.record.ok) throw new AttemptFailed(attempt.transient);
      },
      {
        retries: opts.retries,
        minTimeout: opts.retryDelayMs ?? 1000,
        factor: 2,
        shouldRetry: ({ error }) => error instanceof AttemptFailed && error.transient,
        onFailedAttempt: ({ attemptNumber, retriesLeft }) => {
          const last = attempts.at(-1);
          logger.warn(`submission to ${endpoint.host}:${endpoint.port} attempt ${attemptNumber} failed`, {
            response: last?.response,
            error: last?.error?.code,
            retriesLeft,
          });
        },
      },
    );
  } catch (e) {
    if (!(e instanceof AttemptFailed)) throw e;
  }
  return { accepted: attempts.at(-1)?.ok === true, attempts };
}

function transportOptions(endpoint: Endpoint, secrets: SecretStore, opts: SendProbeOptions): SMTPTransportOptions {
  const auth = smtpAuthOptions(endpoint.auth, secrets);
  const options: SMTPTransportOptions = {
    host: endpoint.host,
    port: endpoint.port,
    // RFC 8314: 'tls' is implicit TLS (465); 'starttls' must upgrade or fail, never fall back to plaintext.
    secure: endpoint.security === 'tls',
    requireTLS: endpoint.security === 'starttls',
    ignoreTLS: endpoint.security === 'none',
    tls: tlsOptions(endpoint),
    connectionTimeout: opts.connectTimeoutMs,
    greetingTimeout: opts.connectTimeoutMs,
    socketTimeout: Math.max(opts.connectTimeoutMs, DATA_REPLY_TIMEOUT_MS),
    transactionLog: true,
  };
  if (auth !== undefined) options.auth = auth;
  if (opts.localAddress !== undefined) options.localAddress = opts.localAddress;
  return options;
}

async function attemptOnce(base: SMTPTransportOptions, mail: SendMailOptions, secrets: SecretStore): Promise<{ record: SubmissionAttempt; transient: boolean }> {
  const startedAt = new Date().toISOString();
  const recorder = transcriptRecorder((s) => secrets.redact(s));
  const transport = nodemailer.createTransport({ ...base, logger: recorder.logger });
  try {
    const info = await transport.sendMail(mail);
    const record: SubmissionAttempt = { startedAt, ok: info.accepted.length > 0, transcript: redactAuthLines(recorder.lines) };
    addResponse(record, info.response);
    return { record, transient: false };
  } catch (e) {
    if (isMailflowError(e) || !(e instanceof Error)) throw e;
    const err = e as SmtpError;
    const record: SubmissionAttempt = {
      startedAt,
      ok: false,
      error: { code: errorCode(err), message: secrets.redact(err.message) },
      transcript: redactAuthLines(recorder.lines),
    };
    addResponse(record, err.response);
    return { record, transient: isTransient(err) };
  } finally {
    transport.close();
  }
}

function addResponse(record: SubmissionAttempt, response: string | undefined): void {
  if (typeof response !== 'string' || response.length === 0) return;
  record.response = response;
  const code = Number(/^(\d{3})/.exec(response)?.[1]);
  if (Number.isInteger(code)) record.responseCode = code;
}

/**
 * RFC 5321 §4.2.1: 4yz is a transient negative reply, 5yz permanent. With no reply
 * at all the connection failed before the server took the message (no 250 to the
 * final dot is ever retried: sendMail resolved then), so another attempt is safe;
 * the token makes a copy the server did keep count as a duplicate, not a new probe.
 */
function isTransient(err: SmtpError): boolean {
  const code = err.responseCode ?? Number(/^(\d{3})/.exec(err.response ?? '')?.[1]);
  if (Number.isInteger(code) && code > 0) return code >= 400 && code < 500;
  return errorCode(err) !== 'ETLS' && CONNECTION_CODES.has(err.code ?? '');
}

/** nodemailer reports a certificate refused on implicit TLS as ESOCKET; name it ETLS. */
function errorCode(err: SmtpError): string {
  if (err.code === 'ETLS' || isTlsFailureCode(err.originalCode)) return 'ETLS';
  return err.code ?? 'ECONNECTION';
}
