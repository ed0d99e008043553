/**
 * The DNS resolver every lookup of the harness goes through, in mailauth's
 * shape (STYLE.md §3): `(name, rrtype) => Promise<answers>`, mirroring
 * `dns.promises.resolve`, with errors carrying the same `code`s (ENOTFOUND,
 * ENODATA, ETIMEOUT ...) that mailauth maps to temperror/permerror
 * (RFC 7208 §4.4, RFC 6376 §6.1.2).
 */
import { Resolver as NodeResolver, promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { MailflowError } from '../errors.ts';

export type Resolver = (name: string, rrtype: string) => Promise<unknown>;

export interface ResolverOptions {
  /** Per-query timeout in ms (c-ares retries once more before failing). Default 3000. */
  timeoutMs?: number;
  /** Attempts per server. Default 2. */
  tries?: number;
}

/**
 * Normalises one server entry to what node:dns setServers accepts:
 * "1.1.1.1", "127.0.0.2:40123", "::1", "[::1]:53". Host names are refused:
 * resolving the resolver would need a resolver.
 */
export function normaliseServer(entry: string, index = 0): string {
  const s = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(s);
  let host: string | undefined;
  let port: string | undefined;
  if (bracketed) [host, port] = [bracketed[1], bracketed[2]];
  else if (v4port) [host, port] = [v4port[1], v4port[2]];
  else if (isIP(s) === 6) host = s;
  if (!host || !isIP(host) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new MailflowError('ECONFIG', `dns.servers.${index}: "${s}" is not an IP address with an optional port (e.g. 127.0.0.1:5353, [::1]:53)`, {
      path: `dns.servers.${index}`,
      expected: 'IPv4, IPv4:port, IPv6 or [IPv6]:port',
    });
  }
  if (port === undefined) return host;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A resolver that asks exactly `servers` (empty: the system's resolver).
 * Throws MailflowError ECONFIG for a server that is not an IP address.
 */
export function createResolver(servers: readonly string[], opts: ResolverOptions = {}): Resolver {
  if (servers.length === 0) return (name, rrtype) => dnsPromises.resolve(name, rrtype);
  const normalised = servers.map((s, i) => normaliseServer(s, i));
  const resolver = new NodeResolver({ timeout: opts.timeoutMs ?? 3000, tries: opts.tries ?? 2 });
  resolver.setServers(normalised);
  const resolve = (name: string, rrtype: string) =>
    new Promise<unknown>((ok, fail) => {
      // The callback API accepts every rrtype string node supports and reports
      // an unknown one as an error instead of throwing synchronously.
      try {
        resolver.resolve(name, rrtype, (err: NodeJS.ErrnoException | null, answers: unknown) => (err ? fail(err) : ok(answers)));
      } catch (e) {
        fail(e);
      }
    });
  return resolve;
}
