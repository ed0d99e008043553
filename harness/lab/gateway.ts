/**
 * The secure email gateway (the Mimecast role). It listens as
 * eu-smtp-inbound-1.mimecast.test and delivers from eu-smtp-delivery-1.
 * Relay rules follow the vendor's: mail from an authorized outbound address
 * with an internal MAIL FROM is outbound and may go anywhere; any other
 * connection may only deliver to internal domains (inbound). Outbound mail is
 * stamped, passed to stationery, DKIM-signed, then delivered by MX.
 */
import { dkimSign } from 'mailauth';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../logger.ts';
import { createBackground } from './background.ts';
import type { LeafCertificate } from './ca.ts';
import { buildDsn } from './dsn-builder.ts';
import type { FaultSet } from './faults.ts';
import { learnAutoAllow, managedSenderVerdict, settleStatus, type GatewayMessage, type GatewayState, type MessageDirection } from './gateway-state.ts';
import type { LabResolver } from './lab-resolver.ts';
import { headerValue, prependFields, randomToken, readAll, type TlsInfo } from './message-util.ts';
import { mimecastReceived } from './received-stamps.ts';
import { relayOnce, relayWithRetry, type NextHop, type RelayOptions, type RelayResult } from './smtp-relay.ts';
import { baseOptions, closeServer, listenOn, smtpReply } from './smtp-listener.ts';
import { DKIM_SELECTOR, domainOf, LAB_ADDRESS, LAB_HOST, type SmtpPortMap } from './topology.ts';

/**
 * Where stationery (disclaimers) will be applied: called for outbound mail
 * after the Received stamp and before DKIM signing, as the vendor does.
 */
export type StationeryHook = (raw: Buffer, message: { from: string; to: readonly string[] }) => Buffer | Promise<Buffer>;

export interface GatewayOptions {
  internalDomains: readonly string[];
  /** Private keys (PEM) per internal domain, for selector mc1. */
  dkimKeys: ReadonlyMap<string, string>;
  /** CIDRs of the customer's authorized outbound addresses. */
  authorizedOutbound: readonly string[];
  /** Host of the customer's mail server that inbound mail is delivered to (the delivery route). */
  deliveryRoute: string;
  state: GatewayState;
  credentials: LeafCertificate;
  ca: string;
  resolver: LabResolver;
  smtpPorts: SmtpPortMap;
  faults: FaultSet;
  logger: Logger;
  stationery?: StationeryHook;
  retry?: { attempts: number; backoffMs: number };
}

