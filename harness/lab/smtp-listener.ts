/**
 * What every lab SMTP server shares: its certificate, reverse DNS through the
 * lab resolver (smtp-server looks the client up, as real MTAs do for the
 * Received `from` clause), our own enhanced status codes (RFC 3463) in reply
 * texts, and listening on port 0 of its own loopback address.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Logger } from '../logger.ts';
import type { LeafCertificate } from './ca.ts';
import type { LabResolver } from './lab-resolver.ts';

/** An Error smtp-server turns into the reply `code text`. */
export function smtpReply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

export interface ListenerBase {
  name: string;
  credentials: LeafCertificate;
  resolver: LabResolver;
}

/** Options common to the lab's SMTP servers; the caller adds handlers and auth settings. */
export function baseOptions(base: ListenerBase): SMTPServerOptions {
  return {
    name: base.name,
    key: base.credentials.key,
    cert: base.credentials.cert,
    logger: false,
    // Replies carry enhanced codes written by the lab (e.g. "550 5.7.1 ..."), never a second one.
    hideENHANCEDSTATUSCODES: true,
    size: 25 * 1024 * 1024,
    closeTimeout: 200,
    resolver: {
      reverse: (ip, callback) => {
        base.resolver.reverse(ip).then(
          (name) => callback(null, name ? [name] : []),
          (e: unknown) => callback(e as Error),
        );
      },
    },
  };
}

/**
 * Listens on `address`, port 0; resolves with the port the system chose.
 * smtp-server re-emits every session's socket error (a client resetting, a
 * failed TLS handshake) on the server; unheard, one would end the process.
 */
export async function listenOn(server: SMTPServer, address: string, logger: Logger): Promise<number> {
  server.on('error', (e: Error) => logger.debug('smtp session error', { address, error: e.message }));
  return new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, address, () => {
      const bound = server.server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : 0);
    });
  });
}

/** Closes a server; open sessions get 421 after smtp-server's short close timeout. */
export function closeServer(server: SMTPServer): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
