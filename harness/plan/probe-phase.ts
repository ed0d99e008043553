/**
 * Sends every probe once and waits for each, so that every case that reads a
 * probe reuses it (DESIGN.md "The plan as vitest tests"). All probes go out
 * concurrently; arrival is noticed by IMAP IDLE on one shared connection per
 * mailbox, and a bounce (RFC 3464 DSN) in the sender's mailbox ends the wait
 * for its probe early, with the reason.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDsn, readDsn, type DsnReport } from '../analysis/dsn.ts';
import type { Config, Endpoint, ProbeFormat, Sender } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { errorMessage, isMailflowError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createMailboxWatcher, type MailboxWatcher } from '../mailbox/mailbox-watcher.ts';
import { buildProbe } from '../transport/probe-message.ts';
import { sendProbe } from '../transport/send-probe.ts';
import type { Delivery, ProbeRecord, Submission } from './probe-types.ts';

export interface ProbePhaseOptions {
  config: Config;
  secrets: SecretStore;
  runId: string;
  runDir: string;
  logger: Logger;
  /** Formats to send; default: config.probes.formats. */
  formats?: ProbeFormat[];
}

interface PlannedProbe {
  domain: string;
  format: ProbeFormat;
  sender: Sender | undefined;
  /** Index of the sender in config.senders, -1 when the domain has none. */
  senderIndex: number;
}

type Found = { kind: 'message' | 'dsn'; raw: string; source: Buffer; seenAt: number; duplicates: number };
type Wait = Found | undefined;
type WatchError = NonNullable<Delivery['bounceWatchError']>;
/** The sender's mailbox as a bounce source: `key` names it in messages (`senders[0].imap (user@host:port)`). */
type BounceWatch = { key: string; watcher?: MailboxWatcher; error?: WatchError };

export function planProbes(config: Config, formats: ProbeFormat[]): PlannedProbe[] {
  return config.domains.flatMap((d) => {
    const senderIndex = config.senders.findIndex((s) => s.address.toLowerCase().endsWith(`@${d.name.toLowerCase()}`));
    return formats.map((format) => ({ domain: d.name, format, sender: config.senders[senderIndex], senderIndex }));
  });
}

export async function runProbePhase(opts: ProbePhaseOptions): Promise<ProbeRecord[]> {
  const { config, secrets, logger } = opts;
  const planned = planProbes(config, opts.formats ?? config.probes.formats);
  const evidenceDir = path.join(opts.runDir, 'evidence');
  await mkdir(evidenceDir, { recursive: true });
  const watchers = await openWatchers(config, secrets, planned, logger);
  try {
    return await Promise.all(planned.map((p) => runOne(p, opts, watchers, evidenceDir)));
  } finally {
    await Promise.allSettled([...watchers.values()].map(async (w) => (await w)?.close()));
  }
}

function endpointKey(e: Endpoint): string {
  return `${e.host}:${e.port}:${e.auth?.user ?? ''}`;
}

/** `user at host:port` (or `host:port`): names the account without any secret. */
export function accountOf(e: Endpoint): string {
  return `${e.auth ? `${e.auth.user} at ` : ''}${e.host}:${e.port}`;
}

function codedError(err: unknown, secrets: SecretStore): { code: string; message: string } {
  return { code: isMailflowError(err) ? err.code : 'EINTERNAL', message: secrets.redact(errorMessage(err)) };
}

type WatcherResult = MailboxWatcher | { error: { code: string; message: string } };
type Watchers = Awaited<ReturnType<typeof openWatchers>>;

/** One watcher per distinct mailbox: the recipient's, and each sender's (for bounces). */
async function openWatchers(config: Config, secrets: SecretStore, planned: PlannedProbe[], logger: Logger) {
  const watchers = new Map<string, Promise<MailboxWatcher | undefined>>();
  const results = new Map<string, WatcherResult>();
  const open = (e: Endpoint) => {
    const key = endpointKey(e);
    if (watchers.has(key)) return;
    const p = createMailboxWatcher(e, secrets, { logger, connectTimeoutMs: config.timeouts.connectSeconds * 1000 }).then(
      (w) => (results.set(key, w), w),
      (err: unknown) => {
        results.set(key, { error: codedError(err, secrets) });
        return undefined;
      },
    );
    watchers.set(key, p);
  };
  open(config.recipient.imap);
  for (const p of planned) if (p.sender?.imap) open(p.sender.imap);
  await Promise.all(watchers.values());
  return Object.assign(watchers, { results });
}