export interface Gateway {
  port: number;
  idle(): Promise<void>;
  close(): Promise<void>;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** True when the IPv4 address lies in one of the CIDRs ("a.b.c.d/n"; no prefix means /32). */
export function inCidrs(ip: string, cidrs: readonly string[]): boolean {
  const addr = ipv4ToInt(ip.replace(/^::ffff:/, ''));
  if (addr === undefined) return false;
  return cidrs.some((cidr) => {
    const [net, bitsText] = cidr.split('/');
    const base = ipv4ToInt(net ?? '');
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const size = 2 ** (32 - bits);
    return Math.floor(addr / size) === Math.floor(base / size);
  });
}

function tlsOfSession(session: SMTPServerSession): TlsInfo {
  const t = session.tlsOptions;
  return t ? { version: t.version, cipher: t.standardName || t.name } : null;
}

async function signOutbound(raw: Buffer, from: string, keys: ReadonlyMap<string, string>): Promise<{ raw: Buffer; domain?: string }> {
  const domain = domainOf(from.replace(/^.*<|>.*$/g, ''));
  const privateKey = keys.get(domain);
  if (!privateKey) return { raw };
  const signature = { signingDomain: domain, selector: DKIM_SELECTOR, privateKey, canonicalization: 'relaxed/relaxed', algorithm: 'rsa-sha256' };
  const signed = await dkimSign(raw, { ...signature, signatureData: [signature] });
  if (signed.errors.length > 0 || !signed.signatures) return { raw };
  return { raw: Buffer.concat([Buffer.from(signed.signatures, 'latin1'), raw]), domain };
}

interface GatewayContext {
  opts: GatewayOptions;
  internal: ReadonlySet<string>;
  /** The authorized outbound CIDRs in force (none under gateway-rejects). */
  authorized: readonly string[];
  nextToken(): { id: string; token: string };
}

const isInternal = (ctx: GatewayContext, address: string) => ctx.internal.has(domainOf(address));

function isOutbound(ctx: GatewayContext, session: SMTPServerSession): boolean {
  return inCidrs(session.remoteAddress, ctx.authorized) && session.envelope.mailFrom !== false && isInternal(ctx, session.envelope.mailFrom.address);
}

function createListener(ctx: GatewayContext, queue: (message: GatewayMessage, raw: Buffer) => void): SMTPServer {
  const { opts } = ctx;
  return new SMTPServer({
    ...baseOptions({ name: LAB_HOST.gatewayInbound, credentials: opts.credentials, resolver: opts.resolver }),
    authOptional: true,
    disabledCommands: ['AUTH'],
    onRcptTo(address, session, callback) {
      // open-relay: the gateway takes mail for anyone from anywhere (the misconfiguration MAN01's relay attempt exists to catch).
      if (isOutbound(ctx, session) || isInternal(ctx, address.address) || opts.faults.has('open-relay')) return callback();
      const reply = `5.7.1 Relay denied: ${session.remoteAddress} is not an authorized outbound address`;
      opts.state.rejections.push({
        at: new Date().toISOString(), remoteAddress: session.remoteAddress,
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: address.address, reply: `550 ${reply}`,
      });
      callback(smtpReply(550, reply));
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then((raw) => accept(ctx, raw, session))
        .then(({ reply, message, raw }) => {
          callback(null, reply);
          queue(message, raw);
        }, (e: unknown) => callback(smtpReply(451, `4.3.0 ${(e as Error).message}`)));
    },
  });
}

/** Stamps, applies stationery and signs (outbound), and logs a message the gateway took. */
async function accept(ctx: GatewayContext, raw: Buffer, session: SMTPServerSession): Promise<{ reply: string; message: GatewayMessage; raw: Buffer }> {
  const { opts } = ctx;
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const to = session.envelope.rcptTo.map((r) => r.address);
  const outbound = isOutbound(ctx, session);
  const direction: MessageDirection = !outbound ? 'inbound' : to.every((r) => isInternal(ctx, r)) ? 'internal' : 'outbound';
  const { id, token } = ctx.nextToken();
  const tls = tlsOfSession(session);
  const ptr = session.clientHostname.startsWith('[') ? undefined : session.clientHostname;
  let out = prependFields(raw, [
    mimecastReceived({ helo: session.hostNameAppearsAs, ptr, clientIp: session.remoteAddress, byHost: LAB_HOST.gatewayRelay, tls, id, date: new Date() }),
    `X-MC-Unique: ${token}-1`,
  ]);
  let dkimDomain: string | undefined;
  if (outbound) {
    if (opts.stationery) out = await opts.stationery(out, { from, to });
    if (!opts.faults.has('no-dkim')) ({ raw: out, domain: dkimDomain } = await signOutbound(out, headerValue(out, 'from') ?? from, opts.dkimKeys));
  }
  const reply = `2.0.0 Ok: queued as ${id}`;
  const message: GatewayMessage = {
    id, direction, from, to,
    receipt: { at: new Date().toISOString(), remoteAddress: session.remoteAddress, helo: session.hostNameAppearsAs, tls, reply: `250 ${reply}` },
    deliveries: [], status: 'accepted',
  };
  const subject = headerValue(raw, 'subject');
  const messageId = headerValue(raw, 'message-id');
  if (subject !== undefined) message.subject = subject;
  if (messageId !== undefined) message.messageId = messageId;
  if (dkimDomain !== undefined) message.dkimDomain = dkimDomain;
  if (direction === 'inbound') message.managedSender = managedSenderVerdict(opts.state, from, to);
  learnAutoAllow(opts.state, message, (a) => isInternal(ctx, a));
  opts.state.messages.push(message);
  return { reply, message, raw: out };
}

/** Internal domains go to the customer's delivery route; everything else by MX (RFC 5321 §5.1). */
async function routeHop(ctx: GatewayContext, recipientDomain: string): Promise<NextHop> {
  const { opts } = ctx;
  if (ctx.internal.has(recipientDomain)) {
    const address = await opts.resolver.address(opts.deliveryRoute);
    return { host: opts.deliveryRoute, address, port: opts.smtpPorts.get(address) ?? 25 };
  }
  const [mx] = await opts.resolver.mxAddresses(recipientDomain);
  if (!mx) throw new Error(`no MX for ${recipientDomain}`);
  return { host: mx.host, address: mx.address, port: opts.smtpPorts.get(mx.address) ?? 25 };
}

function relayOptions(ctx: GatewayContext, external: boolean): RelayOptions {
  // Opportunistic STARTTLS with verification, as a default secure-delivery policy does.
  const tls = external && ctx.opts.faults.has('no-tls-out') ? 'none' : 'opportunistic';
  return { localAddress: LAB_ADDRESS.gatewayDelivery, heloName: LAB_HOST.gatewayDelivery, tls, ca: ctx.opts.ca };
}

function record(message: GatewayMessage, results: RelayResult[]): void {
  const at = new Date().toISOString();
  for (const r of results) {
    const common = { at, remoteHost: r.hop.host, remoteAddress: r.hop.address, tls: r.tls };
    for (const recipient of r.accepted) message.deliveries.push({ ...common, recipient, status: 'delivered', reply: r.response ?? '250' });
    for (const f of r.failed) message.deliveries.push({ ...common, recipient: f.recipient, status: 'failed', reply: f.reply });
  }
  message.status = settleStatus(message);
}

async function deliver(ctx: GatewayContext, message: GatewayMessage, raw: Buffer, signal: AbortSignal): Promise<void> {
  const byDomain = new Map<string, string[]>();
  for (const r of message.to) byDomain.set(domainOf(r), [...(byDomain.get(domainOf(r)) ?? []), r]);
  const all: RelayResult[] = [];
  for (const [domain, recipients] of byDomain) {
    const results = await relayWithRetry(() => routeHop(ctx, domain), { from: message.from, to: recipients }, raw, relayOptions(ctx, !ctx.internal.has(domain)), {
      attempts: ctx.opts.retry?.attempts ?? 3, backoffMs: ctx.opts.retry?.backoffMs ?? 200, signal, logger: ctx.opts.logger,
    });
    record(message, results);
    all.push(...results);
  }
  await bounce(ctx, message, raw, all);
}

/** A DSN (Reporting-MTA: the gateway) to an internal sender, through the customer's delivery route. */
async function bounce(ctx: GatewayContext, message: GatewayMessage, raw: Buffer, results: RelayResult[]): Promise<void> {
  const failed = results.flatMap((r) => r.failed.map((f) => ({ ...f, remoteMta: r.hop.host })));
  // Only internal senders get a report; a bounce for inbound mail would be backscatter.
  if (failed.length === 0 || !message.from || !isInternal(ctx, message.from)) return;
  const dsn = buildDsn({ reportingMta: LAB_HOST.gatewayDelivery, to: message.from, arrivalDate: new Date(message.receipt.at), recipients: failed, original: raw });
  const hop = await routeHop(ctx, domainOf(message.from));
  const r = await relayOnce(hop, { from: '', to: [message.from] }, Buffer.from(dsn), relayOptions(ctx, false));
  if (r.accepted.length === 0) ctx.opts.logger.warn('gateway bounce not delivered', { to: message.from, failed: r.failed, deferred: r.deferred });
}

/** Starts the gateway's SMTP listener and delivery queue. */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  let counter = 0;
  const ctx: GatewayContext = {
    opts,
    internal: new Set(opts.internalDomains.map((d) => d.toLowerCase())),
    authorized: opts.faults.has('gateway-rejects') ? [] : opts.authorizedOutbound,
    nextToken() {
      const token = randomToken(16);
      return { id: `eu-mta-${++counter}-${token}-1`, token };
    },
  };
  const background = createBackground(opts.logger);
  const server = createListener(ctx, (message, raw) => background.run('gateway delivery', (signal) => deliver(ctx, message, raw, signal)));
  const port = await listenOn(server, LAB_ADDRESS.gatewayInbound, opts.logger);
  let closed: Promise<void> | undefined;
  return {
    port,
    idle: () => background.idle(),
    close() {
      closed ??= Promise.all([closeServer(server), background.close()]).then(() => undefined);
      return closed;
    },
  };
}
