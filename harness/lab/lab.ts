/**
 * Starts the embedded lab: a simulated customer environment on loopback that
 * the harness reaches only through real protocols (DNS, SMTP, IMAP). Several
 * labs can run at once in separate processes: every server binds port 0.
 */
import { generateKeyPair } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { promisify } from 'node:util';
import { SECRET_REF, type Config, type GatewayApi } from '../config/schema.ts';
import { errorMessage, isMailflowError, MailflowError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { startAdminApi, type AdminApi } from './admin-api.ts';
import { labGatewaySettings, signingKeys } from './admin-api-settings.ts';
import { createLabCa, type LabCa, type LeafCertificate } from './ca.ts';
import { startDnsServer, type LabDnsServer } from './dns-server.ts';
import { parseFaults, type FaultName, type FaultSet } from './faults.ts';
import { startGateway, type Gateway, type StationeryHook } from './gateway.ts';
import { createGatewayState, type GatewayState } from './gateway-state.ts';
import { startExternalMta, type ExternalMta } from './external-mta.ts';
import { startImapMailbox, type ImapMailbox } from './imap-server.ts';
import { startInternalMta, type InternalMta, type LabCredential } from './internal-mta.ts';
import { fillLabConfig, generateSecrets, labHmacAuth, labHmacKeys, labUsers, readLabTemplate, withDomainCount, type LabUser } from './lab-config.ts';
import { createLabResolver } from './lab-resolver.ts';
import { buildLabZone } from './lab-zone.ts';
import { randomToken } from './message-util.ts';
import { createLabStationery } from './stationery.ts';
import { labLayout } from './stationery-layout.ts';
import { domainOf, LAB_ADDRESS, LAB_HOST, type SmtpPortMap } from './topology.ts';

export type { LabUser } from './lab-config.ts';
export type { DeliveredEvent } from './local-delivery.ts';

export interface LabOptions {
  faults?: readonly string[] | undefined;
  /** Number of internal sending domains (acme.test, acme2.test, ...); default 1. */
  domainCount?: number | undefined;
  logger?: Logger | undefined;
  /** Replaces the gateway's stationery; default: the lab layout from config/lab.yaml's `stationery` keys (stationery.ts). */
  stationery?: StationeryHook | undefined;
}

/** One listening server, for printing and for tests. */
export interface LabEndpoint {
  role: string;
  protocol: 'dns' | 'smtp' | 'imap' | 'https';
  host: string;
  address: string;
  port: number;
}

export interface Lab {
  /** A target config for this lab (parsed by configSchema): ports, CA and DNS filled in. */
  config: Config;
  /** Values behind the config's `${env:MAILFLOW_LAB_...}` references (the API 1.0 keys of `hmacAuth` included). */
  env: Record<string, string>;
  /** The lab's API 1.0 (HMAC) credential, for a `gateway.api.auth` that tries the fallback; its keys are in `env`. */
  hmacAuth: Extract<GatewayApi['auth'], { type: 'hmac' }>;
  caPem: string;
  dnsServers: string[];
  endpoints: Record<string, LabEndpoint>;
  users: LabUser[];
  /** 'delivered' (DeliveredEvent) for every mailbox delivery; 'imap-idle-dropped' ({ mailbox }) under imap-drop. */
  events: EventEmitter;
  faults: FaultName[];
  gatewayState: GatewayState;
  /** Milliseconds startLab took. */
  startupMs: number;
  /** Resolves once every MTA queue is empty (relays, retries and bounces done). */
  idle(): Promise<void>;
  /** Closes every server and queue; safe to call more than once. */
  stop(): Promise<void>;
}

interface Closable {
  close(): Promise<void>;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** RSA 2048 DKIM key per domain: the public half for DNS (base64 SPKI), the private for the gateway. */
async function dkimKeys(domains: readonly string[]): Promise<{ pub: Map<string, string>; priv: Map<string, string> }> {
  const pairs = await Promise.all(domains.map(() => generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })));
  const pub = new Map<string, string>();
  const priv = new Map<string, string>();
  domains.forEach((d, i) => {
    const pair = pairs[i];
    if (!pair) return;
    pub.set(d, pair.publicKey.toString('base64'));
    priv.set(d, pair.privateKey);
  });
  return { pub, priv };
}

