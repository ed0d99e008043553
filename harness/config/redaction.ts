/**
 * Scrubs secret values out of text bound for logs, evidence and reports.
 * A secret rarely travels bare over SMTP/IMAP: AUTH PLAIN sends
 * base64("\0user\0pass") (RFC 4616 §2) and XOAUTH2 sends
 * base64("user=…\x01auth=Bearer TOKEN\x01\x01"), so besides the literal value
 * (and its base64 and URL-encoded forms) every base64-looking token is decoded
 * and dropped whole when a secret is inside.
 */

export const REDACTED = '[redacted]';

/** Values shorter than this are not redacted: "on", "25" would shred every transcript. */
export const MIN_SECRET_LENGTH = 4;

// 8+ characters of the base64 alphabet: shorter tokens cannot carry a 4-byte secret plus framing.
const BASE64_TOKEN = /[A-Za-z0-9+/]{8,}={0,2}/g;
const MAX_TOKEN = 64 * 1024;

/** Returns `text` with every value in `secrets` (and its encodings) replaced by `[redacted]`. */
export function redactText(text: string, secrets: Iterable<string>): string {
  const values = [...new Set(secrets)].filter((v) => v.length >= MIN_SECRET_LENGTH);
  if (values.length === 0 || text.length === 0) return text;
  let out = text.replace(BASE64_TOKEN, (token) => (token.length <= MAX_TOKEN && decodedHasSecret(token, values) ? REDACTED : token));
  for (const form of encodedForms(values)) out = out.split(form).join(REDACTED);
  return out;
}

/** The literal values and the encodings they commonly travel in, longest first (so no partial leaves a tail). */
function encodedForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const v of values) {
    forms.add(v);
    forms.add(Buffer.from(v, 'utf8').toString('base64'));
    forms.add(Buffer.from(v, 'utf8').toString('base64').replace(/=+$/, ''));
    // OAuth token requests are application/x-www-form-urlencoded (RFC 6749 §4.1.3).
    forms.add(encodeURIComponent(v));
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

function decodedHasSecret(token: string, values: readonly string[]): boolean {
  // The token may carry a few glued-on characters in front (`AUTHdXNl…`): try each 4-char alignment.
  for (let shift = 0; shift < 4 && token.length - shift >= 8; shift++) {
    const decoded = Buffer.from(token.slice(shift), 'base64');
    const utf8 = decoded.toString('utf8');
    const latin1 = decoded.toString('latin1');
    if (values.some((v) => utf8.includes(v) || latin1.includes(v))) return true;
  }
  return false;
}
