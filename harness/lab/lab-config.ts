/**
 * Turns config/lab.yaml (the lab's topology in the ordinary config schema)
 * into the config of one running lab: N sending domains derived from the
 * first, real ports, the lab CA, the DNS server's address. Secrets stay
 * references; their values are generated here and returned apart.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { MailflowError } from '../errors.ts';
import { configSchema, SECRET_REF, type Config, type Endpoint, type GatewayApi, type Sender } from '../config/schema.ts';
import type { HmacKeys } from './admin-api.ts';
import { randomToken } from './message-util.ts';
import { crossFieldProblems } from '../config/config-checks.ts';

export const LAB_TEMPLATE_URL = new URL('../../config/lab.yaml', import.meta.url);

/** A lab account: its address and the environment variables holding its secrets. */
export interface LabUser {
  address: string;
  role: 'sender' | 'recipient';
  passwordEnv: string;
  tokenEnv: string;
}

export interface LabPorts {
  dns: string;
  submission: number;
  externalSubmission: number;
  /** IMAP port per mailbox address (lower case). */
  imap: ReadonlyMap<string, number>;
  /** The gateway's SMTP port (relay check) and admin API port. */
  gatewaySmtp?: number;
  gatewayApi?: number;
}

function parseOrThrow(input: unknown, where: string): Config {
  // The same checks a user's config gets: the schema, then the cross-field rules (config-checks.ts).
  const result = configSchema.safeParse(input);
  const cross = crossFieldProblems(input).map((p) => `${p.path.map(String).join('.')}: ${p.message}`);
  if (result.success && cross.length === 0) return result.data;
  const issues = [...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), ...cross];
  throw new MailflowError('ELAB', `${where}: invalid lab config`, { file: where }, { issues });
}

/** Reads and validates the template (ports 0 allowed: the schema's lab exception). */
export async function readLabTemplate(url: URL = LAB_TEMPLATE_URL): Promise<Config> {
  const text = await readFile(url, 'utf8');
  return parseOrThrow(parseYaml(text), url.pathname);
}

function suffixRef(ref: string | undefined, n: number): string | undefined {
  // ${env:MAILFLOW_LAB_ALICE_PASS} -> ${env:MAILFLOW_LAB_ALICE2_PASS}
  return ref?.replace(/_([A-Z0-9]+)\}$/, `${n}_$1}`);
}

function deriveEndpoint(e: Endpoint, from: string, to: string, n: number): Endpoint {
  const copy: Endpoint = structuredClone(e);
  if (copy.auth?.type === 'password') {
    copy.auth.user = copy.auth.user.replace(from, to);
    copy.auth.pass = suffixRef(copy.auth.pass, n) ?? copy.auth.pass;
  }
  return copy;
}

/** The template with domains 2..N (acme2.test, ...) and a sender for each, derived from the first. */
export function withDomainCount(template: Config, count: number): Config {
  const [firstDomain] = template.domains;
  const [firstSender] = template.senders;
  if (!firstDomain || !firstSender || count <= 1) return template;
  const out = structuredClone(template);
  out.domains = [firstDomain];
  out.senders = [firstSender];
  for (let n = 2; n <= count; n++) {
    const name = firstDomain.name.replace(/^([^.]+)/, `$1${n}`);
    out.domains.push({ ...firstDomain, name });
    const sender: Sender = {
      address: firstSender.address.replace(firstDomain.name, name),
      smtp: deriveEndpoint(firstSender.smtp, firstDomain.name, name, n),
    };
    if (firstSender.imap) sender.imap = deriveEndpoint(firstSender.imap, firstDomain.name, name, n);
    out.senders.push(sender);
  }
  return out;
}

function envName(ref: string | undefined, where: string): string {
  const m = ref === undefined ? null : SECRET_REF.exec(ref);
  if (!m?.[2] || m[1] !== 'env') throw new MailflowError('ELAB', `lab config: ${where} must be an \${env:NAME} reference`, { path: where });
  return m[2];
}

