/**
 * The one schema for a target environment (STYLE.md §6). The config never holds
 * a secret value: secret fields hold a reference (`${env:NAME}` or
 * `${secret:NAME}`), resolved at use time through a SecretStore, so a config
 * can be serialized into results and reports without leaking anything.
 */
import { z } from 'zod';

export const SECRET_REF = /^\$\{(env|secret):([A-Za-z_][A-Za-z0-9_.-]*)\}$/;

export const secretRef = z
  .string()
  .regex(SECRET_REF, { message: 'a secret reference: ${env:NAME} or ${secret:NAME}, never the secret itself' })
  .describe('A reference to a secret: ${env:NAME} reads an environment variable, ${secret:NAME} a key of the secrets file.');

export const passwordAuth = z
  .object({
    type: z.literal('password'),
    user: z.string().min(1),
    pass: secretRef,
  })
  .strict();

/** XOAUTH2 (RFC 7628 style SASL, as Gmail and Microsoft 365 use it): basic auth is gone there. */
export const oauth2Auth = z
  .object({
    type: z.literal('oauth2'),
    user: z.string().min(1),
    /** A ready access token (short-lived), or the refresh flow below. */
    accessToken: secretRef.optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: secretRef.optional(),
    refreshToken: secretRef.optional(),
    /** Token endpoint, e.g. https://oauth2.googleapis.com/token or https://login.microsoftonline.com/TENANT/oauth2/v2.0/token */
    tokenUrl: z.url().optional(),
  })
  .strict()
  .refine((a) => a.accessToken !== undefined || (a.clientId !== undefined && a.refreshToken !== undefined && a.tokenUrl !== undefined), {
    message: 'oauth2 needs accessToken, or clientId + refreshToken + tokenUrl',
  });

export const authSchema = z.discriminatedUnion('type', [passwordAuth, oauth2Auth]);

export const tlsOptions = z
  .object({
    /** PEM file of extra CAs to trust (a private CA, the lab's CA). */
    caFile: z.string().min(1).optional(),
    /** PEM text of extra CAs to trust. */
    ca: z.string().min(1).optional(),
    /** Certificates are verified by default; false is printed in the report. */
    rejectUnauthorized: z.boolean().default(true),
    servername: z.string().min(1).optional(),
  })
  .strict();

export const endpointSchema = z
  .object({
    host: z.string().min(1),
    /** 0 only in the lab's own config: the lab fills in the port it bound. */
    port: z.number().int().min(0).max(65535),
    /** starttls (587/25/143), tls (465/993, implicit), none (never on a real network). */
    security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
    auth: authSchema.optional(),
    tls: tlsOptions.prefault({}),
  })
  .strict();

export const domainSchema = z
  .object({
    name: z.string().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, { message: 'a domain name such as example.com' }),
    /** DKIM selectors the gateway signs this domain with (selector._domainkey.domain). */
    dkimSelectors: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** API 2.0 OAuth2 client credentials (preferred), or API 1.0 HMAC keys for tenants that only have those. */
export const gatewayApiAuth = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('oauth2'),
      clientId: z.string().min(1),
      clientSecret: secretRef,
      /** Default: <baseUrl>/oauth/token. */
      tokenUrl: z.url().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('hmac'),
      appId: z.string().min(1),
      appKey: secretRef,
      accessKey: secretRef,
      secretKey: secretRef,
    })
    .strict(),
]);

export const gatewayApiSchema = z
  .object({
    /** API host: https://api.services.mimecast.com (2.0) or the regional https://eu-api.mimecast.com (1.0). */
    baseUrl: z.url().default('https://api.services.mimecast.com'),
    auth: gatewayApiAuth,
    tls: tlsOptions.prefault({}),
    /** How long to wait for a probe to show up, delivered, in the message log (it lags behind the mail). */
    logWaitSeconds: z.number().positive().max(3600).default(120),
    /** Longest wait for a rate-limit reset (429) before giving up. */
    maxRateLimitWaitSeconds: z.number().positive().max(3600).default(120),
  })
  .strict();

export const relayCheckSchema = z
  .object({
    /** A local address of this machine that is not an authorized outbound address (bound as the source). */
    sourceAddress: z.ipv4().or(z.ipv6()),
    /** The gateway host to try; default the first smart host. */
    host: z.string().min(1).optional(),
    /** 0 only in the lab's own config. */
    port: z.number().int().min(0).max(65535).default(25),
    tls: tlsOptions.prefault({}),
  })
  .strict();

