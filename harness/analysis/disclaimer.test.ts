import { describe, expect, it } from 'vitest';
import { countStationery, describePart, normalizeText } from './disclaimer.ts';
import {
  base64Parts, base64WithComment, DISCLAIMER, FLOWED_DELSP, GMAIL_REPLY, HIDDEN_ONLY, HTML_ENTITIES, OUTLOOK_REPLY, QP_SOFT_BREAKS,
  RICH_TEXT_WITH_ATTACHMENT, SPLIT_ACROSS_TAGS, TABLE_CELLS, UNIQUE, VISIBLE_LOOKALIKES,
} from './disclaimer-fixtures.ts';
import { renderHtml } from './html-text.ts';
import { mimeLeaves } from './mime-parts.ts';

const markers = { uniqueText: UNIQUE, disclaimerText: DISCLAIMER };

function counts(raw: string) {
  return countStationery(raw, markers).map((p) => ({ path: p.path, type: p.contentType, unique: p.unique.length, disclaimer: p.disclaimer?.length }));
}

describe('countStationery', () => {
  it('reads through quoted-printable soft line breaks in text and HTML', () => {
    expect(counts(QP_SOFT_BREAKS)).toEqual([
      { path: '1', type: 'text/plain', unique: 1, disclaimer: 1 },
      { path: '2', type: 'text/html', unique: 1, disclaimer: 1 },
    ]);
  });

  it('decodes character references and non-breaking spaces', () => {
    expect(counts(HTML_ENTITIES)).toEqual([{ path: '1', type: 'text/html', unique: 1, disclaimer: 1 }]);
  });

  it('joins text split across tags and ignores soft hyphens and zero-width spaces', () => {
    const [part] = countStationery(SPLIT_ACROSS_TAGS, markers);
    expect(part?.unique).toHaveLength(1);
    expect(part?.disclaimer).toHaveLength(1);
    expect(part?.unique[0]?.context.some((l) => l.startsWith('>') && l.includes('7f3a'))).toBe(true);
  });

  it('decodes base64 parts in UTF-8 and windows-1252', () => {
    const parts = countStationery(base64Parts(), markers);
    expect(parts.map((p) => [p.charset, p.unique.length, p.disclaimer?.length])).toEqual([['utf-8', 1, 1], ['windows-1252', 1, 1]]);
    expect(describePart(parts[1] ?? parts[0]!)).toBe('part 2 text/html (base64, windows-1252)');
  });

  it('counts the quoted copy in an Outlook reply and marks it quoted, in text and HTML', () => {
    const parts = countStationery(OUTLOOK_REPLY, markers);
    for (const p of parts) {
      expect(p.unique.map((o) => o.quoted), p.contentType).toEqual([false, true]);
      expect(p.disclaimer).toHaveLength(2);
    }
    // The <style> in the head is not text.
    expect(parts[1]?.unique[0]?.context.join('\n')).not.toMatch(/MsoNormal/);
  });

  it('counts a Gmail reply: ">" quoting with the wording wrapped, and the gmail_quote blockquote', () => {
    const parts = countStationery(GMAIL_REPLY, markers);
    expect(parts.map((p) => [p.unique.length, p.disclaimer?.length, p.unique[0]?.quoted])).toEqual([[1, 1, true], [1, 1, true]]);
    expect(parts[0]?.unique[0]?.line).toBe(9);
  });

  it('does not count comments, head, hidden elements or text hidden by inline or style-sheet CSS, and reports them', () => {
    const [part] = countStationery(HIDDEN_ONLY, markers);
    expect(part?.unique).toHaveLength(0);
    expect(part?.hiddenUnique).toBe(15);
    expect(part?.disclaimer).toHaveLength(1);
  });

  it('counts copies that only look hidden: "hidden" in attribute values, @media rules, a readable font in a font-size:0 cell', () => {
    const [part] = countStationery(VISIBLE_LOOKALIKES, markers);
    expect(part?.unique.map((o) => o.line)).toEqual([1, 2, 3, 4, 5]);
    expect(part?.hiddenUnique).toBe(0);
  });

  it('reads adjacent table cells as separate words', () => {
    const [part] = countStationery(TABLE_CELLS, markers);
    expect(part?.unique).toHaveLength(1);
    expect(part?.unique[0]?.context.find((l) => l.startsWith('>'))).toMatch(/\| ACME-DISCLAIMER-7f3a$/);
  });

  it('decodes a transfer encoding declared in capitals with a comment (RFC 2045 §6.1)', () => {
    const [part] = countStationery(base64WithComment(), markers);
    expect([part?.transferEncoding, part?.charset, part?.unique.length]).toEqual(['base64', 'utf-8', 1]);
  });

  it('joins format=flowed DelSp=yes soft breaks without a space', () => {
    expect(counts(FLOWED_DELSP)).toEqual([{ path: '1', type: 'text/plain', unique: 1, disclaimer: 1 }]);
  });

  it('reads rich text (HTML in multipart/related) and skips attachments and attached messages', () => {
    expect(counts(RICH_TEXT_WITH_ATTACHMENT)).toEqual([
      { path: '1.1', type: 'text/plain', unique: 1, disclaimer: 1 },
      { path: '1.2.1', type: 'text/html', unique: 1, disclaimer: 1 },
    ]);
  });

  it('treats a message string decoded as UTF-8 and its octets the same', () => {
    const raw = base64Parts();
    expect(counts(raw)).toEqual(counts(Buffer.from(raw, 'utf8').toString('utf8')));
    const eightBit = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße ${UNIQUE}\r\n`;
    expect(countStationery(eightBit, markers)[0]?.unique).toHaveLength(1);
    expect(countStationery(Buffer.from(eightBit, 'utf8'), markers)[0]?.unique).toHaveLength(1);
  });

  it('counts two copies in one part, and none when the disclaimer text is not configured', () => {
    const twice = `Content-Type: text/plain\r\n\r\n${UNIQUE}\r\n\r\n${UNIQUE}\r\n`;
    const [part] = countStationery(twice, { uniqueText: UNIQUE });
    expect(part?.unique.map((o) => o.line)).toEqual([1, 3]);
    expect(part?.disclaimer).toBeUndefined();
  });
});

describe('renderHtml', () => {
  it('breaks lines at block elements and collapses whitespace', () => {
    expect(renderHtml('<p>a\n  b</p><div>c<br>d</div>').lines.map((l) => l.text)).toEqual(['a b', 'c', 'd']);
  });

  it('keeps a < that opens no tag, and survives unclosed markup', () => {
    expect(renderHtml('<p>1 < 2 <b>bold').lines.map((l) => l.text)).toEqual(['1 < 2 bold']);
    expect(renderHtml('<div style="display:none">x<p>y</div><p>z').lines.map((l) => l.text)).toEqual(['z']);
  });
});

describe('mimeLeaves', () => {
  it('numbers nested parts as IMAP sections and reads a part with no header', () => {
    expect(mimeLeaves(RICH_TEXT_WITH_ATTACHMENT).map((l) => `${l.path} ${l.contentType}`)).toEqual([
      '1.1 text/plain', '1.2.1 text/html', '1.2.2 image/png', '2 text/plain', '3 message/rfc822',
    ]);
    const bare = 'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhello\r\n--x--\r\n';
    expect(mimeLeaves(bare).map((l) => l.contentType)).toEqual(['text/plain']);
  });

  it('reads a multipart without its close delimiter', () => {
    const cut = 'Content-Type: multipart/alternative; boundary="q"\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nA\r\n--q\r\nContent-Type: text/html\r\n\r\n<p>B</p>';
    expect(mimeLeaves(cut).map((l) => l.contentType)).toEqual(['text/plain', 'text/html']);
  });
});

describe('normalizeText', () => {
  it('collapses NBSP and line breaks and drops invisible characters', () => {
    expect(normalizeText(' a\u00a0\r\n b\u200bc\u00ad ')).toBe('a bc');
  });
});
