/**
 * MAN01's relay attempt: a direct SMTP session to the gateway from a source
 * address that is NOT an authorized outbound address, offering mail from an
 * internal sender (what a rogue host inside would try) to an external
 * recipient. A gateway that is not an open relay refuses the RCPT (RFC 5321
 * §3.6.2, relay only for authorized clients): only a 5xx to RCPT proves it.
 * A refusal earlier (greeting, MAIL FROM, a STARTTLS it demands but cannot
 * do) says nothing about relaying: inconclusive. No DATA is ever sent: the
 * session ends with RSET and QUIT whatever the answer.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface RelayAttemptOptions {
  host: string;
  port: number;
  sourceAddress: string;
  from: string;
  to: string;
  heloName: string;
  /** node:tls options for STARTTLS, as tls-options.ts builds them for every client. */
  tls: ConnectionOptions;
  timeoutMs: number;
}

export interface RelayAttemptResult {
  /** refused: RCPT got a 5xx; accepted: 2xx (an open relay); inconclusive: anything else (connection refused, 4xx, a 5xx before RCPT...). */
  outcome: 'refused' | 'accepted' | 'inconclusive';
  sourceAddress: string;
  target: string;
  rcptReply?: string;
  error?: string;
  transcript: string[];
}

interface Line {
  code: number;
  text: string;
}

/** A tiny SMTP reader: resolves each complete (possibly multi-line) reply. */
function replies(socket: Socket | TLSSocket, transcript: string[]): () => Promise<Line> {
  let buffer = '';
  const queue: Line[] = [];
  let waiting: ((l: Line) => void) | undefined;
  let failed: ((e: Error) => void) | undefined;
  const onData = (d: Buffer) => {
    buffer += d.toString('latin1');
    let i: number;
    let lines: string[] = [];
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i).replace(/\r$/, '');
      buffer = buffer.slice(i + 1);
      transcript.push(`S: ${line}`);
      lines.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), text: lines.join('\n') };
        lines = [];
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w(reply);
        } else queue.push(reply);
      }
    }
  };
  socket.on('data', onData);
  socket.on('error', (e) => failed?.(e));
  socket.on('close', () => failed?.(new Error('connection closed')));
  return () => {
    const next = queue.shift();
    if (next) return Promise.resolve(next);
    return new Promise<Line>((resolve, reject) => {
      waiting = resolve;
      failed = reject;
    });
  };
}

/** STARTTLS (RFC 3207) on the open socket, verifying the certificate as configured. */
async function upgrade(plain: Socket, opts: RelayAttemptOptions): Promise<TLSSocket> {
  const socket = tlsConnect({ ...opts.tls, socket: plain });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

async function session(opts: RelayAttemptOptions, transcript: string[]): Promise<RelayAttemptResult> {
  const target = `${opts.host}:${opts.port}`;
  const base = { sourceAddress: opts.sourceAddress, target, transcript };
  let socket: Socket | TLSSocket = netConnect({ host: opts.host, port: opts.port, localAddress: opts.sourceAddress });
  socket.setTimeout(opts.timeoutMs, () => socket.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
  let read = replies(socket, transcript);
  const cmd = async (line: string): Promise<Line> => {
    transcript.push(`C: ${line}`);
    socket.write(`${line}\r\n`);
    return read();
  };
  try {
    const greeting = await read();
    if (greeting.code !== 220) return { ...base, outcome: 'inconclusive', error: `greeting ${greeting.text}` };
    let ehlo = await cmd(`EHLO ${opts.heloName}`);
    if (/STARTTLS/i.test(ehlo.text)) {
      const st = await cmd('STARTTLS');
      if (st.code !== 220) return { ...base, outcome: 'inconclusive', error: `STARTTLS refused before any relay test: ${st.text}` };
      socket.removeAllListeners('data');
      socket = await upgrade(socket, opts);
      transcript.push('*: TLS established');
      read = replies(socket, transcript);
      ehlo = await cmd(`EHLO ${opts.heloName}`);
    }
    if (ehlo.code !== 250) return { ...base, outcome: 'inconclusive', error: `EHLO refused: ${ehlo.text}` };
    const mail = await cmd(`MAIL FROM:<${opts.from}>`);
    // A 5xx here (e.g. 530 "must issue STARTTLS first", 550 sender refused) is not a relay refusal: RCPT was never tried.
    if (mail.code !== 250) return { ...base, outcome: 'inconclusive', error: `MAIL FROM:<${opts.from}> got "${mail.text}" before the recipient could be tried` };
    const rcpt = await cmd(`RCPT TO:<${opts.to}>`);
    await cmd('RSET').catch(() => undefined);
    await cmd('QUIT').catch(() => undefined);
    return { ...base, outcome: rcptOutcome(rcpt), rcptReply: rcpt.text };
  } finally {
    socket.destroy();
  }
}

/**
 * What the reply to RCPT proves. A 2xx: the gateway would relay. A 5xx is a
 * relay refusal unless its enhanced code says the recipient itself is bad
 * (RFC 3463 5.1.x, e.g. 550 5.1.1 unknown user, or 556 5.1.10 for a null-MX
 * domain, RFC 7505): an open relay that checks recipients answers that too.
 */
function rcptOutcome(rcpt: Line): RelayAttemptResult['outcome'] {
  if (rcpt.code >= 200 && rcpt.code < 300) return 'accepted';
  if (rcpt.code < 500) return 'inconclusive';
  const enhanced = /^\d{3}[ -]([245])\.(\d{1,3})\.\d{1,3}\b/.exec(rcpt.text);
  return rcpt.code === 556 || enhanced?.[2] === '1' ? 'inconclusive' : 'refused';
}

/** Runs the relay attempt; never throws (a failure to connect is an inconclusive result with the reason). */
export async function attemptRelay(opts: RelayAttemptOptions): Promise<RelayAttemptResult> {
  const transcript: string[] = [`*: connecting to ${opts.host}:${opts.port} from ${opts.sourceAddress}`];
  try {
    return await session(opts, transcript);
  } catch (e) {
    return { outcome: 'inconclusive', sourceAddress: opts.sourceAddress, target: `${opts.host}:${opts.port}`, error: (e as Error).message, transcript };
  }
}
