/**
 * A results file built from a real message as a hostile sender would shape
 * it, parsed by mailparser the way the harness reads mail: RFC 2047
 * encoded-words decode to markup (so no raw `<script>` is in the source for
 * a naive filter to catch), plus a bidi override (UAX #9) in the subject.
 */
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import type { Results } from './model.ts';

export const DECODED_SUBJECT = '<script>window.__pwned=3</script><img src=x onerror="window.__pwned=4"> Invoice \u202Efdp.exe';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The raw message: nothing in it looks like HTML until it is decoded. */
export const HOSTILE_RAW = [
  `Subject: =?UTF-8?B?${b64(DECODED_SUBJECT)}?=`,
  `From: =?UTF-8?B?${b64('<svg onload=alert(1)>Mallory')}?= <mallory@partner.test>`,
  'To: alice@acme.test',
  'Message-ID: <hostile-1@partner.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '=3Cscript=3Ewindow.__pwned=3D5=3C/script=3E body',
  '',
].join('\r\n');

/** The sample results with MAN14's first check reporting on the parsed message. */
export async function resultsFromHostileMessage(): Promise<Results> {
  const parsed = await simpleParser(HOSTILE_RAW);
  const r = JSON.parse(readFileSync(new URL('./sample/results.json', import.meta.url), 'utf8')) as Results;
  const check = r.cases.find((c) => c.id === 'MAN14')!.checks[0]!;
  check.detail = `Probe reply with subject ${parsed.subject ?? ''} from ${parsed.from?.text ?? ''}`;
  check.evidence.push(
    { kind: 'header', label: `Headers of ${parsed.subject ?? ''}`, lines: parsed.headerLines.map((h) => h.line) },
    { kind: 'text', label: 'Decoded body', text: parsed.text ?? '' },
  );
  r.probes[0]!.messageId = parsed.messageId ?? '';
  return r;
}
