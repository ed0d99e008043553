/**
 * Secrets are held apart from the config (which only holds references) so that
 * nothing that serializes the config can leak them.
 */
export interface SecretStore {
  /** The value behind `${env:NAME}` / `${secret:NAME}`; throws MailflowError ESECRET if it cannot. */
  reveal(ref: string): string;
  /** Replaces every secret value this store has revealed or loaded with `[redacted]`. */
  redact(text: string): string;
}