export const gatewaySchema = z
  .object({
    vendor: z.enum(['mimecast']).default('mimecast'),
    /** Mimecast data-centre region: decides the smart hosts and the SPF include. */
    region: z.string().min(1),
    /** The gateway's inbound smart hosts the customer's MTA relays to. */
    smartHosts: z.array(z.string().min(1)).default([]),
    /** Public addresses (CIDR) of the customer's MTAs, as authorized on the gateway. */
    authorizedOutbound: z.array(z.string().min(1)).default([]),
    /** Regular expressions matching host names the gateway stamps in Received `by`/`from`. */
    hopPatterns: z.array(z.string().min(1)).min(1),
    /** The SPF mechanism that authorizes the gateway, e.g. include:eu._netblocks.mimecast.com. */
    spfMechanism: z.string().min(1).optional(),
    /** Read-only access to the gateway's API (configuration and message log); without it the API cases are NOT_RUN. */
    api: gatewayApiSchema.optional(),
    /** The type every internal domain must have on the gateway (the plan expects remote: mailboxes elsewhere). */
    domainType: z.enum(['remote', 'local', 'send-only']).default('remote'),
    /** MAN01's relay attempt: connect to the gateway from an address that is NOT authorized; without it that part is NOT_RUN. */
    relayCheck: relayCheckSchema.optional(),
  })
  .strict();

export const senderSchema = z
  .object({
    /** The internal mailbox probes are sent from; its domain must be one of `domains`. */
    address: z.email(),
    /** Submission to the customer's MTA (or Microsoft 365 / Gmail SMTP). */
    smtp: endpointSchema,
    /** The sender's own mailbox: where bounces (RFC 3464 DSNs) and replies arrive. */
    imap: endpointSchema.optional(),
  })
  .strict();

export const recipientSchema = z
  .object({
    /** An external mailbox at a provider that verifies SPF/DKIM/DMARC. */
    address: z.email(),
    imap: endpointSchema,
    /** The external provider's submission, used to send replies (MAN15). */
    smtp: endpointSchema.optional(),
    /**
     * authserv-ids (RFC 8601 §2.5) the recipient's provider stamps, e.g. mx.google.com.
     * Only Authentication-Results with one of these ids are trusted.
     */
    authservIds: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const probeFormat = z.enum(['text', 'html', 'html-only', 'rich-text']);

export const configSchema = z
  .object({
    /** Free text: whose environment this is, for the report's cover. */
    customer: z.string().min(1).default('unnamed customer'),
    environment: z.enum(['m365', 'google', 'onprem', 'hybrid']),
    domains: z.array(domainSchema).min(1),
    gateway: gatewaySchema,
    senders: z.array(senderSchema).min(1),
    recipient: recipientSchema,
    /** DNS servers for re-verification and record checks ("host" or "host:port"); default: the system's. */
    dns: z.object({ servers: z.array(z.string().min(1)).default([]) }).strict().prefault({}),
    stationery: z
      .object({
        uniqueText: z.string().min(1).optional(),
        disclaimerText: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    probes: z
      .object({
        /** Default: every format (MAN14/MAN15 check each); the first is the primary probe the header cases read. */
        formats: z.array(probeFormat).min(1).default(['html', 'text', 'html-only', 'rich-text']),
        /** Prefix of probe subjects, so people recognise them in a mailbox. */
        subjectPrefix: z.string().default('[mailflow probe]'),
      })
      .strict()
      .prefault({}),
    timeouts: z
      .object({
        /** How long a probe may take from submission to the recipient's mailbox. */
        deliverySeconds: z.number().positive().max(3600).default(180),
        /** One SMTP or IMAP connection. */
        connectSeconds: z.number().positive().max(300).default(30),
        /** Submission attempts for a transient (4xx, network) failure. */
        submitRetries: z.number().int().min(0).max(10).default(3),
      })
      .strict()
      .prefault({}),
    /** Engineers' attestations for what neither mail nor the gateway's API can show (`mailflow attest`). */
    attestations: z
      .object({
        /** JSON file the attestations are kept in, relative to the working directory. */
        file: z.string().min(1).optional(),
        /** How long an attestation stays valid. */
        validityDays: z.number().int().positive().max(3650).default(90),
      })
      .strict()
      .prefault({}),
    /** File with secrets for ${secret:NAME} references (YAML or JSON map, or NAME=value lines). */
    secretsFile: z.string().min(1).optional(),
  })
  // Checks across fields (sender domains, hop patterns) live in config-checks.ts: they run on the raw data
  // even when other keys are invalid, where a superRefine would not, so every problem is reported at once.
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type Endpoint = z.output<typeof endpointSchema>;
export type Auth = z.output<typeof authSchema>;
export type Sender = z.output<typeof senderSchema>;
export type Recipient = z.output<typeof recipientSchema>;
export type ProbeFormat = z.output<typeof probeFormat>;
export type GatewayApi = z.output<typeof gatewayApiSchema>;
export type RelayCheck = z.output<typeof relayCheckSchema>;
