/** What the probe phase records for each probe; cases read these (DESIGN.md "The plan as vitest tests"). */
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

/** An RFC 3464 delivery status notification found in the sender's mailbox. */
export interface DsnReport {
  /** Reporting-MTA, e.g. "dns; mail.acme.test" */
  reportingMta?: string;
  subject?: string;
  from?: string;
  recipients: {
    finalRecipient?: string;
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

export type DeliveryStatus = 'delivered' | 'bounced' | 'timeout' | 'not-sent' | 'error';

export interface Delivery {
  status: DeliveryStatus;
  /** When the harness saw the message (or the DSN) in a mailbox. */
  detectedAt?: string;
  /** From submission accepted to detection, ms. */
  latencyMs?: number;
  /** Raw delivered message, as fetched over IMAP. */
  raw?: string;
  /** Evidence file with the raw message, relative to the run folder. */
  evidenceFile?: string;
  /** Further copies with the same token: recorded, never counted as another probe. */
  duplicates: number;
  dsn?: DsnReport;
  error?: { code: string; message: string };
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
}
