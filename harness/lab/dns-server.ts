/**
 * An authoritative DNS server for the lab zone, on UDP and TCP at the same
 * port (resolvers retry a truncated UDP answer over TCP at the same address,
 * RFC 7766 §5; the 2048-bit DKIM key record does not fit in 512 bytes).
 */
import dns2 from 'dns2';
import type { Packet as PacketType, Resource } from 'dns2';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MailflowError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { apexFor, type LabZone, type ZoneRecord } from './lab-zone.ts';

const { Packet } = dns2;
const TTL = 60;
const BIND_ATTEMPTS = 8;

export interface LabDnsServer {
  address: string;
  port: number;
  /** "address:port", the form node:dns `setServers` takes. */
  server: string;
  close(): Promise<void>;
}

function toResource(name: string, r: ZoneRecord): Resource {
  const base = { name, class: Packet.CLASS.IN, ttl: TTL };
  switch (r.type) {
    case 'A':
      return { ...base, type: Packet.TYPE.A, address: r.address } as Resource;
    case 'MX':
      return { ...base, type: Packet.TYPE.MX, exchange: r.exchange, priority: r.priority } as Resource;
    case 'PTR':
      return { ...base, type: Packet.TYPE.PTR, domain: r.target } as Resource;
    case 'TXT': {
      // RFC 1035 §3.3.14: one TXT record is a list of <=255-octet strings; verifiers concatenate them.
      const chunks: string[] = [];
      for (let i = 0; i < r.text.length; i += 255) chunks.push(r.text.slice(i, i + 255));
      return { ...base, type: Packet.TYPE.TXT, data: chunks } as Resource;
    }
  }
}

function soa(apex: string): Resource {
  return {
    name: apex, type: Packet.TYPE.SOA, class: Packet.CLASS.IN, ttl: TTL,
    primary: `ns.${apex}`, admin: `hostmaster.${apex}`, serial: 1, refresh: 3600, retry: 600, expiration: 86400, minimum: TTL,
  } as Resource;
}

const TYPE_NAMES: Record<number, ZoneRecord['type']> = { [Packet.TYPE.A]: 'A', [Packet.TYPE.MX]: 'MX', [Packet.TYPE.TXT]: 'TXT', [Packet.TYPE.PTR]: 'PTR' };

/** Answers one query from the zone: data, NODATA (SOA in authority), NXDOMAIN, or REFUSED outside the lab. */
export function answer(zone: LabZone, request: PacketType): PacketType {
  const response = Packet.createResponseFromRequest(request);
  const question = request.questions[0];
  if (!question) {
    response.header.rcode = Packet.RCODE.FORMERR;
    return response;
  }
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const apex = apexFor(zone, name);
  if (apex === undefined) {
    response.header.rcode = Packet.RCODE.REFUSED;
    return response;
  }
  response.header.aa = 1;
  const records = zone.records.get(name);
  const wanted = TYPE_NAMES[question.type];
  if (!records) {
    response.header.rcode = Packet.RCODE.NXDOMAIN;
    response.authorities.push(soa(apex));
    return response;
  }
  const matching = records.filter((r) => r.type === wanted);
  if (matching.length === 0) response.authorities.push(soa(apex));
  for (const r of matching) response.answers.push(toResource(question.name, r));
  return response;
}

async function bindPair(address: string, handle: (req: PacketType, send: (res: PacketType) => unknown) => void): Promise<{ udp: InstanceType<typeof dns2.UDPServer>; tcp: InstanceType<typeof dns2.TCPServer>; port: number }> {
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const udp = dns2.createUDPServer(handle);
    await udp.listen(0, address);
    const port = udp.address().port;
    const tcp = dns2.createTCPServer(handle);
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, address, () => resolve(true));
    });
    if (ok) return { udp, tcp, port };
    // The TCP side of a random UDP port was taken (another lab, another process): try another.
    udp.close();
  }
  throw new MailflowError('ELAB', `lab DNS: could not bind UDP and TCP on one port of ${address} after ${BIND_ATTEMPTS} attempts`);
}

/** Starts the lab DNS server on `address`, a random port shared by UDP and TCP. */
export async function startDnsServer(zone: LabZone, address: string, logger: Logger): Promise<LabDnsServer> {
  const handle = (request: PacketType, send: (res: PacketType) => unknown): void => {
    const res = answer(zone, request);
    logger.debug('dns query', { name: request.questions[0]?.name, type: request.questions[0]?.type, rcode: res.header.rcode, answers: res.answers.length });
    Promise.resolve(send(res)).catch((e: unknown) => logger.debug('dns reply not sent', { error: String(e) }));
  };
  const { udp, tcp, port } = await bindPair(address, handle);
  const sockets = new Set<Socket>();
  tcp.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  udp.on('error', (e: Error) => logger.warn('dns udp error', { error: e.message }));
  tcp.on('error', (e: Error) => logger.warn('dns tcp error', { error: e.message }));
  let closed: Promise<void> | undefined;
  return {
    address,
    port: (tcp.address() as AddressInfo).port,
    server: `${address}:${port}`,
    close() {
      closed ??= Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => {
          tcp.close(() => resolve());
          for (const s of sockets) s.destroy();
        }),
      ]).then(() => undefined);
      return closed;
    },
  };
}
