/**
 * The customer's Exchange server (mail.acme.test): client submission with
 * STARTTLS before AUTH, a send connector that relays external mail to the
 * gateway's smart host from the authorized outbound address, and a receive
 * connector that takes inbound mail from the gateway into the mailboxes.
 */
import type { EventEmitter } from 'node:events';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../logger.ts';
import { createBackground } from './background.ts';
import type { LeafCertificate } from './ca.ts';
import { buildDsn } from './dsn-builder.ts';
import type { FaultSet } from './faults.ts';
import type { LabResolver } from './lab-resolver.ts';
import { deliverToMailbox, findMailbox, type MailboxDirectory } from './local-delivery.ts';
import { headerValue, prependFields, readAll, type TlsInfo } from './message-util.ts';
import { exchangeReceived } from './received-stamps.ts';
import { relayWithRetry, type NextHop, type RelayResult } from './smtp-relay.ts';
import { baseOptions, closeServer, listenOn, smtpReply } from './smtp-listener.ts';
import { domainOf, LAB_ADDRESS, LAB_HOST, type SmtpPortMap } from './topology.ts';

export interface LabCredential {
  password: string;
  accessToken: string;
}

export interface InternalMtaOptions {
  internalDomains: readonly string[];
  /** Submission accounts: address (lower case) -> secrets. */
  accounts: ReadonlyMap<string, LabCredential>;
  mailboxes: MailboxDirectory;
  events: EventEmitter;
  credentials: LeafCertificate;
  ca: string;
  resolver: LabResolver;
  smtpPorts: SmtpPortMap;
  smartHost: string;
  faults: FaultSet;
  logger: Logger;
  retry?: { attempts: number; backoffMs: number };
}

