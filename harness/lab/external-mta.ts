/**
 * The recipient's provider (a large mailbox provider, partner.test): an MX
 * that verifies SPF, DKIM and DMARC and stamps its verdicts in Gmail's style,
 * and a submission server for the external user whose mail is routed by MX
 * (replies to acme.test go back through the gateway).
 */
import type { EventEmitter } from 'node:events';
import { authenticate } from 'mailauth';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../logger.ts';
import { authenticationResults, dmarcRejects, receivedSpf } from './auth-results-stamp.ts';
import { createBackground } from './background.ts';
import type { LeafCertificate } from './ca.ts';
import { buildDsn } from './dsn-builder.ts';
import type { FaultSet } from './faults.ts';
import type { LabCredential } from './internal-mta.ts';
import type { LabResolver } from './lab-resolver.ts';
import { deliverToMailbox, findMailbox, type MailboxDirectory } from './local-delivery.ts';
import { prependFields, randomToken, readAll, removeFields, type TlsInfo } from './message-util.ts';
import { gmailReceived } from './received-stamps.ts';
import { relayWithRetry, type NextHop } from './smtp-relay.ts';
import { baseOptions, closeServer, listenOn, smtpReply } from './smtp-listener.ts';
import { domainOf, LAB_ADDRESS, LAB_HOST, type SmtpPortMap } from './topology.ts';

export interface ExternalMtaOptions {
  domain: string;
  accounts: ReadonlyMap<string, LabCredential>;
  mailboxes: MailboxDirectory;
  events: EventEmitter;
  mxCredentials: LeafCertificate;
  submissionCredentials: LeafCertificate;
  ca: string;
  resolver: LabResolver;
  smtpPorts: SmtpPortMap;
  faults: FaultSet;
  logger: Logger;
}

export interface ExternalMta {
  mxPort: number;
  submissionPort: number;
  idle(): Promise<void>;
  close(): Promise<void>;
}

function tlsOfSession(session: SMTPServerSession): TlsInfo {
  const t = session.tlsOptions;
  return t ? { version: t.version, cipher: t.standardName || t.name } : null;
}

function ptrOf(session: SMTPServerSession): string | undefined {
  return session.clientHostname.startsWith('[') ? undefined : session.clientHostname;
}

/** A Gmail-looking SMTP id: hex, "si", a counter. */
function smtpId(counter: number): string {
  return `${Buffer.from(randomToken(9), 'base64url').toString('hex')}si${counter}.${Math.floor(Date.now() / 1000)}`;
}

/**
 * Verifies and stamps a message arriving at the MX. An Authentication-Results
 * carrying our own authserv-id can only be forged, so it is removed first (RFC 8601 §5).
 */
async function verifyAndStamp(raw: Buffer, session: SMTPServerSession, opts: ExternalMtaOptions, id: string): Promise<{ stamped: Buffer; reject?: string }> {
  const own = LAB_HOST.partnerMx.toLowerCase();
  const cleaned = removeFields(raw, (name, text) => name === 'authentication-results' && new RegExp(`^[^:]*:\\s*${own.replace(/\./g, '\\.')}\\s*(;|$)`, 'i').test(text.replace(/\r\n[ \t]+/g, ' ')));
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const auth = await authenticate(cleaned, {
    ip: session.remoteAddress, helo: session.hostNameAppearsAs, sender: from, mta: LAB_HOST.partnerMx,
    resolver: (name, rrtype) => opts.resolver.resolve(name, rrtype), disableArc: true, disableBimi: true,
  });
  const recipient = session.envelope.rcptTo.length === 1 ? session.envelope.rcptTo[0]?.address : undefined;
  const fields = [
    gmailReceived({ helo: session.hostNameAppearsAs, ptr: ptrOf(session), clientIp: session.remoteAddress, byHost: LAB_HOST.partnerMx, tls: tlsOfSession(session), id, recipient, date: new Date() }),
    receivedSpf(auth, opts.domain),
    authenticationResults(auth, LAB_HOST.partnerMx, opts.domain),
  ].filter((f): f is string => f !== undefined);
  const stamped = prependFields(cleaned, fields);
  if (dmarcRejects(auth)) {
    const domain = auth.dmarc ? auth.dmarc.domain : '';
    return { stamped, reject: `5.7.26 Unauthenticated email from ${domain} is not accepted due to domain's DMARC policy` };
  }
  return { stamped };
}

