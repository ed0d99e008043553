/**
 * Test support: one hoodiecrow IMAP mailbox on loopback, port 0, with STARTTLS,
 * AUTH=PLAIN, SASL-IR and XOAUTH2, plus hooks tests need (drop every connection,
 * count connections, change UIDVALIDITY). Its IDLE is a small replacement for
 * hoodiecrow's, whose 30-minute timer outlives the socket.
 */
import type { AddressInfo, Socket } from 'node:net';
import hoodiecrow, { type HoodiecrowConnection, type HoodiecrowServer } from 'hoodiecrow-imap';

export interface TestImap {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  append(raw: string): number;
  /** Destroys every open server-side socket. */
  dropAll(): void;
  setUidValidity(value: number): void;
  /** Resolves when a client next enters IDLE (the server has sent "+ idling"). */
  nextIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface TestImapOptions {
  user: string;
  password: string;
  accessToken?: string;
  credentials: { key: string; cert: string };
  idle?: boolean;
}

function quietIdle(server: HoodiecrowServer, onIdle: () => void): void {
  server.registerCapability('IDLE');
  server.setCommandHandler('IDLE', (connection: HoodiecrowConnection, parsed, data, callback) => {
    connection.directNotifications = true;
    connection.inputHandler = (line: string) => {
      connection.inputHandler = false;
      connection.directNotifications = false;
      const ok = line.trim().toUpperCase() === 'DONE';
      connection.send({ tag: parsed.tag, command: ok ? 'OK' : 'BAD', attributes: [{ type: 'TEXT', value: 'IDLE terminated' }] }, 'IDLE', parsed, data);
    };
    connection.socket?.write('+ idling\r\n');
    connection.processNotifications();
    onIdle();
    callback();
  });
}

/** Starts the mailbox; close() it in afterEach. */
export async function startTestImap(opts: TestImapOptions): Promise<TestImap> {
  let idleWaiters: (() => void)[] = [];
  const onIdle = () => {
    const ws = idleWaiters;
    idleWaiters = [];
    for (const w of ws) w();
  };
  const idlePlugin = (server: HoodiecrowServer) => quietIdle(server, onIdle);
  const plugins = ['ENABLE', 'ID', 'STARTTLS', 'SASL-IR', 'AUTH-PLAIN', 'XOAUTH2', 'UIDPLUS', ...(opts.idle === false ? [] : [idlePlugin])];
  const server = hoodiecrow({
    plugins,
    users: { [opts.user]: { password: opts.password, xoauth2: { accessToken: opts.accessToken ?? 'unused-token', sessionTimeout: 3600_000 } } },
    credentials: opts.credentials,
    storage: { INBOX: {}, '': {} },
  });
  const sockets = new Set<Socket>();
  let count = 0;
  server.server.on('connection', (s: Socket) => {
    count++;
    // Real IMAP servers (Dovecot, Exchange) disable Nagle; without it every reply
    // written in two pieces waits out the client's delayed ACK (~40 ms).
    s.setNoDelay(true);
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    connections: () => count,
    append: (raw) => server.appendMessage('INBOX', [], new Date(), raw).message.uid,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    setUidValidity: (value) => {
      const box = server.getMailbox('INBOX') as { uidvalidity?: number } | undefined;
      if (box) box.uidvalidity = value;
    },
    nextIdle: () => new Promise<void>((resolve) => idleWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
