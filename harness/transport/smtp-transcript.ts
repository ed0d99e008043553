/**
 * Captures an SMTP session as TranscriptLine[] through nodemailer's bunyan-style
 * logger. With `transactionLog: true` smtp-connection logs every command it sends
 * (tnx 'client', AUTH already masked by nodemailer) and every reply (tnx 'server');
 * its info/warn/error lines (connect, STARTTLS upgrade, close) become '*' lines.
 */
import { format } from 'node:util';
import type { TranscriptLine } from '../plan/probe-types.ts';

/** Longest line kept; a hostile server cannot blow up the evidence. */
const MAX_LINE = 2000;
/** Most lines kept per attempt. */
const MAX_LINES = 500;

export interface TranscriptRecorder {
  lines: TranscriptLine[];
  /** Pass as nodemailer's `logger` option. */
  logger: Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (...args: unknown[]) => void>;
}

/** A recorder whose every line goes through `redact` before it is stored. */
export function transcriptRecorder(redact: (text: string) => string, now: () => number = Date.now): TranscriptRecorder {
  const started = now();
  const lines: TranscriptLine[] = [];
  const push = (dir: TranscriptLine['dir'], text: string) => {
    if (lines.length >= MAX_LINES) return;
    for (const one of text.split(/\r?\n/)) {
      if (one.length === 0 || lines.length >= MAX_LINES) continue;
      const clipped = one.length > MAX_LINE ? `${one.slice(0, MAX_LINE)}…` : one;
      lines.push({ t: now() - started, dir, line: redact(clipped) });
    }
  };
  const entry = (level: string) => (...args: unknown[]) => {
    const data = typeof args[0] === 'object' && args[0] !== null ? (args.shift() as { tnx?: unknown }) : {};
    const text = format(...(args as [unknown, ...unknown[]]));
    if (data.tnx === 'client') push('C', text);
    else if (data.tnx === 'server') push('S', text);
    // debug lines besides the transaction are nodemailer's chatter, not the session
    else if (level !== 'debug' && level !== 'trace') push('*', text);
  };
  return {
    lines,
    logger: { trace: entry('trace'), debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error'), fatal: entry('fatal') },
  };
}

/**
 * Hides any SASL payload nodemailer's masking would not: everything after the
 * mechanism on an AUTH line, and bare base64 continuation lines sent during AUTH
 * (RFC 4954 §4). Used on top of SecretStore.redact.
 */
export function redactAuthLines(lines: TranscriptLine[]): TranscriptLine[] {
  let inAuth = false;
  return lines.map((l) => {
    if (l.dir === 'C') {
      const auth = /^(AUTH\s+\S+)(\s.*)?$/i.exec(l.line);
      if (auth) {
        inAuth = true;
        return auth[2] ? { ...l, line: `${auth[1]} [redacted]` } : l;
      }
      if (inAuth) return { ...l, line: '[redacted]' };
    } else if (l.dir === 'S' && inAuth && !/^334[ -]/.test(l.line)) {
      inAuth = false;
    }
    return l;
  });
}
