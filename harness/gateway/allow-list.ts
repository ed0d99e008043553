/**
 * The only vendor API calls the harness may make: reads. Several are POSTs
 * (API 1.0 puts every call in a POST body), so the list is of method + path,
 * and anything else (verify, bulk-delete, permit-or-block...) is refused
 * before a byte leaves the machine: the credentials are meant to be
 * read-only, and this holds even when they are not.
 */
import { MailflowError } from '../errors.ts';

export const READ_ENDPOINTS: ReadonlySet<string> = new Set([
  'GET /email/cloud-gateway/v1/outbound-ip-addresses',
  'GET /email/cloud-gateway/v1/gateway-details',
  'GET /domain/cloud-gateway/v1/internal-domains',
  'POST /api/domain/get-internal-domain',
  'GET /policy-management/cloud-gateway/v1/dns-authentication-outbound/definitions',
  'GET /policy-management/cloud-gateway/v1/dns-authentication-outbound/policies',
  'POST /api/message-finder/search',
  'POST /api/message-finder/get-message-info',
  'POST /api/account/get-account',
  'POST /api/audit/get-audit-events',
]);

/** Throws EINTERNAL for a call outside the allow-list (a harness bug, never an environment problem). */
export function assertReadEndpoint(method: string, path: string): void {
  if (!READ_ENDPOINTS.has(`${method} ${path}`)) {
    throw new MailflowError('EINTERNAL', `gateway API: ${method} ${path} is not an allowed read endpoint`, { expected: [...READ_ENDPOINTS].join(' | ') });
  }
}
