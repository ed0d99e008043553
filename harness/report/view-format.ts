/**
 * Formatting shared by every human-facing view: durations, times, JSON for
 * people, and the names a customer knows for the config's codes.
 */

/** "1.9 s", "2 min 05 s"; empty for an unknown duration. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** ISO time as "2025-03-04 09:15:02 UTC"; unparseable input is shown as given. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** JSON for people: indented; bigint as text; never throws. */
export function prettyJson(data: unknown): string {
  try {
    return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? String(data);
  } catch {
    return String(data);
  }
}

/** The config's `customer.environment` codes (config/schema.ts), as the customer names them. */
const ENVIRONMENT_NAMES: Record<string, string> = {
  m365: 'Microsoft 365', google: 'Google Workspace', onprem: 'On-premises Exchange', hybrid: 'Hybrid (on-premises and Microsoft 365)',
};
const VENDOR_NAMES: Record<string, string> = { mimecast: 'Mimecast' };

/** "Microsoft 365" for `m365`; an unknown code is shown as given. */
export function environmentName(code: string): string {
  return ENVIRONMENT_NAMES[code.toLowerCase()] ?? code;
}

/** "Mimecast, region EU" for `{ vendor: 'mimecast', region: 'eu' }`. */
export function gatewayName(g: { vendor: string; region: string }): string {
  const region = /^[a-z]{2,4}$/i.test(g.region) ? g.region.toUpperCase() : g.region;
  return `${VENDOR_NAMES[g.vendor.toLowerCase()] ?? g.vendor}, region ${region}`;
}