/** The sender's bounce watcher, or why there is none (a mailbox that could not be opened is not silence). */
async function senderWatch(p: PlannedProbe, watchers: Watchers): Promise<BounceWatch> {
  const imap = p.sender?.imap;
  if (!imap) return { key: '' };
  const key = `senders[${p.senderIndex}].imap (${accountOf(imap)})`;
  const watcher = await watchers.get(endpointKey(imap));
  if (watcher) return { key, watcher };
  const failure = watchers.results.get(endpointKey(imap));
  const error = failure && 'error' in failure ? failure.error : { code: 'EINTERNAL', message: 'mailbox not opened' };
  return { key, error: { key, ...error } };
}

async function runOne(p: PlannedProbe, opts: ProbePhaseOptions, watchers: Watchers, evidenceDir: string): Promise<ProbeRecord> {
  const { config } = opts;
  const id = `${p.domain}-${p.format}`;
  const to = config.recipient.address;
  const from = p.sender?.address ?? `(no sender for ${p.domain})`;
  const built = buildProbe({ from, to, domain: p.domain, format: p.format, subjectPrefix: config.probes.subjectPrefix, runId: opts.runId });
  const who = p.sender ? { senderKey: `senders[${p.senderIndex}]`, senderAccount: accountOf(p.sender.smtp) } : {};
  const base = { id, token: built.token, domain: p.domain, format: p.format, from, to, messageId: built.messageId, subject: built.subject, ...who };
  const unsent = { accepted: false, attempts: [] };
  if (!p.sender) {
    return { ...base, submission: unsent, delivery: { status: 'not-sent', duplicates: 0, error: { code: 'ECONFIG', message: `no sender configured for ${p.domain} (add one to senders[])` } } };
  }
  const recipientKey = endpointKey(config.recipient.imap);
  const recipientWatcher = await watchers.get(recipientKey);
  if (!recipientWatcher) {
    const failure = watchers.results.get(recipientKey);
    const error = failure && 'error' in failure ? failure.error : { code: 'EINTERNAL', message: 'recipient mailbox not opened' };
    return { ...base, submission: unsent, delivery: { status: 'error', duplicates: 0, error } };
  }
  const bounces = await senderWatch(p, watchers);
  const outcome = await sendAndWait({ sender: p.sender, token: built.token, mail: built.mail, recipientWatcher, bounces, opts });
  const watchError = outcome.bounceWatchError ?? bounces.error;
  const extra = { ...(watchError ? { bounceWatchError: watchError } : {}), ...(await keepNotices(bounces.watcher, built.token, id, evidenceDir)) };
  if ('delivery' in outcome) return { ...base, submission: outcome.submission, delivery: { ...outcome.delivery, ...extra } };
  const delivery = await toDelivery(outcome.found, id, outcome.acceptedAt, evidenceDir);
  return { ...base, submission: outcome.submission, delivery: { ...delivery, ...extra } };
}

interface SendAndWait {
  sender: Sender;
  token: string;
  mail: ReturnType<typeof buildProbe>['mail'];
  recipientWatcher: MailboxWatcher;
  bounces: BounceWatch;
  opts: ProbePhaseOptions;
}

type SendOutcome =
  | { submission: Submission; delivery: Delivery; bounceWatchError?: WatchError }
  | { submission: Submission; found: Wait; acceptedAt: number; bounceWatchError?: WatchError };

