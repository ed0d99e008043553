import { inflateSync } from 'node:zlib';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import type { ProbeFormat } from '../config/schema.ts';
import { buildProbe, probeToken } from './probe-message.ts';
import { solidPng } from './tiny-png.ts';

const fixed = { clock: () => new Date('2025-03-04T10:00:00Z'), random: () => 'AB12cd-34' };

async function render(format: ProbeFormat): Promise<{ token: string; raw: string; subject: string }> {
  const p = buildProbe({ from: 'probe@acme.test', to: 'ext@partner.test', domain: 'acme.test', format, subjectPrefix: '[mailflow probe]', runId: 'Run_2025-03-04', ...fixed });
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(p.mail);
  return { token: p.token, raw: (info.message as Buffer).toString('utf8'), subject: p.subject };
}

const contentTypes = (raw: string) => [...raw.matchAll(/^Content-Type: ([^;\r\n]+)/gim)].map((m) => m[1]?.toLowerCase());

describe('buildProbe', () => {
  it('makes a lowercase url-safe token and a Message-ID on the sending domain', () => {
    const p = buildProbe({ from: 'a@acme.test', to: 'b@partner.test', domain: 'acme.test', format: 'text', subjectPrefix: '[mailflow probe]', runId: 'Run_2025-03-04', ...fixed });
    expect(p.token).toBe('mf-run20250-ab12cd34');
    expect(p.messageId).toBe('<mf-run20250-ab12cd34@acme.test>');
    expect(p.subject.startsWith('[mailflow probe] ')).toBe(true);
    expect(p.subject).toContain(p.token);
    expect(probeToken('', () => '')).toMatch(/^mf-run-[0-9a-f]{12}$/);
  });

  it('puts the token in the header, the subject and the body', async () => {
    const { token, raw } = await render('text');
    expect(raw).toContain(`X-Mailflow-Probe: ${token}`);
    expect(raw.replace(/\r\n[ \t]+/g, ' ')).toMatch(new RegExp(`^Subject: .*${token}`, 'm'));
    expect(raw).toContain(`Reference: ${token}`);
    expect(raw).toContain('Date: Tue, 04 Mar 2025 10:00:00 +0000');
  });

  it.each([
    ['text', ['text/plain']],
    ['html', ['multipart/alternative', 'text/plain', 'text/html']],
    ['html-only', ['text/html']],
    ['rich-text', ['multipart/alternative', 'text/plain', 'multipart/related', 'text/html', 'image/png']],
  ] as const)('%s has the MIME structure a mail client sends', async (format, expected) => {
    const { raw } = await render(format);
    expect(contentTypes(raw)).toEqual(expected);
  });

  it('rich-text carries Exchange RTF-converted HTML and an inline image referenced by cid', async () => {
    const { raw } = await render('rich-text');
    expect(raw).toContain('converted from rtf');
    const cid = /src=3D"cid:([^"]+)"|src="cid:([^"]+)"/.exec(raw);
    expect(cid).not.toBeNull();
    expect(raw).toMatch(/Content-Disposition: inline/);
  });
});

describe('solidPng', () => {
  it('is a valid PNG of the requested size', () => {
    const png = solidPng(4, [1, 2, 3]);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(4);
    expect(png.readUInt32BE(20)).toBe(4);
    const idatLength = png.readUInt32BE(33);
    const pixels = inflateSync(png.subarray(41, 41 + idatLength));
    expect(pixels.length).toBe(4 * (1 + 4 * 3));
    expect([...pixels.subarray(1, 4)]).toEqual([1, 2, 3]);
  });
});
