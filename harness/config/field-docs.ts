/**
 * One-line descriptions of config keys for the generated JSON Schema, so an
 * editor (yaml-language-server) shows them on hover. Keyed by key path:
 * `*` is one list item or key, a leading `**.` any prefix (endpoint fields
 * appear under senders and recipient alike).
 */
export const FIELD_DOCS: Readonly<Record<string, string>> = {
  customer: 'Whose environment this is; printed on the report cover.',
  environment: 'Where the mailboxes live: m365 (Microsoft 365), google (Google Workspace), onprem (Exchange or another MTA you run), hybrid. Decides which cases apply.',
  domains: 'The internal domains that send through the gateway; probes are sent from each.',
  'domains.*': 'An internal sending domain.',
  'domains.*.name': 'The domain, e.g. example.com.',
  'domains.*.dkimSelectors': 'DKIM selectors the gateway signs this domain with (published at selector._domainkey.domain).',
  gateway: 'The secure email gateway the outbound route goes through.',
  'gateway.vendor': 'Gateway product; mimecast is the one supported.',
  'gateway.region': 'The gateway data-centre region (eu, us, de, uk, ca, za, au…); decides smart hosts and the SPF include.',
  'gateway.smartHosts': 'The gateway host names your mail platform relays outbound mail to.',
  'gateway.authorizedOutbound': 'Public addresses (CIDR) of your own MTAs that the gateway accepts outbound mail from; empty for hosted platforms.',
  'gateway.hopPatterns': 'Regular expressions for the host names the gateway writes in Received headers; how its hops are recognised.',
  'gateway.spfMechanism': 'The SPF mechanism that authorizes the gateway, e.g. include:eu._netblocks.mimecast.com.',
  'gateway.api': "Read-only access to the gateway's API (configuration and message log); without it the API cases are NOT_RUN.",
  'gateway.api.baseUrl': 'API host: https://api.services.mimecast.com (API 2.0) or the regional API 1.0 host such as https://eu-api.mimecast.com.',
  'gateway.api.auth': 'API credentials: type oauth2 (API 2.0 client credentials) or hmac (API 1.0 keys).',
  'gateway.api.auth.type': 'oauth2 (API 2.0 application) or hmac (API 1.0 keys).',
  'gateway.api.auth.clientId': 'Client id of the API 2.0 application (read permissions only).',
  'gateway.api.auth.clientSecret': 'Client secret of the API 2.0 application: a reference, never the secret.',
  'gateway.api.auth.tokenUrl': 'Token endpoint; default <baseUrl>/oauth/token.',
  'gateway.api.auth.appId': 'API 1.0 application id.',
  'gateway.api.auth.appKey': 'API 1.0 application key: a reference.',
  'gateway.api.auth.accessKey': 'API 1.0 access key: a reference.',
  'gateway.api.auth.secretKey': 'API 1.0 secret key (base64): a reference.',
  'gateway.api.tls': 'TLS options for the API host (extra CA, server name).',
  'gateway.api.logWaitSeconds': 'How long to wait for a probe to appear, settled, in the message log.',
  'gateway.api.maxRateLimitWaitSeconds': 'Longest total wait for rate-limit resets (HTTP 429) per call before giving up.',
  'gateway.domainType': 'The type every internal domain must have on the gateway: remote (mailboxes elsewhere), local or send-only.',
  'gateway.relayCheck': "MAN01's relay attempt from an address that is not authorized; without it that part of MAN01 is NOT_RUN.",
  'gateway.relayCheck.sourceAddress': 'A local address of this machine that is NOT an authorized outbound address, bound as the source.',
  'gateway.relayCheck.host': 'Gateway host to try the relay on; default the first smart host.',
  'gateway.relayCheck.port': 'SMTP port of the gateway host (25).',
  'gateway.relayCheck.tls': 'TLS options for STARTTLS on the relay attempt.',
  senders: 'Mailboxes probes are sent from, one per sending domain at least.',
  'senders.*': 'A sending mailbox and how to submit mail as it.',
  'senders.*.address': 'The sending address; its domain must be listed under domains.',
  'senders.*.smtp': 'Where probes are submitted (your MTA, Microsoft 365 or Gmail submission).',
  'senders.*.imap': "The sender's own mailbox: bounces and replies arrive here.",
  recipient: 'An external mailbox at a provider that checks SPF, DKIM and DMARC; probes are read here.',
  'recipient.address': 'The external address probes are sent to.',
  'recipient.imap': 'How to read the external mailbox.',
  'recipient.smtp': "The external provider's submission service, used to send replies back.",
  'recipient.authservIds': 'authserv-ids (RFC 8601 §2.5) the provider stamps in Authentication-Results; headers with other ids are not trusted.',
  dns: 'DNS used for record checks and re-verification.',
  'dns.servers': 'Resolvers as host or host:port; empty means the system resolver.',
  stationery: 'The disclaimer or stationery the gateway adds to outbound mail.',
  'stationery.uniqueText': "Text that only the gateway's stationery contains; counted to prove it appears exactly once.",
  'stationery.disclaimerText': 'The disclaimer text, when it should be checked word for word.',
  probes: 'How probe messages are made.',
  'probes.formats': 'Body formats to send each probe in (text, html, html-only, rich-text).',
  'probes.subjectPrefix': 'Start of every probe subject, so people recognise probes in a mailbox.',
  timeouts: 'Limits for slow networks and slow queues.',
  'timeouts.deliverySeconds': 'How long a probe may take from submission to the recipient mailbox.',
  'timeouts.connectSeconds': 'How long one SMTP or IMAP connection may take.',
  'timeouts.submitRetries': 'How often a submission is retried after a temporary (4xx or network) failure.',
  attestations: "Engineers' attestations for what neither mail nor the API can show (mailflow attest).",
  'attestations.file': 'JSON file the attestations are kept in, relative to the working directory.',
  'attestations.validityDays': 'How many days an attestation stays valid.',
  secretsFile: 'File holding the values behind ${secret:NAME} references (YAML/JSON map or NAME=value lines), relative to this config.',
  '**.host': 'Host name (or address) of the server.',
  '**.port': 'TCP port: 587 submission, 465 implicit TLS submission, 25 relay, 993 IMAPS, 143 IMAP.',
  '**.security': 'starttls (upgrade after connecting: 587, 25, 143), tls (TLS from the start: 465, 993), none (never on a real network).',
  '**.auth': 'How to log in: a password or OAuth 2 (XOAUTH2).',
  '**.auth.type': 'password or oauth2.',
  '**.auth.user': 'The login name, usually the mailbox address.',
  '**.auth.pass': 'Reference to the password: ${env:NAME} or ${secret:NAME}.',
  '**.auth.accessToken': 'Reference to a ready OAuth 2 access token (short-lived).',
  '**.auth.clientId': 'OAuth 2 client (application) id, for the refresh-token flow.',
  '**.auth.clientSecret': 'Reference to the OAuth 2 client secret.',
  '**.auth.refreshToken': 'Reference to the OAuth 2 refresh token.',
  '**.auth.tokenUrl': 'OAuth 2 token endpoint of the provider.',
  '**.tls': 'TLS settings for this server.',
  '**.tls.caFile': 'PEM file of extra certificate authorities to trust (a private CA), relative to this config.',
  '**.tls.ca': 'PEM text of extra certificate authorities to trust.',
  '**.tls.rejectUnauthorized': 'Verify the server certificate (default true); false is printed in the report as a warning.',
  '**.tls.servername': 'Name to expect in the certificate, when it differs from host.',
};

/** The description for a key path (`senders.0.smtp.port` or `senders.*.smtp.port`), if any. */
export function docFor(path: readonly string[]): string | undefined {
  const generic = path.map((s) => (/^\d+$/.test(s) ? '*' : s));
  const exact = FIELD_DOCS[generic.join('.')];
  if (exact !== undefined) return exact;
  for (let start = 1; start < generic.length; start++) {
    const doc = FIELD_DOCS[`**.${generic.slice(start).join('.')}`];
    if (doc !== undefined) return doc;
  }
  return undefined;
}
