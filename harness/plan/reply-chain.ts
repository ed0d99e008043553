/**
 * MAN15's conversations, one per (domain, format): the outbound probe as
 * delivered is the original leg; the external user replies quoting it,
 * through the provider's submission (recipient.smtp), and the reply is
 * fetched from the internal mailbox; the internal user replies again, quoting
 * that, through the customer's route, and it is fetched from the external
 * mailbox. Every chain runs at once; arrivals are noticed by IMAP IDLE on one
 * shared connection per mailbox (the probe phase's watcher), and a bounce in
 * the sending side's mailbox ends a leg's wait early.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config, Endpoint, ProbeFormat, Sender } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { errorMessage, isMailflowError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createMailboxWatcher, type MailboxWatcher, type WatchResult } from '../mailbox/mailbox-watcher.ts';
import { probeToken } from '../transport/probe-message.ts';
import { sendProbe } from '../transport/send-probe.ts';
import { toDelivery } from './probe-phase.ts';
import type { Collector } from './collectors.ts';
import { REPLY_CHAIN_CASES } from './plan-catalogue.ts';
import type { ProbeRecord, ReplyChainRecord, ReplyLeg } from './probe-types.ts';
import { buildReply, internalStyle, msgIds, parseParent, type BuiltReply } from './reply-chain-message.ts';

export interface ReplyChainOptions {
  config: Config;
  secrets: SecretStore;
  runId: string;
  runDir: string;
  logger: Logger;
  /** The probes already sent: each chain's original leg. */
  probes: readonly ProbeRecord[];
}

type Watchers = Map<string, Promise<MailboxWatcher | { error: { code: string; message: string } }>>;

const REPLY_WORDS = ['Thanks, received. We will confirm the figures by Friday.', 'Best regards,', 'Bob'];
const SECOND_WORDS = ['Thank you, Bob. Noted on our side.', 'Kind regards,', 'Alice'];

function endpointKey(e: Endpoint): string {
  return `${e.host}:${e.port}:${e.auth?.user ?? ''}`;
}

function errorInfo(err: unknown, secrets: SecretStore): { code: string; message: string } {
  return { code: isMailflowError(err) ? err.code : 'EINTERNAL', message: secrets.redact(errorMessage(err)) };
}

function openWatchers(opts: ReplyChainOptions, endpoints: Endpoint[]): Watchers {
  const watchers: Watchers = new Map();
  for (const e of endpoints) {
    const key = endpointKey(e);
    if (watchers.has(key)) continue;
    watchers.set(key, createMailboxWatcher(e, opts.secrets, { logger: opts.logger, connectTimeoutMs: opts.config.timeouts.connectSeconds * 1000 })
      .catch((err: unknown) => ({ error: errorInfo(err, opts.secrets) })));
  }
  return watchers;
}

async function watcherFor(watchers: Watchers, e: Endpoint): Promise<MailboxWatcher | { error: { code: string; message: string } }> {
  return (await watchers.get(endpointKey(e))) ?? { error: { code: 'EINTERNAL', message: `mailbox ${e.host} not opened` } };
}

/** Every (domain, format) chain of the run. */
export async function runReplyChains(opts: ReplyChainOptions): Promise<ReplyChainRecord[]> {
  const { config } = opts;
  await mkdir(path.join(opts.runDir, 'evidence'), { recursive: true });
  const planned = config.domains.flatMap((d) => {
    const sender = config.senders.find((s) => s.address.toLowerCase().endsWith(`@${d.name.toLowerCase()}`));
    return config.probes.formats.map((format) => ({ domain: d.name, format, sender }));
  });
  const recipientSmtp = config.recipient.smtp;
  const needed = recipientSmtp ? [config.recipient.imap, ...planned.flatMap((p) => (p.sender?.imap ? [p.sender.imap] : []))] : [];
  const watchers = openWatchers(opts, needed);
  try {
    // Settle every chain before the watchers close: a chain that broke must not
    // close the mailboxes under the others (their waits would fail with "closed").
    const settled = await Promise.allSettled(planned.map((p) => runChain({ ...p, opts, watchers })));
    return settled.map((s, i) => (s.status === 'fulfilled' ? s.value : brokenChain(planned[i], s.reason)));
  } finally {
    await Promise.allSettled([...watchers.values()].map(async (w) => {
      const watcher = await w;
      if ('close' in watcher) await watcher.close();
    }));
  }
}