function createMx(opts: ExternalMtaOptions, nextId: () => string): SMTPServer {
  return new SMTPServer({
    ...baseOptions({ name: LAB_HOST.partnerMx, credentials: opts.mxCredentials, resolver: opts.resolver }),
    authOptional: true,
    disabledCommands: ['AUTH'],
    onRcptTo(address, _session, callback) {
      if (domainOf(address.address) !== opts.domain) return callback(smtpReply(550, '5.7.1 Relaying denied: this server only accepts mail for its own users'));
      if (opts.faults.has('delivery-fails') || !findMailbox(opts.mailboxes, address.address)) {
        return callback(smtpReply(550, '5.1.1 The email account that you tried to reach does not exist'));
      }
      callback();
    },
    onData(stream, session, callback) {
      const id = nextId();
      readAll(stream)
        .then((raw) => verifyAndStamp(raw, session, opts, id))
        .then(({ stamped, reject }) => {
          if (reject) return callback(smtpReply(550, reject));
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          for (const r of session.envelope.rcptTo) deliverToMailbox(opts.mailboxes, opts.events, r.address, from, stamped);
          callback(null, `2.0.0 OK ${Math.floor(Date.now() / 1000)} ${id} - gsmtp`);
        }, (e: unknown) => callback(smtpReply(451, `4.3.0 ${(e as Error).message}`)));
    },
  });
}

function createSubmission(opts: ExternalMtaOptions, nextId: () => string, route: (from: string, to: string[], raw: Buffer) => void): SMTPServer {
  return new SMTPServer({
    ...baseOptions({ name: LAB_HOST.partnerSubmission, credentials: opts.submissionCredentials, resolver: opts.resolver }),
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    allowInsecureAuth: false,
    onAuth(auth, _session, callback) {
      const user = (auth.username ?? '').toLowerCase();
      const account = opts.accounts.get(user);
      const ok = account && (auth.method === 'XOAUTH2' ? auth.accessToken === account.accessToken : auth.password === account.password);
      if (ok) callback(null, { user });
      else callback(smtpReply(535, '5.7.8 Username and Password not accepted'));
    },
    onMailFrom(address, session, callback) {
      callback(address.address.toLowerCase() === String(session.user ?? '') ? undefined : smtpReply(553, '5.7.1 Sender address rejected: not owned by user'));
    },
    onData(stream, session, callback) {
      readAll(stream).then((raw) => {
        const id = nextId();
        const stamped = prependFields(raw, [gmailReceived({
          helo: session.hostNameAppearsAs, ptr: ptrOf(session), clientIp: session.remoteAddress, byHost: LAB_HOST.partnerSubmission,
          tls: tlsOfSession(session), id, recipient: undefined, authenticated: true, date: new Date(),
        })]);
        // Read the envelope before replying: smtp-server resets the session inside the callback.
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        callback(null, `2.0.0 OK ${Math.floor(Date.now() / 1000)} ${id} - gsmtp`);
        route(from, to, stamped);
      }, (e: unknown) => callback(smtpReply(451, `4.3.0 ${(e as Error).message}`)));
    },
  });
}

/** Starts the provider's MX and its submission server. */
export async function startExternalMta(opts: ExternalMtaOptions): Promise<ExternalMta> {
  const background = createBackground(opts.logger);
  let counter = 0;
  const nextId = () => smtpId(++counter);

  async function mxHop(domain: string): Promise<NextHop> {
    const [mx] = await opts.resolver.mxAddresses(domain);
    if (!mx) throw new Error(`no MX for ${domain}`);
    return { host: mx.host, address: mx.address, port: opts.smtpPorts.get(mx.address) ?? 25 };
  }

  function route(from: string, to: string[], raw: Buffer): void {
    for (const r of to.filter((a) => domainOf(a) === opts.domain)) deliverToMailbox(opts.mailboxes, opts.events, r, from, raw);
    const remote = to.filter((a) => domainOf(a) !== opts.domain);
    for (const domain of new Set(remote.map(domainOf))) {
      background.run('external relay', async (signal) => {
        const results = await relayWithRetry(() => mxHop(domain), { from, to: remote.filter((r) => domainOf(r) === domain) }, raw, {
          localAddress: LAB_ADDRESS.partnerSubmission, heloName: LAB_HOST.partnerSubmission, tls: 'opportunistic', ca: opts.ca,
        }, { attempts: 3, backoffMs: 200, signal, logger: opts.logger });
        const failed = results.flatMap((r) => r.failed.map((f) => ({ ...f, remoteMta: r.hop.host })));
        if (failed.length === 0) return;
        const dsn = buildDsn({ reportingMta: LAB_HOST.partnerSubmission, to: from, arrivalDate: new Date(), recipients: failed, original: raw, subjectPrefix: 'Delivery Status Notification (Failure)' });
        deliverToMailbox(opts.mailboxes, opts.events, from, '', Buffer.from(dsn));
      });
    }
  }

  const mx = createMx(opts, nextId);
  const submission = createSubmission(opts, nextId, route);
  const [mxPort, submissionPort] = await Promise.all([listenOn(mx, LAB_ADDRESS.partnerMx, opts.logger), listenOn(submission, LAB_ADDRESS.partnerSubmission, opts.logger)]);
  let closed: Promise<void> | undefined;
  return {
    mxPort,
    submissionPort,
    idle: () => background.idle(),
    close() {
      closed ??= Promise.all([closeServer(mx), closeServer(submission), background.close()]).then(() => undefined);
      return closed;
    },
  };
}

