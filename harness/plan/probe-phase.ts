/**
 * Sends every probe once and waits for each, so that every case that reads a
 * probe reuses it (DESIGN.md "The plan as vitest tests"). All probes go out
 * concurrently; arrival is noticed by IMAP IDLE on one shared connection per
 * mailbox, and a bounce (RFC 3464 DSN) in the sender's mailbox ends the wait
 * for its probe early, with the reason.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDsn } from '../analysis/dsn.ts';
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
}

type Wait = { kind: 'message' | 'dsn'; raw: string; seenAt: number; duplicates: number } | undefined;

export function planProbes(config: Config, formats: ProbeFormat[]): PlannedProbe[] {
  return config.domains.flatMap((d) => {
    const sender = config.senders.find((s) => s.address.toLowerCase().endsWith(`@${d.name.toLowerCase()}`));
    return formats.map((format) => ({ domain: d.name, format, sender }));
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

type WatcherResult = MailboxWatcher | { error: { code: string; message: string } };

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
        results.set(key, { error: { code: isMailflowError(err) ? err.code : 'EINTERNAL', message: secrets.redact(errorMessage(err)) } });
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

async function runOne(
  p: PlannedProbe,
  opts: ProbePhaseOptions,
  watchers: Awaited<ReturnType<typeof openWatchers>>,
  evidenceDir: string,
): Promise<ProbeRecord> {
  const { config, secrets } = opts;
  const id = `${p.domain}-${p.format}`;
  const to = config.recipient.address;
  const from = p.sender?.address ?? `(no sender for ${p.domain})`;
  const built = buildProbe({ from, to, domain: p.domain, format: p.format, subjectPrefix: config.probes.subjectPrefix, runId: opts.runId });
  const base = { id, token: built.token, domain: p.domain, format: p.format, from, to, messageId: built.messageId, subject: built.subject };
  const notSent = (submission: Submission, delivery: Partial<Delivery>): ProbeRecord => ({
    ...base,
    submission,
    delivery: { status: 'not-sent', duplicates: 0, ...delivery },
  });
  if (!p.sender) {
    return notSent({ accepted: false, attempts: [] }, { error: { code: 'ECONFIG', message: `no sender configured for ${p.domain} (add one to senders[])` } });
  }
  const recipientKey = endpointKey(config.recipient.imap);
  const recipientWatcher = await watchers.get(recipientKey);
  if (!recipientWatcher) {
    const failure = watchers.results.get(recipientKey);
    const error = failure && 'error' in failure ? failure.error : { code: 'EINTERNAL', message: 'recipient mailbox not opened' };
    return { ...base, submission: { accepted: false, attempts: [] }, delivery: { status: 'error', duplicates: 0, error } };
  }
  const senderWatcher = p.sender.imap ? await watchers.get(endpointKey(p.sender.imap)) : undefined;
  // Wait before sending: a fast route must not deliver before anyone listens.
  const deadline = Date.now() + config.timeouts.deliverySeconds * 1000;
  const abort = new AbortController();
  const waits: Promise<Wait>[] = [
    recipientWatcher.waitFor({ token: built.token, kind: 'message' }, deadline, abort.signal).then((r) => r && { kind: 'message' as const, ...r }),
  ];
  if (senderWatcher) {
    waits.push(senderWatcher.waitFor({ token: built.token, kind: 'dsn' }, deadline, abort.signal).then((r) => r && { kind: 'dsn' as const, ...r }));
  }
  const submission = await sendProbe(p.sender.smtp, secrets, built.mail, {
    retries: config.timeouts.submitRetries,
    connectTimeoutMs: config.timeouts.connectSeconds * 1000,
    logger: opts.logger,
  });
  if (!submission.accepted) {
    abort.abort();
    await Promise.allSettled(waits);
    return notSent(submission, {});
  }
  const acceptedAt = Date.now();
  const first = await firstDefined(waits);
  abort.abort();
  if (first.value === undefined && first.errors.length > 0) {
    // The mailbox watch itself failed (reconnects exhausted, login refused): we could not tell.
    const err = first.errors[0];
    const error = { code: isMailflowError(err) ? err.code : 'EINTERNAL', message: secrets.redact(errorMessage(err)) };
    return { ...base, submission, delivery: { status: 'error', duplicates: 0, error } };
  }
  return { ...base, submission, delivery: await toDelivery(first.value, id, acceptedAt, evidenceDir) };
}

async function toDelivery(first: Wait, id: string, acceptedAt: number, evidenceDir: string): Promise<Delivery> {
  if (!first) return { status: 'timeout', duplicates: 0 };
  const common = { detectedAt: new Date(first.seenAt).toISOString(), latencyMs: first.seenAt - acceptedAt, duplicates: first.duplicates };
  if (first.kind === 'message') {
    const evidenceFile = `evidence/${id}.eml`;
    await writeFile(path.join(evidenceDir, `${id}.eml`), first.raw);
    return { status: 'delivered', raw: first.raw, evidenceFile, ...common };
  }
  const dsnFile = `evidence/${id}-dsn.eml`;
  await writeFile(path.join(evidenceDir, `${id}-dsn.eml`), first.raw);
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