interface ChainInput {
  domain: string;
  format: ProbeFormat;
  sender: Sender | undefined;
  opts: ReplyChainOptions;
  watchers: Watchers;
}

/** A chain whose run threw (the harness broke, not the route): recorded with the reason, so its cases are ERROR/NOT_RUN, never lost. */
function brokenChain(p: { domain: string; format: ProbeFormat } | undefined, reason: unknown): ReplyChainRecord {
  return { domain: p?.domain ?? 'unknown', format: p?.format ?? 'text', legs: [], stoppedBecause: `the reply chain could not be run: ${errorMessage(reason)}`, broken: true };
}

function originalLeg(probe: ProbeRecord): ReplyLeg {
  const leg: ReplyLeg = { leg: 'original', from: probe.from, to: probe.to, messageId: probe.messageId, references: [], mailbox: probe.to, submission: probe.submission, delivery: probe.delivery };
  return probe.delivery.raw ? { ...leg, ...threading(probe.delivery.raw, probe.messageId) } : leg;
}

/** Message-ID, In-Reply-To and References as delivered (a hop that rewrites them breaks the thread). */
function threading(raw: string, fallbackId: string): Pick<ReplyLeg, 'messageId' | 'inReplyTo' | 'references'> {
  const parent = parseParent(raw);
  const header = raw.slice(0, Math.max(0, raw.search(/\r?\n\r?\n/)));
  const inReplyTo = msgIds(/^in-reply-to:(.*(?:\r?\n[ \t].*)*)/im.exec(header)?.[1])[0];
  return { messageId: parent.messageId ?? fallbackId, references: parent.references, ...(inReplyTo ? { inReplyTo } : {}) };
}

async function runChain(c: ChainInput): Promise<ReplyChainRecord> {
  const { config } = c.opts;
  const record: ReplyChainRecord = { domain: c.domain, format: c.format, legs: [] };
  const stop = (why: string) => ({ ...record, stoppedBecause: why });
  const probe = c.opts.probes.find((p) => p.domain === c.domain && p.format === c.format);
  if (!probe) return stop(`no ${c.format} probe was sent for ${c.domain}`);
  record.legs.push(originalLeg(probe));
  if (probe.delivery.status !== 'delivered' || !probe.delivery.raw) return stop(`the original (the ${c.format} probe) was not delivered: ${probe.delivery.status}`);
  if (!config.recipient.smtp) return stop('recipient.smtp is not configured: the external user cannot reply');
  if (!c.sender?.imap) return stop(`senders[].imap is not configured for ${c.domain}: the reply cannot be fetched`);
  const bob = { address: config.recipient.address, smtp: config.recipient.smtp, imap: config.recipient.imap };
  const alice = { address: c.sender.address, smtp: c.sender.smtp, imap: c.sender.imap };

  const reply = buildReply({ style: 'gmail', format: c.format, from: bob.address, to: alice.address, token: token(c.opts.runId), lines: REPLY_WORDS, parent: parseParent(probe.delivery.raw) });
  const replyLeg = await runLeg(c, 'reply', reply, bob, alice);
  record.legs.push(replyLeg);
  if (replyLeg.delivery.status !== 'delivered' || !replyLeg.delivery.raw) return stop(`the external user's reply was not delivered to ${alice.address}: ${replyLeg.delivery.status}`);

  const second = buildReply({ style: internalStyle(c.format), format: c.format, from: alice.address, to: bob.address, token: token(c.opts.runId), lines: SECOND_WORDS, parent: parseParent(replyLeg.delivery.raw) });
  const secondLeg = await runLeg(c, 'second-reply', second, alice, bob);
  record.legs.push(secondLeg);
  if (secondLeg.delivery.status !== 'delivered') return stop(`the internal user's second reply was not delivered to ${bob.address}: ${secondLeg.delivery.status}`);
  return record;
}