/** The accounts of the lab with their secret variable names; tokens sit beside passwords (…_PASS -> …_TOKEN). */
export function labUsers(config: Config): LabUser[] {
  const user = (address: string, role: LabUser['role'], e: Endpoint | undefined, where: string): LabUser => {
    const passwordEnv = envName(e?.auth?.type === 'password' ? e.auth.pass : undefined, where);
    return { address: address.toLowerCase(), role, passwordEnv, tokenEnv: passwordEnv.replace(/_PASS$/, '_TOKEN') };
  };
  return [
    ...config.senders.map((s, i) => user(s.address, 'sender', s.smtp, `senders.${i}.smtp.auth.pass`)),
    user(config.recipient.address, 'recipient', config.recipient.imap, 'recipient.imap.auth.pass'),
  ];
}

/** Fresh throwaway secrets for every lab user: the values behind the config's references. */
export function generateSecrets(users: readonly LabUser[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const u of users) {
    env[u.passwordEnv] = `lab-${randomToken(12)}`;
    env[u.tokenEnv] = `ya29.lab-${randomToken(24)}`;
  }
  return env;
}

function fill(e: Endpoint, port: number, caPem: string): Endpoint {
  return { ...e, port, tls: { ...e.tls, ca: caPem } };
}

/** The running lab's config: every port and the CA filled in, validated again. */
export function fillLabConfig(template: Config, ports: LabPorts, caPem: string): Config {
  const c = structuredClone(template);
  c.senders = c.senders.map((s) => {
    const out: Sender = { ...s, smtp: fill(s.smtp, ports.submission, caPem) };
    if (s.imap) out.imap = fill(s.imap, ports.imap.get(s.address.toLowerCase()) ?? 0, caPem);
    return out;
  });
  c.recipient.imap = fill(c.recipient.imap, ports.imap.get(c.recipient.address.toLowerCase()) ?? 0, caPem);
  if (c.recipient.smtp) c.recipient.smtp = fill(c.recipient.smtp, ports.externalSubmission, caPem);
  c.dns.servers = [ports.dns];
  if (c.gateway.api && ports.gatewayApi !== undefined) {
    const url = new URL(c.gateway.api.baseUrl);
    url.port = String(ports.gatewayApi);
    c.gateway.api = { ...c.gateway.api, baseUrl: url.origin, tls: { ...c.gateway.api.tls, ca: caPem } };
  }
  if (c.gateway.relayCheck && ports.gatewaySmtp !== undefined) c.gateway.relayCheck = { ...c.gateway.relayCheck, port: ports.gatewaySmtp, tls: { ...c.gateway.relayCheck.tls, ca: caPem } };
  return parseOrThrow(c, 'lab config (filled)');
}

/** The API 1.0 application id and the variables its keys are handed over in (like the mailbox passwords). */
export const LAB_HMAC = { appId: 'mailflow-lab-app', appKeyEnv: 'MAILFLOW_LAB_MC_APP_KEY', accessKeyEnv: 'MAILFLOW_LAB_MC_ACCESS_KEY', secretKeyEnv: 'MAILFLOW_LAB_MC_SECRET_KEY' } as const;

/** Fresh API 1.0 keys for one lab start (the secret key base64, as the vendor issues it), added to `env`. */
export function labHmacKeys(env: Record<string, string>): HmacKeys {
  const keys: HmacKeys = {
    appId: LAB_HMAC.appId, appKey: `lab-app-${randomToken(16)}`, accessKey: `lab-ak-${randomToken(16)}`,
    secretKey: Buffer.from(`lab-sk-${randomToken(24)}`).toString('base64'),
  };
  env[LAB_HMAC.appKeyEnv] = keys.appKey;
  env[LAB_HMAC.accessKeyEnv] = keys.accessKey;
  env[LAB_HMAC.secretKeyEnv] = keys.secretKey;
  return keys;
}

/** The `gateway.api.auth` block that uses the lab's API 1.0 keys (the HMAC fallback). */
export function labHmacAuth(): Extract<GatewayApi['auth'], { type: 'hmac' }> {
  const ref = (name: string) => `\${env:${name}}`;
  return { type: 'hmac', appId: LAB_HMAC.appId, appKey: ref(LAB_HMAC.appKeyEnv), accessKey: ref(LAB_HMAC.accessKeyEnv), secretKey: ref(LAB_HMAC.secretKeyEnv) };
}
