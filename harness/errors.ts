/**
 * The one error type of the harness (STYLE.md §5). A thrown MailflowError means
 * the harness could not do its job (bad config, unreachable host, bad
 * credentials); a misbehaving environment is a verdict, never a throw (§4).
 */
export type ErrorCode =
  | 'ECONFIG' // configuration invalid: exit code 2
  | 'EUSAGE' // command line invalid: exit code 2
  | 'ESECRET' // a secret reference could not be resolved
  | 'ECONNECTION' // could not reach a host
  | 'ETLS' // TLS negotiation or certificate failure
  | 'EAUTH' // credentials refused
  | 'ETIMEOUT' // a deadline passed
  | 'EPROTOCOL' // a peer said something we cannot use
  | 'ELAB' // the embedded lab could not start
  | 'EINTERNAL';

export interface ErrorContext {
  /** File the problem is in, when it comes from a file. */
  file?: string;
  /** Key path inside that file, dotted: `senders.0.smtp.port`. */
  path?: string;
  /** What was expected there. */
  expected?: string;
  /** SMTP/IMAP command and reply, when it comes from a server. */
  command?: string;
  response?: string;
  responseCode?: number;
  [key: string]: unknown;
}

export class MailflowError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  /** For ECONFIG: every problem found, so they are reported at once (STYLE.md §6). */
  readonly issues: readonly string[];

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options: { cause?: unknown; issues?: readonly string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailflowError';
    this.code = code;
    this.context = context;
    this.issues = options.issues ?? [];
  }
}

export function isMailflowError(e: unknown): e is MailflowError {
  return e instanceof MailflowError;
}

/** A message for any thrown value, without stack noise. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
