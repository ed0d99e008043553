/**
 * The lab MTAs' own DNS client: every lookup goes to the lab DNS server, never
 * the system resolver. (The harness has its own in harness/dns/resolver.ts; the
 * lab keeps this small one so it does not depend on the harness.)
 */
import { Resolver } from 'node:dns/promises';

export interface LabResolver {
  /** mailauth-style lookup: `(name, rrtype)` with node:dns/promises result shapes. */
  resolve(name: string, rrtype: string): Promise<string[][] | string[]>;
  /** IPv4 addresses of the mail exchangers of a domain, best preference first (RFC 5321 §5.1). */
  mxAddresses(domain: string): Promise<{ host: string; address: string }[]>;
  /** First IPv4 address of a host name. */
  address(host: string): Promise<string>;
  /** The PTR name of an address, or undefined. */
  reverse(ip: string): Promise<string | undefined>;
}

/** A resolver bound to `servers` ("host:port"), with short timeouts: the lab is on loopback. */
export function createLabResolver(servers: readonly string[]): LabResolver {
  const resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([...servers]);

  async function address(host: string): Promise<string> {
    const list = await resolver.resolve4(host);
    const first = list[0];
    if (first === undefined) throw Object.assign(new Error(`no A record for ${host}`), { code: 'ENODATA' });
    return first;
  }

  return {
    resolve: (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>,
    async mxAddresses(domain) {
      const mx = (await resolver.resolveMx(domain)).sort((a, b) => a.priority - b.priority);
      const out: { host: string; address: string }[] = [];
      for (const { exchange } of mx) out.push({ host: exchange, address: await address(exchange) });
      return out;
    },
    address,
    async reverse(ip) {
      try {
        return (await resolver.reverse(ip))[0];
      } catch {
        return undefined;
      }
    },
  };
}
