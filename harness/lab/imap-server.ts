/**
 * One IMAP mailbox (hoodiecrow is single-user: one instance per mailbox).
 * Clients reach it with STARTTLS and PLAIN/LOGIN or XOAUTH2, as they would
 * Exchange or Gmail. `deliver` appends to INBOX, which notifies IDLE clients.
 */
import hoodiecrow, { type HoodiecrowConnection, type HoodiecrowServer } from 'hoodiecrow-imap';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import type { LeafCertificate } from './ca.ts';

export interface ImapMailboxOptions {
  user: string;
  password: string;
  accessToken: string;
  address: string;
  host: string;
  credentials: LeafCertificate;
  logger: Logger;
  /**
   * Fault imap-drop: the first IDLE on this server has its connection cut this
   * many ms after it starts (a NAT or load balancer dropping an idle flow).
   */
  dropFirstIdleAfterMs?: number;
  onIdleDropped?: () => void;
}

export interface ImapMailbox {
  user: string;
  host: string;
  address: string;
  port: number;
  /** Appends a message to INBOX as the mailbox's delivery agent would; returns its UID. */
  deliver(raw: string | Buffer): number;
  messageCount(): number;
  close(): Promise<void>;
}

interface IdleState {
  dropAfterMs: number | undefined;
  dropped: boolean;
  onDropped: (() => void) | undefined;
}

function textResponse(tag: string, command: string, text: string) {
  return { tag, command, attributes: [{ type: 'TEXT', value: text }] };
}

/**
 * IDLE (RFC 2177) in place of hoodiecrow's own, whose 30-minute timer outlives
 * closed connections and keeps the process alive; it also hosts the drop fault.
 */
function idlePlugin(state: IdleState, timers: Set<NodeJS.Timeout>) {
  return (server: HoodiecrowServer): void => {
    server.registerCapability('IDLE');
    server.setCommandHandler('IDLE', (connection: HoodiecrowConnection, parsed, data, callback) => {
      if (connection.state === 'Not Authenticated') {
        connection.send(textResponse(parsed.tag, 'NO', 'Login first'), 'INVALID COMMAND', parsed, data);
        return callback();
      }
      connection.directNotifications = true;
      connection.inputHandler = (line: string) => {
        connection.inputHandler = false;
        connection.directNotifications = false;
        const done = line.trim().toUpperCase() === 'DONE';
        connection.send(textResponse(parsed.tag, done ? 'OK' : 'BAD', done ? 'IDLE terminated' : 'Invalid Idle continuation'), 'IDLE', parsed, data);
      };
      connection.socket?.write('+ idling\r\n');
      connection.processNotifications();
      if (state.dropAfterMs !== undefined && !state.dropped) {
        state.dropped = true;
        const socket = connection.socket;
        const timer = setTimeout(() => {
          timers.delete(timer);
          socket?.destroy();
          state.onDropped?.();
        }, state.dropAfterMs);
        timers.add(timer);
      }
      return callback();
    });
  };
}

/** Starts one mailbox's IMAP server on `address`, a random port. */
export async function startImapMailbox(opts: ImapMailboxOptions): Promise<ImapMailbox> {
  const timers = new Set<NodeJS.Timeout>();
  const idle: IdleState = { dropAfterMs: opts.dropFirstIdleAfterMs, dropped: false, onDropped: opts.onIdleDropped };
  const server = hoodiecrow({
    // ENABLE first: hoodiecrow requires it before plugins that use it.
    plugins: ['ENABLE', 'ID', idlePlugin(idle, timers), 'STARTTLS', 'SASL-IR', 'AUTH-PLAIN', 'XOAUTH2', 'UIDPLUS'],
    users: { [opts.user]: { password: opts.password, xoauth2: { accessToken: opts.accessToken, sessionTimeout: 3600_000 } } },
    credentials: { key: opts.credentials.key, cert: opts.credentials.cert },
    storage: { INBOX: {}, '': {} },
  });
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    // Real IMAP servers disable Nagle: otherwise each small untagged response
    // waits out the client's delayed ACK (~40 ms) and IDLE detection slows down.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, opts.address, () => resolve());
  });
  server.server.on('error', (e: Error) => opts.logger.warn('imap server error', { user: opts.user, error: e.message }));
  const bound = server.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : 0;
  opts.logger.debug('imap mailbox listening', { user: opts.user, address: opts.address, port });

  let closed: Promise<void> | undefined;
  return {
    user: opts.user,
    host: opts.host,
    address: opts.address,
    port,
    deliver(raw) {
      // hoodiecrow counts literal sizes in string length: hand it one char per octet.
      const binary = (typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw).toString('latin1');
      return server.appendMessage('INBOX', [], new Date(), binary).message.uid;
    },
    messageCount: () => server.getMailbox('INBOX')?.messages.length ?? 0,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}