async function issueAll(ca: LabCa) {
  const [exchange, gateway, partnerMx, partnerSubmission, partnerImap] = await Promise.all([
    ca.issue([LAB_HOST.exchange], [LAB_ADDRESS.exchange, LAB_ADDRESS.exchangeOutbound]),
    ca.issue([LAB_HOST.gatewayInbound, LAB_HOST.gatewayRelay, LAB_HOST.gatewayDelivery], [LAB_ADDRESS.gatewayInbound, LAB_ADDRESS.gatewayDelivery]),
    ca.issue([LAB_HOST.partnerMx], [LAB_ADDRESS.partnerMx]),
    ca.issue([LAB_HOST.partnerSubmission], [LAB_ADDRESS.partnerSubmission]),
    ca.issue([LAB_HOST.partnerImap], [LAB_ADDRESS.partnerImap]),
  ]);
  return { exchange, gateway, partnerMx, partnerSubmission, partnerImap };
}

/** Registers a started server for cleanup, so a failed start closes what did start. */
function track<T extends Closable>(started: Closable[], p: Promise<T>): Promise<T> {
  return p.then((s) => {
    started.push(s);
    return s;
  });
}

function credentialsOf(users: readonly LabUser[], env: Record<string, string>, role: LabUser['role']): Map<string, LabCredential> {
  return new Map(users.filter((u) => u.role === role).map((u) => [u.address, { password: env[u.passwordEnv] ?? '', accessToken: env[u.tokenEnv] ?? '' }]));
}

interface MailboxSpec {
  user: LabUser;
  address: string;
  host: string;
  credentials: LeafCertificate;
}

function mailboxSpecs(config: Config, users: readonly LabUser[], certs: Awaited<ReturnType<typeof issueAll>>): MailboxSpec[] {
  const byAddress = new Map(users.map((u) => [u.address, u]));
  const specs: MailboxSpec[] = [];
  for (const s of config.senders) {
    const user = byAddress.get(s.address.toLowerCase());
    if (user) specs.push({ user, address: s.imap?.host ?? LAB_ADDRESS.exchange, host: LAB_HOST.exchange, credentials: certs.exchange });
  }
  const bob = byAddress.get(config.recipient.address.toLowerCase());
  if (bob) specs.push({ user: bob, address: config.recipient.imap.host, host: LAB_HOST.partnerImap, credentials: certs.partnerImap });
  return specs;
}

/** Starts the lab; throws MailflowError EUSAGE for an unknown fault, ELAB when a server cannot start. */
export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const t0 = performance.now();
  const faults = parseFaults(opts.faults ?? []);
  const logger = opts.logger ?? silentLogger;
  const template = withDomainCount(await readLabTemplate(), Math.max(1, Math.floor(opts.domainCount ?? 1)));
  const internalDomains = template.domains.map((d) => d.name.toLowerCase());
  const users = labUsers(template);
  const env = generateSecrets(users);
  const [ca, keys] = await Promise.all([createLabCa(), dkimKeys(internalDomains)]);
  const certs = await issueAll(ca);
  const started: Closable[] = [];
  try {
    return await startServers({ opts, faults, logger, template, internalDomains, users, env, ca, keys, certs, started, t0 });
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.close()));
    if (isMailflowError(e)) throw e;
    throw new MailflowError('ELAB', `the lab could not start: ${errorMessage(e)}`, {}, { cause: e });
  }
}

interface StartContext {
  opts: LabOptions;
  faults: FaultSet;
  logger: Logger;
  template: Config;
  internalDomains: string[];
  users: LabUser[];
  env: Record<string, string>;
  ca: LabCa;
  keys: { pub: Map<string, string>; priv: Map<string, string> };
  certs: Awaited<ReturnType<typeof issueAll>>;
  started: Closable[];
  t0: number;
}

