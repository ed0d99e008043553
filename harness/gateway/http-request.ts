/**
 * One HTTP(S) exchange with node:https, so that a private CA (the lab's) and a
 * TLS server name can be given per call; fetch cannot take a CA without extra
 * packages. Bounded in time and in response size.
 */
import type { ConnectionOptions } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MailflowError } from '../errors.ts';

export interface HttpOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** node:tls options as tls-options.ts builds them (CAs, verification, SNI); verification on when absent. */
  tls?: ConnectionOptions;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const MAX_RESPONSE = 20 * 1024 * 1024;

export function sendHttp(opts: HttpOptions): Promise<HttpResponse> {
  const url = new URL(opts.url);
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method,
      headers: { ...opts.headers, ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}) },
      rejectUnauthorized: true,
      ...opts.tls,
      timeout: opts.timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE) req.destroy(new Error(`response larger than ${MAX_RESPONSE} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new MailflowError('ETIMEOUT', `${opts.method} ${url.origin}${url.pathname}: no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof MailflowError) return reject(e);
      const tls = /CERT|SSL|TLS|self.signed|altname/i.test(`${e.code ?? ''} ${e.message}`);
      reject(new MailflowError(tls ? 'ETLS' : 'ECONNECTION', `${opts.method} ${url.origin}${url.pathname}: ${e.message}`, { url: `${url.origin}${url.pathname}` }, { cause: e }));
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