export interface InternalMta {
  submissionPort: number;
  inboundPort: number;
  /** Resolves once every queued relay and bounce has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function tlsOfSession(session: SMTPServerSession): TlsInfo {
  const t = session.tlsOptions;
  return t ? { version: t.version, cipher: t.standardName || t.name } : null;
}

function authenticate(accounts: ReadonlyMap<string, LabCredential>, auth: SMTPServerAuthentication): string | undefined {
  const user = (auth.username ?? '').toLowerCase();
  const account = accounts.get(user);
  if (!account) return undefined;
  if (auth.method === 'XOAUTH2') return auth.accessToken === account.accessToken ? user : undefined;
  return auth.password === account.password ? user : undefined;
}

interface MtaContext {
  opts: InternalMtaOptions;
  isInternal(address: string): boolean;
  route(from: string, to: readonly string[], raw: Buffer, arrival: Date): void;
}

function recipientCheck(ctx: MtaContext, address: string): Error | undefined {
  return ctx.isInternal(address) && !findMailbox(ctx.opts.mailboxes, address)
    ? smtpReply(550, '5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup')
    : undefined;
}

function stampOf(session: SMTPServerSession, frontend: boolean): string {
  return exchangeReceived({
    helo: session.hostNameAppearsAs, clientIp: session.remoteAddress, byHost: LAB_HOST.exchange, byIp: LAB_ADDRESS.exchange,
    tls: tlsOfSession(session), frontend, date: new Date(),
  });
}

const queuedReply = (messageId: string | undefined) => `2.6.0 ${messageId ?? '<>'} [Hostname=${LAB_HOST.exchange}] Queued mail for delivery`;

/** Client submission (the 587 connector): STARTTLS, then AUTH as a lab user, who may only send as themself. */
function createSubmission(ctx: MtaContext): SMTPServer {
  const { opts } = ctx;
  const seenMessageIds = new Set<string>();
  return new SMTPServer({
    ...baseOptions({ name: LAB_HOST.exchange, credentials: opts.credentials, resolver: opts.resolver }),
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    // AUTH only after STARTTLS (RFC 4954 §4 lets servers require it; Exchange's client connector does).
    allowInsecureAuth: false,
    onAuth(auth, _session, callback) {
      const user = authenticate(opts.accounts, auth);
      if (user) callback(null, { user });
      else callback(smtpReply(535, '5.7.3 Authentication unsuccessful'));
    },
    onMailFrom(address, session, callback) {
      const allowed = address.address.toLowerCase() === String(session.user ?? '');
      callback(allowed ? undefined : smtpReply(550, '5.7.60 SMTP; Client does not have permissions to send as this sender'));
    },
    onRcptTo(address, _session, callback) {
      callback(recipientCheck(ctx, address.address));
    },
    onData(stream, session, callback) {
      readAll(stream).then((raw) => {
        const messageId = headerValue(raw, 'message-id');
        if (opts.faults.has('smtp-tempfail') && messageId && !seenMessageIds.has(messageId)) {
          seenMessageIds.add(messageId);
          return callback(smtpReply(451, '4.3.0 Temporary server error. Please try again later'));
        }
        const stamped = prependFields(raw, [stampOf(session, true)]);
        // Read the envelope before replying: smtp-server resets the session inside the callback.
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        callback(null, queuedReply(messageId));
        ctx.route(from, to, stamped, new Date());
      }, (e: unknown) => callback(smtpReply(451, `4.3.0 ${(e as Error).message}`)));
    },
  });
}

/** The receive connector (port 25): mail for internal mailboxes from the gateway, no AUTH. */
function createReceiveConnector(ctx: MtaContext): SMTPServer {
  const { opts } = ctx;
  return new SMTPServer({
    ...baseOptions({ name: LAB_HOST.exchange, credentials: opts.credentials, resolver: opts.resolver }),
    authOptional: true,
    disabledCommands: ['AUTH'],
    onRcptTo(address, _session, callback) {
      callback(ctx.isInternal(address.address) ? recipientCheck(ctx, address.address) : smtpReply(550, '5.7.54 SMTP; Unable to relay recipient in non-accepted domain'));
    },
    onData(stream, session, callback) {
      readAll(stream).then((raw) => {
        const stamped = prependFields(raw, [stampOf(session, false)]);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        for (const r of session.envelope.rcptTo) deliverToMailbox(opts.mailboxes, opts.events, r.address, from, stamped);
        callback(null, queuedReply(headerValue(raw, 'message-id')));
      }, (e: unknown) => callback(smtpReply(451, `4.3.0 ${(e as Error).message}`)));
    },
  });
}

/** A non-delivery report for the recipients that failed, into the sender's mailbox on this server. */
function bounce(opts: InternalMtaOptions, from: string, original: Buffer, arrival: Date, results: RelayResult[]): void {
  const failed = results.flatMap((r) => r.failed.map((f) => ({ ...f, remoteMta: r.hop.host })));
  if (failed.length === 0 || !from) return;
  const dsn = buildDsn({ reportingMta: LAB_HOST.exchange, to: from, arrivalDate: arrival, recipients: failed, original, subjectPrefix: 'Undeliverable' });
  // Delivered with a null sender, so it can never bounce in turn (RFC 5321 §4.5.5).
  if (!deliverToMailbox(opts.mailboxes, opts.events, from, '', Buffer.from(dsn))) opts.logger.warn('bounce undeliverable', { from });
}

/** Starts submission and the receive connector on the Exchange address. */
export async function startInternalMta(opts: InternalMtaOptions): Promise<InternalMta> {
  const internal = new Set(opts.internalDomains.map((d) => d.toLowerCase()));
  const isInternal = (address: string) => internal.has(domainOf(address));
  const background = createBackground(opts.logger);

  async function smartHostHop(): Promise<NextHop> {
    const address = await opts.resolver.address(opts.smartHost);
    return { host: opts.smartHost, address, port: opts.smtpPorts.get(address) ?? 25 };
  }

  // Store and forward: internal recipients now, external ones through the send connector later.
  function route(from: string, to: readonly string[], raw: Buffer, arrival: Date): void {
    for (const r of to.filter(isInternal)) deliverToMailbox(opts.mailboxes, opts.events, r, from, raw);
    const external = to.filter((r) => !isInternal(r));
    if (external.length === 0) return;
    background.run('relay to smart host', async (signal) => {
      const results = await relayWithRetry(smartHostHop, { from, to: external }, raw, {
        localAddress: LAB_ADDRESS.exchangeOutbound, heloName: LAB_HOST.exchange, ca: opts.ca,
        tls: opts.faults.has('no-tls-in') ? 'none' : 'required',
      }, { attempts: opts.retry?.attempts ?? 3, backoffMs: opts.retry?.backoffMs ?? 200, signal, logger: opts.logger });
      bounce(opts, from, raw, arrival, results);
    });
  }

  const ctx: MtaContext = { opts, isInternal, route };
  const submission = createSubmission(ctx);
  const inbound = createReceiveConnector(ctx);
  const [submissionPort, inboundPort] = await Promise.all([listenOn(submission, LAB_ADDRESS.exchange, opts.logger), listenOn(inbound, LAB_ADDRESS.exchange, opts.logger)]);
  let closed: Promise<void> | undefined;
  return {
    submissionPort,
    inboundPort,
    idle: () => background.idle(),
    close() {
      closed ??= Promise.all([closeServer(submission), closeServer(inbound), background.close()]).then(() => undefined);
      return closed;
    },
  };
}
