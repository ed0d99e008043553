/**
 * Delivery status notifications (RFC 3464) found in the sender's mailbox.
 *
 * mailparser does not hand back the message/delivery-status part (it folds
 * it away with the text), so the multipart/report (RFC 6522) is split here:
 * only the top level, only a bounded number of parts, transfer encodings
 * decoded, nothing else interpreted.
 */
import { headerBlock, headerValues, splitMessage, type HeaderField } from './header-block.ts';

/** An RFC 3464 delivery status notification found in the sender's mailbox. */
export interface DsnReport {
  /** Reporting-MTA, e.g. "dns; mail.acme.test" */
  reportingMta?: string;
  subject?: string;
  from?: string;
  recipients: {
    finalRecipient?: string;
    /** RFC 3464 §2.3.3: failed, delayed, delivered, relayed or expanded (lowercased). */
    action?: string;
    status?: string;
    remoteMta?: string;
    diagnosticCode?: string;
  }[];
  /** Received lines of the returned original message (message/rfc822 or text/rfc822-headers). */
  originalReceived: string[];
  /** Evidence file with the DSN's raw source, relative to the run folder. */
  evidenceFile?: string;
}

/** Characters of a DSN read; real bounces carrying a whole message can be large, the fields we need are not. */
const MAX_RAW = 4 * 1024 * 1024;
const MAX_PARTS = 32;
const MAX_RECIPIENTS = 100;

interface Part { headers: HeaderField[]; body: string }

/** Content-Type value and one parameter (RFC 2045 §5.1), case-insensitive, quotes removed. */
export function contentType(value: string | undefined): { type: string; params: Record<string, string> } {
  const v = value ?? '';
  const type = (v.split(';')[0] ?? '').trim().toLowerCase();
  const params: Record<string, string> = {};
  const re = /;\s*([A-Za-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(v)) && n++ < 32) {
    const raw = m[2] ?? '';
    params[(m[1] ?? '').toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return { type, params };
}

function decodeQuotedPrintable(s: string): string {
  const bytes = Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return bytes.toString('utf8');
}

function decodeBody(headers: HeaderField[], body: string): string {
  const cte = (headerValues(headers, 'content-transfer-encoding')[0] ?? '').trim().toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** Top-level parts of a multipart body (RFC 2046 §5.1.1), bounded. */
function splitMultipart(body: string, boundary: string): Part[] {
  const delimiter = `--${boundary}`;
  const parts: Part[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  const flush = () => {
    if (!current || parts.length >= MAX_PARTS) return;
    const text = current.join('\n');
    const { head, body: partBody } = splitMessage(text);
    const startsWithBody = /^\r?\n/.test(text);
    const headers = startsWithBody ? [] : headerBlock(head);
    parts.push({ headers, body: decodeBody(headers, startsWithBody ? text.replace(/^\r?\n/, '') : partBody) });
  };
  for (const line of lines) {
    if (line.startsWith(delimiter)) {
      flush();
      if (line.slice(delimiter.length).startsWith('--')) { current = undefined; break; }
      current = [];
      continue;
    }
    current?.push(line);
  }
  flush();
  return parts;
}

/** Groups of `Name: value` fields separated by blank lines (RFC 3464 §2.1), unfolded. */
export function fieldGroups(text: string): Map<string, string>[] {
  const groups: Map<string, string>[] = [];
  for (const chunk of text.split(/\r?\n\s*\r?\n/).slice(0, MAX_RECIPIENTS + 1)) {
    if (!chunk.trim()) continue;
    const group = new Map<string, string>();
    // headerBlock reads up to the first empty line, which the split already removed.
    for (const f of headerBlock(`${chunk}\n\n`)) {
      const key = f.name.toLowerCase();
      if (!group.has(key)) group.set(key, f.value.replace(/\s+/g, ' ').trim());
    }
    if (group.size) groups.push(group);
  }
  return groups;
}

function recipientOf(group: Map<string, string>): DsnReport['recipients'][number] {
  const r: DsnReport['recipients'][number] = {};
  const set = (key: keyof typeof r, field: string) => { const v = group.get(field); if (v) r[key] = v; };
  set('finalRecipient', 'final-recipient');
  set('action', 'action');
  set('status', 'status');
  set('remoteMta', 'remote-mta');
  set('diagnosticCode', 'diagnostic-code');
  if (r.action) r.action = r.action.toLowerCase();
  return r;
}

const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);

/**
 * The DSN in raw, or undefined when raw is not a multipart/report with
 * report-type=delivery-status (RFC 6522 §3, RFC 3464 §2). Never throws.
 */
export async function parseDsn(raw: string): Promise<DsnReport | undefined> {
  await Promise.resolve(); // keeps the contract async should a streaming parser replace this
  return readDsn(raw);
}

/** As parseDsn, synchronously (the mailbox watcher classifies bounces as it scans). */
export function readDsn(raw: string): DsnReport | undefined {
  const text = raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw;
  const { body } = splitMessage(text);
  const top = headerBlock(text);
  const ct = contentType(headerValues(top, 'content-type')[0]);
  if (ct.type !== 'multipart/report' || (ct.params['report-type'] ?? '').toLowerCase() !== 'delivery-status') return undefined;
  const boundary = ct.params['boundary'];
  if (!boundary) return undefined;
  const parts = splitMultipart(body, boundary);
  const partType = (p: Part) => contentType(headerValues(p.headers, 'content-type')[0]).type;
  const status = parts.find((p) => STATUS_TYPES.has(partType(p)));
  if (!status) return undefined;
  const [perMessage, ...perRecipient] = fieldGroups(status.body);
  const report: DsnReport = { recipients: perRecipient.slice(0, MAX_RECIPIENTS).map(recipientOf), originalReceived: [] };
  const reportingMta = perMessage?.get('reporting-mta');
  if (reportingMta) report.reportingMta = reportingMta;
  const subject = headerValues(top, 'subject')[0];
  if (subject) report.subject = subject;
  const from = headerValues(top, 'from')[0];
  if (from) report.from = from.replace(/\s+/g, ' ');
  const original = parts.find((p) => ORIGINAL_TYPES.has(partType(p)));
  if (original) report.originalReceived = headerValues(headerBlock(original.body), 'received').map((v) => v.replace(/\s+/g, ' ')).slice(0, 100);
  return report;
}

/** The first recipient whose delivery failed (RFC 3464 §2.3.3 action=failed), if any. */
export function failedRecipient(dsn: DsnReport): DsnReport['recipients'][number] | undefined {
  return dsn.recipients.find((r) => r.action === 'failed');
}

/**
 * Does this bounce candidate say the message will not be delivered? An RFC 3464
 * DSN only when a recipient's action is `failed`: `delayed` is a warning that
 * the MTA is still trying, `delivered`/`relayed`/`expanded` are success notices
 * (§2.3.3), so none of those ends the wait for the probe. Another kind of
 * multipart/report (an RFC 8098 read receipt) is no bounce either; a plain
 * message from MAILER-DAEMON (pre-RFC 3464 MTAs) is taken as one.
 */
export function isFailureBounce(raw: string): boolean {
  const dsn = readDsn(raw);
  if (dsn) return failedRecipient(dsn) !== undefined;
  const ct = contentType(headerValues(headerBlock(raw.slice(0, 65536)), 'content-type')[0]);
  return ct.type !== 'multipart/report';
}
