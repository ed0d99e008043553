/**
 * Endpoint.tls (config) -> node:tls connection options, shared by the SMTP
 * (nodemailer) and IMAP (imapflow) clients so both verify certificates the same way.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import type { Endpoint } from '../config/schema.ts';
import { MailflowError, errorMessage } from '../errors.ts';

/** node:tls options for one endpoint: extra CAs, verification, SNI name. */
export function tlsOptions(endpoint: Pick<Endpoint, 'host' | 'tls'>): ConnectionOptions {
  const { tls } = endpoint;
  const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  const extra = extraCas(endpoint);
  // Node replaces its bundled roots when `ca` is given; the config's CAs are meant to be
  // trusted in addition (a private CA next to public ones), so keep the roots too.
  if (extra.length > 0) options.ca = [...rootCertificates, ...extra];
  const servername = tls.servername ?? (isIP(endpoint.host) !== 0 ? undefined : endpoint.host);
  // RFC 6066 §3: SNI carries host names only, never an address literal.
  if (servername !== undefined) options.servername = servername;
  return options;
}

function extraCas(endpoint: Pick<Endpoint, 'host' | 'tls'>): string[] {
  const cas: string[] = [];
  if (endpoint.tls.ca !== undefined) cas.push(endpoint.tls.ca);
  if (endpoint.tls.caFile !== undefined) {
    try {
      cas.push(readFileSync(endpoint.tls.caFile, 'utf8'));
    } catch (e) {
      throw new MailflowError('ECONFIG', `tls.caFile: cannot read ${endpoint.tls.caFile} for ${endpoint.host} (${errorMessage(e)})`, {
        path: 'tls.caFile',
        expected: 'a readable PEM file',
      }, { cause: e });
    }
  }
  return cas;
}


/** Node/OpenSSL error codes of a failed handshake or a refused certificate. */
export function isTlsFailureCode(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH/.test(code);
}
