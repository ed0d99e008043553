/**
 * One IMAP connection per mailbox, shared by every probe waiting on it. It
 * SELECTs INBOX, examines each message once (headers first, full source only when
 * needed), then IDLEs (RFC 2177) so a new message is seen within milliseconds of
 * the server's EXISTS. Waits are promises settled by events plus one timer per
 * deadline; a dropped connection is re-opened and rescanned from the last UID.
 */
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { Endpoint } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import { MailflowError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { openImap } from './imap-session.ts';
import { isFailureBounce } from '../analysis/dsn.ts';
import { INDEX_HEADER_FIELDS, examineHeaders, isNoticeFor, matchKey, matches, type ExaminedMessage, type WatchMatch } from './message-index.ts';
import { reconnectDelay, Waiters, type WatchResult } from './watch-waiters.ts';

export type { WatchMatch } from './message-index.ts';
export type { WatchResult } from './watch-waiters.ts';

export interface MailboxWatcherOptions {
  logger?: Logger;
  connectTimeoutMs: number;
  /** Reconnects allowed before giving up (default 5); a connection that stays up 60 s earns the budget back. */
  maxReconnects?: number;
  /** Poll interval when the server does not advertise IDLE (default 5000 ms). */
  pollFallbackMs?: number;
  /** Largest source fetched per message (default 25 MiB); larger ones are cut. */
  maxMessageBytes?: number;
  /** Messages examined by the first scan, newest first (default 500): older ones predate any probe of this run. */
  initialScanLimit?: number;
}

export interface MailboxWatcher {
  /** First message (or DSN) carrying the token; undefined once `deadline` (epoch ms) passes. Rejects on abort or a lost mailbox. */
  waitFor(match: WatchMatch, deadline: number, signal?: AbortSignal): Promise<WatchResult | undefined>;
  /** Further copies of a token found so far (a copy that arrives later is counted here, never returned). */
  duplicates(match: WatchMatch): number;
  /** Delay and success notices (DSNs that report no failure) about a token, as fetched, oldest first. */
  notices(token: string): { raw: string; source: Buffer }[];
  /** Deletes messages by UID (probes after a run). UIDs from before a UIDVALIDITY change are skipped. */
  cleanup(uids: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

/** A connection lives this long before its failures stop counting against maxReconnects. */
const STABLE_MS = 60_000;

/** Opens the mailbox and starts watching; rejects (EAUTH/ECONNECTION/ETLS) if the first connection fails. */
export async function createMailboxWatcher(endpoint: Endpoint, secrets: SecretStore, opts: MailboxWatcherOptions): Promise<MailboxWatcher> {
  const watcher = new Watcher(endpoint, secrets, opts);
  await watcher.start();
  return watcher;
}

class Watcher implements MailboxWatcher {
  private readonly endpoint: Endpoint;
  private readonly secrets: SecretStore;
  private readonly opts: MailboxWatcherOptions;
  private readonly log: Logger;
  private readonly waiters: Waiters;
  private client: ImapFlow | undefined;
  private connectedAt = 0;
  private failedReconnects = 0;
  private lastUid = 0;
  private uidValidity: bigint | undefined;
  private readonly messages = new Map<number, ExaminedMessage>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(endpoint: Endpoint, secrets: SecretStore, opts: MailboxWatcherOptions) {
    this.endpoint = endpoint;
    this.secrets = secrets;
    this.opts = opts;
    this.log = opts.logger ?? silentLogger;
    this.waiters = new Waiters();
  }

  async start(): Promise<void> {
    await this.connect();
  }

  waitFor(match: WatchMatch, deadline: number, signal?: AbortSignal): Promise<WatchResult | undefined> {
    const promise = this.waiters.add(match, deadline, signal);
    this.enqueue((c) => this.settle(c));
    return promise;
  }

  duplicates(match: WatchMatch): number {
    return this.waiters.duplicates(match);
  }

  notices(token: string): { raw: string; source: Buffer }[] {
    return [...this.messages.values()]
      .filter((m) => isNoticeFor(m, token))
      .sort((a, b) => a.uid - b.uid)
      .map((m) => ({ raw: m.raw ?? '', source: m.source ?? Buffer.alloc(0) }));
  }

  async cleanup(uids: readonly number[]): Promise<void> {
    const current = uids.filter((u) => this.messages.has(u));
    if (current.length === 0) return;
    await this.run((c) => c.messageDelete(current, { uid: true }).then(() => undefined));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    this.waiters.failAll(new MailflowError('EINTERNAL', `mailbox watcher for ${this.endpoint.host} closed while a probe was still awaited`));
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const logout = client.logout().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([logout, new Promise<void>((r) => { timer = setTimeout(r, 2000); })]);
    clearTimeout(timer);
    client.close();
  }

  /** Opens a session, selects INBOX, catches up on what arrived meanwhile, then listens. */
  private async connect(): Promise<void> {
    const client = await openImap(this.endpoint, this.secrets, { connectTimeoutMs: this.opts.connectTimeoutMs, logger: this.log });
    try {
      const box = await client.mailboxOpen('INBOX');
      if (this.uidValidity !== undefined && box.uidValidity !== this.uidValidity) {
        // RFC 3501 §2.3.1.1: a new UIDVALIDITY means every UID we knew is void.
        this.log.warn(`imap ${this.endpoint.host}: UIDVALIDITY changed, rescanning INBOX`);
        this.lastUid = 0;
        this.messages.clear();
        this.waiters.forgetUids();
      }
      this.uidValidity = box.uidValidity;
    } catch (e) {
      client.close();
      throw new MailflowError('EPROTOCOL', `imap ${this.endpoint.host}: cannot select INBOX (${errorMessage(e)})`, {}, { cause: e });
    }
    if (this.closed) {
      // close() ran while this reconnect was in flight
      client.close();
      return;
    }
    this.client = client;
    this.connectedAt = Date.now();
    client.on('exists', () => this.enqueue((c) => this.scan(c)));
    client.on('close', () => this.onClose(client));
    if (!client.capabilities.has('IDLE')) this.startPolling();
    this.enqueue((c) => this.scan(c));
  }

  private onClose(client: ImapFlow): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    clearInterval(this.pollTimer);
    if (Date.now() - this.connectedAt >= STABLE_MS) this.failedReconnects = 0;
    this.log.warn(`imap ${this.endpoint.host}: connection lost, reconnecting`);
    this.reconnect();
  }

  private reconnect(): void {
    const max = this.opts.maxReconnects ?? 5;
    if (this.failedReconnects >= max) {
      this.waiters.failAll(new MailflowError('ECONNECTION', `imap ${this.endpoint.host}:${this.endpoint.port}: connection lost and ${max} reconnects failed`));
      return;
    }
    const delay = reconnectDelay(this.failedReconnects++);
    setTimeout(() => {
      if (this.closed) return;
      this.connect().catch((e: unknown) => {
        this.log.warn(`imap ${this.endpoint.host}: reconnect failed: ${errorMessage(e)}`);
        // Refused credentials will not improve; retrying only risks an account lock-out.
        if (e instanceof MailflowError && e.code === 'EAUTH') this.failedReconnects = max;
        this.reconnect();
      });
    }, delay).unref();
  }

  /** Servers without IDLE: look for new mail every pollFallbackMs instead. */
  private startPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => this.enqueue(async (c) => { await c.noop(); await this.scan(c); }), this.opts.pollFallbackMs ?? 5000);
    this.pollTimer.unref();
  }

  /** Serializes mailbox work on the one connection; IDLE resumes when nothing is left to do. */
  private enqueue(op: (client: ImapFlow) => Promise<void>): void {
    this.pending++;
    this.queue = this.queue
      .then(async () => {
        const client = this.client;
        if (client && client.usable) await op(client);
      })
      .catch((e: unknown) => this.log.warn(`imap ${this.endpoint.host}: ${errorMessage(e)}`))
      .finally(() => {
        if (--this.pending === 0) this.idle();
      });
  }

  private run<T>(op: (client: ImapFlow) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(async (c) => { await op(c).then(resolve, reject); });
    });
  }

  private idle(): void {
    const client = this.client;
    if (this.closed || !client || !client.usable || client.idling || !client.capabilities.has('IDLE')) return;
    client.idle().catch((e: unknown) => this.log.debug(`imap ${this.endpoint.host}: IDLE ended: ${errorMessage(e)}`));
  }

  /** Examines every message above the last UID seen, then answers waiters. */
  private async scan(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (!box || box.exists === 0) return this.settle(client);
    const query = { uid: true, envelope: true, size: true, headers: INDEX_HEADER_FIELDS };
    const limit = this.opts.initialScanLimit ?? 500;
    const fetched: FetchMessageObject[] =
      this.lastUid === 0
        ? await client.fetchAll(`${Math.max(1, box.exists - limit + 1)}:*`, query)
        : await client.fetchAll(`${this.lastUid + 1}:*`, query, { uid: true });
    const seenAt = Date.now();
    // UID n:* also returns the highest message when none is above n (RFC 3501 §6.4.8).
    const fresh = fetched.filter((m) => m.uid > this.lastUid).sort((a, b) => a.uid - b.uid);
    for (const m of fresh) {
      const entry = examineHeaders({ uid: m.uid, seenAt, headers: m.headers, envelopeSubject: m.envelope?.subject, envelopeFrom: m.envelope?.from?.[0]?.address, size: m.size });
      if (entry.dsn) {
        this.keepSource(entry, await this.source(client, m.uid, m.size));
        entry.bounce = isFailureBounce(entry.raw ?? '');
      }
      this.messages.set(m.uid, entry);
      this.lastUid = Math.max(this.lastUid, m.uid);
      this.waiters.noteCopy(entry);
    }
    await this.settle(client);
  }

  /** Resolves every waiter whose token is now in the index. */
  private async settle(client: ImapFlow): Promise<void> {
    for (const match of this.waiters.openMatches()) {
      const hits = [...this.messages.values()].filter((m) => matches(m, match)).sort((a, b) => a.uid - b.uid);
      const first = hits[0];
      if (!first) continue;
      if (first.source === undefined) this.keepSource(first, await this.source(client, first.uid, first.size));
      this.waiters.found(matchKey(match), { raw: first.raw ?? '', source: first.source ?? Buffer.alloc(0), uid: first.uid, seenAt: first.seenAt }, hits.map((h) => h.uid));
    }
  }

  /** The bytes stay as fetched; the UTF-8 reading is only for matching and header analysis. */
  private keepSource(entry: ExaminedMessage, source: Buffer): void {
    entry.source = source;
    entry.raw = source.toString('utf8');
  }

  private async source(client: ImapFlow, uid: number, size: number | undefined): Promise<Buffer> {
    const max = this.opts.maxMessageBytes ?? 25 * 1024 * 1024;
    const query = size !== undefined && size <= max ? { uid: true, source: true } : { uid: true, source: { maxLength: max } };
    const msg = await client.fetchOne(String(uid), query, { uid: true });
    return msg && msg.source ? msg.source : Buffer.alloc(0);
  }
}
