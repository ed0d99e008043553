/**
 * The waiting side of the mailbox watcher: pending waits (one deadline timer
 * each), the first result per token, and the count of later copies. A token's
 * first message is its result for good; copies only raise `duplicates`, so a
 * resent probe (SMTP retry, gateway re-delivery) is never counted twice.
 */
import { matchKey, matches, type ExaminedMessage, type WatchMatch } from './message-index.ts';

export interface WatchResult {
  /** Full source as fetched (cut at maxMessageBytes), decoded as UTF-8 for reading. */
  raw: string;
  /** The same source byte for byte: for evidence files and DKIM re-verification. */
  source: Buffer;
  uid: number;
  /** Epoch ms when the watcher first examined the message. */
  seenAt: number;
  /** Further copies of the same token seen so far. */
  duplicates: number;
}

interface Found {
  match: WatchMatch;
  result: Omit<WatchResult, 'duplicates'>;
  uids: Set<number>;
}

interface Waiter {
  match: WatchMatch;
  resolve: (r: WatchResult | undefined) => void;
  reject: (e: unknown) => void;
  done: () => void;
}

export class Waiters {
  private readonly pending = new Map<string, Set<Waiter>>();
  private readonly foundByKey = new Map<string, Found>();
  private failure: Error | undefined;

  /** A wait for `match`, settled by found(), the deadline, the signal or failAll(). */
  add(match: WatchMatch, deadline: number, signal?: AbortSignal): Promise<WatchResult | undefined> {
    const key = matchKey(match);
    const known = this.foundByKey.get(key);
    if (known) return Promise.resolve(this.resultOf(known));
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const set = this.pending.get(key) ?? new Set<Waiter>();
      this.pending.set(key, set);
      const onAbort = () => waiter.reject(signal?.reason);
      const timer = setTimeout(() => waiter.resolve(undefined), Math.max(0, deadline - Date.now()));
      const waiter: Waiter = {
        match,
        done: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          set.delete(waiter);
          if (set.size === 0 && this.pending.get(key) === set) this.pending.delete(key);
        },
        resolve: (r) => { waiter.done(); resolve(r); },
        reject: (e) => { waiter.done(); reject(e); },
      };
      set.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** One match per token still awaited (several waiters may share one). */
  openMatches(): WatchMatch[] {
    return [...this.pending.entries()].flatMap(([key, set]) => {
      const first = set.values().next();
      return first.done || this.foundByKey.has(key) ? [] : [first.value.match];
    });
  }

  /** Records the first message for a token and answers everyone waiting for it. */
  found(key: string, result: Omit<WatchResult, 'duplicates'>, uids: readonly number[]): void {
    const set = this.pending.get(key);
    const match = set?.values().next().value?.match;
    let entry = this.foundByKey.get(key);
    if (!entry) {
      if (!match) return;
      entry = { match, result, uids: new Set() };
      this.foundByKey.set(key, entry);
    }
    for (const u of uids) entry.uids.add(u);
    for (const w of [...(set ?? [])]) w.resolve(this.resultOf(entry));
  }

  /** A newly examined message: a copy of any token already found? */
  noteCopy(m: ExaminedMessage): void {
    for (const entry of this.foundByKey.values()) {
      if (matches(m, entry.match)) entry.uids.add(m.uid);
    }
  }

  duplicates(match: WatchMatch): number {
    const entry = this.foundByKey.get(matchKey(match));
    return entry ? Math.max(0, entry.uids.size - 1) : 0;
  }

  /** After a UIDVALIDITY change the rescan re-counts every copy. */
  forgetUids(): void {
    for (const entry of this.foundByKey.values()) entry.uids.clear();
  }

  /** Rejects every pending wait and every later one (results already found still answer). */
  failAll(error: Error): void {
    this.failure ??= error;
    for (const set of [...this.pending.values()]) for (const w of [...set]) w.reject(error);
  }

  private resultOf(entry: Found): WatchResult {
    return { ...entry.result, duplicates: Math.max(0, entry.uids.size - 1) };
  }
}

/** Backoff before reconnect attempt n (0-based): 100 ms doubling, at most 3 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(3000, 100 * 2 ** attempt);
}