function token(runId: string): string {
  return probeToken(runId, () => randomBytes(6).toString('hex'));
}

interface Party {
  address: string;
  smtp: Endpoint;
  imap: Endpoint;
}

/** Sends one leg from `from` and waits for it in `to`'s mailbox (a bounce in `from`'s ends the wait). */
async function runLeg(c: ChainInput, leg: 'reply' | 'second-reply', built: BuiltReply, from: Party, to: Party): Promise<ReplyLeg> {
  const { config, secrets } = c.opts;
  const { token } = built;
  const base = { leg, from: from.address, to: to.address, messageId: built.messageId, references: [] as string[], mailbox: to.address };
  const [inbox, outbox] = await Promise.all([watcherFor(c.watchers, to.imap), watcherFor(c.watchers, from.imap)]);
  if ('error' in inbox) return { ...base, delivery: { status: 'error', duplicates: 0, error: inbox.error } };
  const deadline = Date.now() + config.timeouts.deliverySeconds * 1000;
  const abort = new AbortController();
  // Listen before sending: on a fast route the message can arrive before the submission's reply.
  const waits: Promise<Arrival>[] = [inbox.waitFor({ token, kind: 'message' }, deadline, abort.signal).then((r) => r && { kind: 'message' as const, ...r })];
  if (!('error' in outbox)) waits.push(outbox.waitFor({ token, kind: 'dsn' }, deadline, abort.signal).then((r) => r && { kind: 'dsn' as const, ...r }));
  // A wait can fail (mailbox closed) while the submission is still under way, before
  // firstArrival listens: mark it handled here; firstArrival still sees the failure.
  for (const w of waits) void w.catch(() => undefined);
  const submission = await sendProbe(from.smtp, secrets, built.mail, { retries: config.timeouts.submitRetries, connectTimeoutMs: config.timeouts.connectSeconds * 1000, logger: c.opts.logger });
  if (!submission.accepted) {
    abort.abort();
    await Promise.allSettled(waits);
    return { ...base, submission, delivery: { status: 'not-sent', duplicates: 0 } };
  }
  const acceptedAt = Date.now();
  const first = await firstArrival(waits);
  abort.abort();
  await Promise.allSettled(waits);
  if ('error' in first) return { ...base, submission, delivery: { status: 'error', duplicates: 0, error: errorInfo(first.error, secrets) } };
  const delivery = await toDelivery(first.arrival, `${c.domain}-${c.format}-${leg}`, acceptedAt, path.join(c.opts.runDir, 'evidence'));
  return { ...base, ...(delivery.status === 'delivered' && delivery.raw ? threading(delivery.raw, built.messageId) : {}), submission, delivery };
}

type Arrival = (WatchResult & { kind: 'message' | 'dsn' }) | undefined;

/** The first wait that found something; undefined when all timed out; the error when a mailbox failed and nothing came. */
function firstArrival(waits: Promise<Arrival>[]): Promise<{ arrival: Arrival } | { error: unknown }> {
  return new Promise((resolve) => {
    let pending = waits.length;
    let error: unknown;
    const settle = () => {
      if (--pending === 0) resolve(error !== undefined ? { error } : { arrival: undefined });
    };
    for (const w of waits) {
      w.then((a) => (a ? resolve({ arrival: a }) : settle()), (e: unknown) => {
        error ??= e;
        settle();
      });
    }
  });
}



/** The collector: runs after the probes, whose delivered messages it replies to. */
export const replyChainCollector: Collector = {
  name: 'reply-chains',
  cases: REPLY_CHAIN_CASES,
  async collect({ options, config, secrets, logger, context }) {
    return { replyChains: await runReplyChains({ config, secrets, runId: options.runId, runDir: options.runDir, logger, probes: context.probes }) };
  },
};
