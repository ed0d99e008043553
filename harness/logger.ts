/** The logger every component takes (STYLE.md §3: inject the outside world). */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Writes `level component: message` lines to stderr; debug only when MAILFLOW_DEBUG is set. */
export function consoleLogger(component: string, debug = Boolean(process.env.MAILFLOW_DEBUG)): Logger {
  const line = (level: string, msg: string, data?: Record<string, unknown>) =>
    process.stderr.write(`${level} ${component}: ${msg}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
  return {
    debug: (m, d) => { if (debug) line('debug', m, d); },
    info: (m, d) => line('info', m, d),
    warn: (m, d) => line('warn', m, d),
    error: (m, d) => line('error', m, d),
  };
}
