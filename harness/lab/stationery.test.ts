import { once } from 'node:events';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStationery } from '../analysis/disclaimer.ts';
import { GMAIL_REPLY, QP_SOFT_BREAKS, RICH_TEXT_WITH_ATTACHMENT } from '../analysis/disclaimer-fixtures.ts';
import { decodeQuotedPrintable } from '../analysis/mime-parts.ts';
import { startLab, type Lab } from './lab.ts';
import { applyStationery, createLabStationery, encodeQuotedPrintable } from './stationery.ts';
import { labLayout } from './stationery-layout.ts';
import { openInbox, submit } from './test-support.ts';

const layout = labLayout({ uniqueText: 'LAYOUT-UNIQUE-42', company: 'Acme (lab)' });
const markers = { uniqueText: layout.uniqueText, disclaimerText: layout.disclaimer };
const apply = { html: true, skipIfPresent: true };

async function compose(opts: { text?: string; html?: string; related?: boolean }): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const attachments = opts.related ? [{ filename: 'a.png', content: Buffer.from('x'), cid: 'a@b', contentDisposition: 'inline' as const }] : [];
  const info = await transport.sendMail({ from: 'alice@acme.test', to: 'bob@partner.test', subject: 's', ...opts, attachments });
  return info.message as Buffer;
}

function visible(raw: Buffer) {
  return countStationery(raw, markers).map((p) => `${p.contentType}:${p.unique.length}:${p.disclaimer?.length}`);
}

describe('applyStationery', () => {
  it('stamps every visible part of each probe shape exactly once', async () => {
    const shapes = [
      await compose({ text: 'Hello\n' }),
      await compose({ text: 'Hello\n', html: '<p>Hello</p>' }),
      await compose({ html: '<html><body><p>Grüße</p></body></html>' }),
      await compose({ text: 'Hello\n', html: '<html><body><img src="cid:a@b"></body></html>', related: true }),
    ];
    const got = shapes.map((raw) => visible(applyStationery(raw, layout, apply).raw));
    expect(got).toEqual([
      ['text/plain:1:1'],
      ['text/plain:1:1', 'text/html:1:1'],
      ['text/html:1:1'],
      ['text/plain:1:1', 'text/html:1:1'],
    ]);
  });

  it('leaves a message carrying the unique text untouched, byte for byte, unless told to repeat', async () => {
    const once = applyStationery(await compose({ text: 'Hi\n', html: '<p>Hi</p>' }), layout, apply).raw;
    const again = applyStationery(once, layout, apply);
    expect(again.skipped).toBe('already-present');
    expect(again.raw.equals(once)).toBe(true);
    expect(visible(applyStationery(once, layout, { ...apply, skipIfPresent: false }).raw)).toEqual(['text/plain:2:2', 'text/html:2:2']);
  });

  it('stamps text parts only without HTML, and keeps attachments and the inline image as they were', () => {
    const raw = Buffer.from(RICH_TEXT_WITH_ATTACHMENT.replaceAll('ACME-DISCLAIMER-7f3a', 'no marker'), 'utf8');
    const r = applyStationery(raw, layout, { ...apply, html: false });
    expect(r.applied).toEqual(['1.1']);
    const out = r.raw.toString('latin1');
    expect(out).toContain('iVBORw0KGgo=');
    expect(out).toContain('Internal notes. no marker');
    // The fixture's own wording is the default disclaimer: one more copy in the text part, the HTML untouched.
    expect(visible(r.raw)).toEqual(['text/plain:1:2', 'text/html:0:1']);
  });

  it('reads quoted-printable and finds a marker cut by a soft line break (already stamped)', () => {
    const stamped = QP_SOFT_BREAKS.replaceAll('ACME-DISCL=', 'LAYOUT-UNI=').replaceAll('AIMER-7f3a', 'QUE-42');
    expect(applyStationery(Buffer.from(stamped), layout, apply).skipped).toBe('already-present');
    expect(applyStationery(Buffer.from(GMAIL_REPLY), layout, apply).applied).toEqual(['1', '2']);
  });

  it('round-trips quoted-printable with short lines and encoded trailing blanks', () => {
    const text = `${'x'.repeat(200)} \r\nZeile mit Umlaut ü = gleich\t\r\n`;
    const qp = encodeQuotedPrintable(Buffer.from(text, 'utf8'));
    expect(qp.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    expect(decodeQuotedPrintable(qp).toString('utf8')).toBe(text);
  });

  it('the hook skips internal-only mail and does nothing under no-stationery', async () => {
    const raw = await compose({ text: 'Hi\n' });
    const hook = createLabStationery({ layout, internalDomains: ['acme.test'], faults: new Set() });
    expect(await hook(raw, { from: 'alice@acme.test', to: ['carol@acme.test'] })).toBe(raw);
    expect(visible(await hook(raw, { from: 'alice@acme.test', to: ['bob@partner.test'] }))).toEqual(['text/plain:1:1']);
    const off = createLabStationery({ layout, internalDomains: ['acme.test'], faults: new Set(['no-stationery']) });
    expect(await off(raw, { from: 'alice@acme.test', to: ['bob@partner.test'] })).toBe(raw);
  });
});

describe('lab gateway stationery', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(() => lab.stop());

  it('stamps outbound mail with the configured layout and still DKIM-signs it', async () => {
    const bob = lab.config.recipient;
    const inbox = await openInbox(lab, bob.imap);
    try {
      const exists = once(inbox, 'exists');
      const r = await submit(lab, { subject: 'stationery check', messageId: '<st-1@acme.test>' });
      expect(r.ok).toBe(true);
      await exists;
      const msg = await inbox.fetchOne('*', { source: true });
      const raw = msg && msg.source ? msg.source : Buffer.alloc(0);
      const { uniqueText, disclaimerText } = lab.config.stationery;
      const [part] = countStationery(raw, { uniqueText: uniqueText ?? '', disclaimerText });
      expect(part?.unique).toHaveLength(1);
      expect(part?.disclaimer).toHaveLength(1);
      expect(raw.toString('latin1')).toMatch(/dkim=pass/);
    } finally {
      await inbox.logout();
    }
  });
});