/** Listens first (a fast route must not deliver before anyone listens), then submits, then waits for the message or a bounce. */
async function sendAndWait(w: SendAndWait): Promise<SendOutcome> {
  const { config, secrets } = w.opts;
  const deadline = Date.now() + config.timeouts.deliverySeconds * 1000;
  const abort = new AbortController();
  let bounceWatchError: WatchError | undefined;
  const keep = (e?: WatchError) => (e ? { bounceWatchError: e } : {});
  const message = w.recipientWatcher.waitFor({ token: w.token, kind: 'message' }, deadline, abort.signal).then((r) => r && { kind: 'message' as const, ...r });
  const bounce = w.bounces.watcher
    ? w.bounces.watcher.waitFor({ token: w.token, kind: 'dsn' }, deadline, abort.signal).then(
        (r) => r && { kind: 'dsn' as const, ...r },
        (err: unknown) => {
          // A sender mailbox lost mid-wait: the message may still arrive, but a bounce could not be seen.
          if (!abort.signal.aborted) bounceWatchError = { key: w.bounces.key, ...codedError(err, secrets) };
          return undefined;
        },
      )
    : Promise.resolve(undefined);
  const waits: Promise<Wait>[] = [message, bounce];
  const stop = async () => {
    abort.abort();
    await Promise.allSettled(waits);
  };
  let submission: Submission;
  try {
    submission = await sendProbe(w.sender.smtp, secrets, w.mail, { retries: config.timeouts.submitRetries, connectTimeoutMs: config.timeouts.connectSeconds * 1000, logger: w.opts.logger });
  } catch (err) {
    // A harness fault before any attempt (an unresolvable secret, an OAuth token refused): ERROR, with its code.
    await stop();
    return { submission: { accepted: false, attempts: [] }, delivery: { status: 'not-sent', duplicates: 0, error: codedError(err, secrets) } };
  }
  if (!submission.accepted) {
    await stop();
    return { submission, delivery: { status: 'not-sent', duplicates: 0 }, ...keep(bounceWatchError) };
  }
  const acceptedAt = Date.now();
  const first = await firstDefined(waits);
  await stop();
  if (first.value === undefined && first.errors.length > 0) {
    // The recipient's mailbox watch itself failed (reconnects exhausted, login refused): we could not tell.
    return { submission, delivery: { status: 'error', duplicates: 0, error: codedError(first.errors[0], secrets) }, ...keep(bounceWatchError) };
  }
  return { submission, found: first.value, acceptedAt, ...keep(bounceWatchError) };
}

/** Delay and success notices about the probe: kept as evidence, never counted as its bounce. */
async function keepNotices(watcher: MailboxWatcher | undefined, token: string, id: string, evidenceDir: string): Promise<Pick<Delivery, 'notices'>> {
  const found = watcher?.notices(token) ?? [];
  const notices: DsnReport[] = [];
  for (const [i, n] of found.slice(0, 10).entries()) {
    const file = `${id}-notice-${i + 1}.eml`;
    await writeFile(path.join(evidenceDir, file), n.source);
    const dsn = readDsn(n.raw);
    if (dsn) notices.push({ ...dsn, evidenceFile: `evidence/${file}` });
  }
  return notices.length > 0 ? { notices } : {};
}

/** A wait's outcome as a Delivery, its message (or bounce) written byte for byte to `evidenceDir`. */
export async function toDelivery(first: Wait, id: string, acceptedAt: number, evidenceDir: string): Promise<Delivery> {
  if (!first) return { status: 'timeout', duplicates: 0 };
  const common = { detectedAt: new Date(first.seenAt).toISOString(), latencyMs: first.seenAt - acceptedAt, duplicates: first.duplicates };
  if (first.kind === 'message') {
    const evidenceFile = `evidence/${id}.eml`;
    // The bytes as fetched: the evidence file must be the message, not a re-encoding of it.
    await writeFile(path.join(evidenceDir, `${id}.eml`), first.source);
    return { status: 'delivered', raw: first.raw, source: first.source, evidenceFile, ...common };
  }
  const dsnFile = `evidence/${id}-dsn.eml`;
  await writeFile(path.join(evidenceDir, `${id}-dsn.eml`), first.source);
  const dsn = await parseDsn(first.raw);
  return { status: 'bounced', ...common, ...(dsn ? { dsn: { ...dsn, evidenceFile: dsnFile } } : {}) };
}

/**
 * The first promise to resolve with a value; once all have settled without
 * one, undefined together with whatever errors they rejected with.
 */
function firstDefined<T>(promises: Promise<T | undefined>[]): Promise<{ value: T | undefined; errors: unknown[] }> {
  return new Promise((resolve) => {
    const errors: unknown[] = [];
    let pending = promises.length;
    const settle = () => {
      if (--pending === 0) resolve({ value: undefined, errors });
    };
    if (pending === 0) resolve({ value: undefined, errors });
    for (const p of promises) {
      p.then(
        (v) => (v !== undefined ? resolve({ value: v, errors }) : settle()),
        (e: unknown) => {
          errors.push(e);
          settle();
        },
      );
    }
  });
}