/** One IMAP server per mailbox; under imap-drop the external mailbox cuts its first IDLE. */
function startMailboxes(c: StartContext, events: EventEmitter): Promise<ImapMailbox[]> {
  return Promise.all(mailboxSpecs(c.template, c.users, c.certs).map((s) => track(c.started, startImapMailbox({
    user: s.user.address, password: c.env[s.user.passwordEnv] ?? '', accessToken: c.env[s.user.tokenEnv] ?? '',
    address: s.address, host: s.host, credentials: s.credentials, logger: c.logger,
    // 300 ms: long enough for the client to be settled in IDLE, short enough for a quick test.
    ...(c.faults.has('imap-drop') && s.user.role === 'recipient'
      ? { dropFirstIdleAfterMs: 300, onIdleDropped: () => events.emit('imap-idle-dropped', { mailbox: s.user.address }) }
      : {}),
  }))));
}

function endpointsOf(
  dns: LabDnsServer, internalMta: InternalMta, gateway: Gateway, externalMta: ExternalMta, mailboxes: readonly ImapMailbox[],
): Record<string, LabEndpoint> {
  const smtp = (role: string, host: string, address: string, port: number): LabEndpoint => ({ role, protocol: 'smtp', host, address, port });
  const endpoints: Record<string, LabEndpoint> = {
    dns: { role: 'lab DNS (UDP+TCP)', protocol: 'dns', host: 'ns.lab', address: dns.address, port: dns.port },
    submission: smtp('Exchange client submission', LAB_HOST.exchange, LAB_ADDRESS.exchange, internalMta.submissionPort),
    exchangeInbound: smtp('Exchange receive connector', LAB_HOST.exchange, LAB_ADDRESS.exchange, internalMta.inboundPort),
    gateway: smtp('gateway inbound / smart host', LAB_HOST.gatewayInbound, LAB_ADDRESS.gatewayInbound, gateway.port),
    partnerMx: smtp('recipient provider MX', LAB_HOST.partnerMx, LAB_ADDRESS.partnerMx, externalMta.mxPort),
    partnerSubmission: smtp('recipient provider submission', LAB_HOST.partnerSubmission, LAB_ADDRESS.partnerSubmission, externalMta.submissionPort),
  };
  for (const m of mailboxes) endpoints[`imap:${m.user}`] = { role: `IMAP mailbox of ${m.user}`, protocol: 'imap', host: m.host, address: m.address, port: m.port };
  return endpoints;
}

/** The gateway's stationery, from the template's `stationery` keys (no unique text configured: none). */
function labStationery(c: StartContext): StationeryHook {
  const { uniqueText, disclaimerText } = c.template.stationery;
  if (uniqueText === undefined) return (raw) => raw;
  const layout = labLayout({ uniqueText, disclaimerText, company: c.template.customer });
  return createLabStationery({ layout, internalDomains: c.internalDomains, faults: c.faults });
}

/** The admin API's client secret: generated per start, handed over like the mailbox passwords. */
function apiSecret(c: StartContext): string {
  const ref = c.template.gateway.api?.auth.type === 'oauth2' ? c.template.gateway.api.auth.clientSecret : undefined;
  const name = ref === undefined ? undefined : SECRET_REF.exec(ref)?.[2];
  const secret = `lab-mc-${randomToken(16)}`;
  if (name !== undefined) c.env[name] = secret;
  return secret;
}

async function startApi(c: StartContext, state: GatewayState): Promise<AdminApi> {
  const credentials = await c.ca.issue([LAB_HOST.gatewayApi], [LAB_ADDRESS.gatewayApi]);
  const auth = c.template.gateway.api?.auth;
  return track(c.started, startAdminApi({
    address: LAB_ADDRESS.gatewayApi, credentials, state, faults: c.faults, logger: c.logger,
    clientId: auth?.type === 'oauth2' ? auth.clientId : 'mailflow-lab-readonly', clientSecret: apiSecret(c), hmac: labHmacKeys(c.env),
  }));
}

