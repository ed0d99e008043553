/** What the probe phase records for each probe; cases read these (DESIGN.md "The plan as vitest tests"). */
import type { DsnReport } from '../analysis/dsn.ts';
import type { ProbeFormat } from '../config/schema.ts';

export interface TranscriptLine {
  /** ms since the start of the attempt */
  t: number;
  dir: 'C' | 'S' | '*';
  line: string;
}

export interface SubmissionAttempt {
  startedAt: string;
  ok: boolean;
  /** Final reply of the submission server, e.g. "250 2.0.0 Ok: queued as ABC". */
  response?: string;
  responseCode?: number;
  error?: { code: string; message: string };
  transcript: TranscriptLine[];
}

export interface Submission {
  accepted: boolean;
  attempts: SubmissionAttempt[];
}

/** The DSN type lives with its parser (analysis/ imports nothing from plan/). */
export type { DsnReport } from '../analysis/dsn.ts';

export type DeliveryStatus = 'delivered' | 'bounced' | 'timeout' | 'not-sent' | 'error';

export interface Delivery {
  status: DeliveryStatus;
  /** When the harness saw the message (or the DSN) in a mailbox. */
  detectedAt?: string;
  /** From submission accepted to detection, ms. */
  latencyMs?: number;
  /** Raw delivered message, as fetched over IMAP, decoded as UTF-8 for reading headers. */
  raw?: string;
  /**
   * The same message byte for byte: what the evidence file holds and what
   * DKIM is re-verified on (an 8bit body re-encoded would fail its body hash).
   */
  source?: Uint8Array;
  /** Evidence file with the raw message, relative to the run folder. */
  evidenceFile?: string;
  /** Further copies with the same token: recorded, never counted as another probe. */
  duplicates: number;
  dsn?: DsnReport;
  /** Delay and success notices (RFC 3464 action delayed/relayed/delivered): evidence, never a bounce. */
  notices?: DsnReport[];
  error?: { code: string; message: string };
  /**
   * The sender's mailbox, where a bounce would arrive, could not be read: a
   * probe that then times out is an ERROR (we could not tell), not a FAIL.
   */
  bounceWatchError?: { key: string; code: string; message: string };
}

export interface ProbeRecord {
  id: string;
  /** Correlation token, in the X-Mailflow-Probe header and the subject. */
  token: string;
  domain: string;
  format: ProbeFormat;
  from: string;
  to: string;
  messageId: string;
  subject: string;
  /** Which configured sender sent it, for messages that must name the account: `senders[0]`. */
  senderKey?: string;
  /** `user at host:port` of that sender's submission endpoint (no secret). */
  senderAccount?: string;
  submission: Submission;
  delivery: Delivery;
}

/** One message of MAN15's conversation, fetched from the mailbox it was delivered to. */
export interface ReplyLeg {
  /** original: internal → external; reply: external → internal; second-reply: internal → external again. */
  leg: 'original' | 'reply' | 'second-reply';
  from: string;
  to: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  /** Address of the mailbox the leg was read from over IMAP. */
  mailbox: string;
  submission?: Submission;
  delivery: Delivery;
}

/** A reply chain per sending domain (and format): the evidence MAN15 and MAN09 read. */
export interface ReplyChainRecord {
  domain: string;
  format: ProbeFormat;
  legs: ReplyLeg[];
  /** Why the chain stopped early, when it did. */
  stoppedBecause?: string;
  /** True when it stopped because the harness broke (not the route): its cases are ERROR. */
  broken?: boolean;
}

/** Codes that mean the harness could not submit (credentials, TLS, network, config), not that the route refused. */
const HARNESS_CODES: ReadonlySet<string> = new Set(['EAUTH', 'ETLS', 'ECONNECTION', 'ETIMEDOUT', 'ETIMEOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'ECONFIG', 'ESECRET', 'EINTERNAL']);

/** True when a not-sent probe failed for a reason on our side (DESIGN.md: bad credentials or unreachable host = ERROR). */
export function isHarnessCode(code: string | undefined): boolean {
  return code !== undefined && HARNESS_CODES.has(code);
}