async function startServers(c: StartContext): Promise<Lab> {
  const externalDomain = domainOf(c.template.recipient.address);
  // dkim-dns-mismatch: DNS publishes a key that is not the one the gateway signs with.
  const dnsKeys = c.faults.has('dkim-dns-mismatch') ? (await dkimKeys(c.internalDomains)).pub : c.keys.pub;
  const spfVariant = c.faults.has('spf-not-first') ? 'not-first' : c.faults.has('spf-too-many-lookups') ? 'too-many-lookups' : undefined;
  const zone = buildLabZone({ internalDomains: c.internalDomains, externalDomain, dkimPublicKeys: dnsKeys, spfWithoutGateway: c.faults.has('spf-missing-gateway'), spfVariant });
  const dns = await track(c.started, startDnsServer(zone, LAB_ADDRESS.dns, c.logger));
  const resolver = createLabResolver([dns.server]);
  const events = new EventEmitter();
  const smtpPorts: SmtpPortMap = new Map();
  const settings = labGatewaySettings({ template: c.template, internalDomains: c.internalDomains, dkimPublicKeys: c.keys.pub, faults: c.faults });
  const gatewayState = createGatewayState(settings);
  const common = { ca: c.ca.caPem, resolver, smtpPorts, faults: c.faults, logger: c.logger };

  // Filled once the mailboxes listen; the MTAs only look into it when mail arrives.
  const mailboxes = new Map<string, ImapMailbox>();
  const [mailboxList, internalMta, gateway, externalMta, adminApi] = await Promise.all([
    startMailboxes(c, events),
    track(c.started, startInternalMta({ ...common, internalDomains: c.internalDomains, accounts: credentialsOf(c.users, c.env, 'sender'), mailboxes, events, credentials: c.certs.exchange, smartHost: c.template.gateway.smartHosts[0] ?? LAB_HOST.gatewayInbound })),
    track(c.started, startGateway({
      // The SMTP rules obey the same settings the admin API reports.
      ...common, internalDomains: settings.internalDomains.map((d) => d.domain), dkimKeys: signingKeys(settings, c.keys.priv), authorizedOutbound: settings.authorizedOutbound,
      deliveryRoute: LAB_HOST.exchange, state: gatewayState, credentials: c.certs.gateway, stationery: c.opts.stationery ?? labStationery(c),
    })),
    track(c.started, startExternalMta({ ...common, domain: externalDomain, accounts: credentialsOf(c.users, c.env, 'recipient'), mailboxes, events, mxCredentials: c.certs.partnerMx, submissionCredentials: c.certs.partnerSubmission })),
    startApi(c, gatewayState),
  ]);
  for (const m of mailboxList) mailboxes.set(m.user, m);
  smtpPorts.set(LAB_ADDRESS.exchange, internalMta.inboundPort);
  smtpPorts.set(LAB_ADDRESS.gatewayInbound, gateway.port);
  smtpPorts.set(LAB_ADDRESS.partnerMx, externalMta.mxPort);

  const config = fillLabConfig(c.template, {
    dns: dns.server, submission: internalMta.submissionPort, externalSubmission: externalMta.submissionPort,
    imap: new Map(mailboxList.map((m) => [m.user, m.port])), gatewaySmtp: gateway.port, gatewayApi: adminApi.port,
  }, c.ca.caPem);

  const endpoints = endpointsOf(dns, internalMta, gateway, externalMta, mailboxList);
  endpoints.gatewayApi = { role: 'gateway admin API (HTTPS)', protocol: 'https', host: LAB_HOST.gatewayApi, address: LAB_ADDRESS.gatewayApi, port: adminApi.port };

  const startupMs = Math.round(performance.now() - c.t0);
  c.logger.info('lab started', { startupMs, faults: [...c.faults] });
  let stopped: Promise<void> | undefined;
  return {
    config, env: c.env, hmacAuth: labHmacAuth(), caPem: c.ca.caPem, dnsServers: [dns.server], endpoints, users: c.users, events,
    faults: [...c.faults], gatewayState, startupMs,
    async idle() {
      // Each hop may queue work for the next: drain in hop order, twice for bounces flowing back.
      for (let i = 0; i < 2; i++) for (const q of [internalMta, gateway, externalMta]) await q.idle();
    },
    stop() {
      stopped ??= Promise.allSettled([...c.started].reverse().map((s) => s.close())).then(() => undefined);
      return stopped;
    },
  };
}
