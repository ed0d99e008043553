import { describe, expect, it } from 'vitest';
import type { Occurrence, PartStationery } from '../analysis/disclaimer.ts';
import { DISCLAIMER, UNIQUE } from '../analysis/disclaimer-fixtures.ts';
import type { DeliveryStatus, ReplyChainRecord, ReplyLeg } from './probe-types.ts';
import { decideChain, decideRepetition, judgeApplied, judgeRepetition, NO_STATIONERY_ON_ORIGINAL, threadingProblem } from './stationery-verdicts.ts';

const markers = { uniqueText: UNIQUE, disclaimerText: DISCLAIMER };
const at = (n: number): Occurrence[] => Array.from({ length: n }, (_, i) => ({ line: i + 1, quoted: i > 0, context: [] }));

/** A counted part: `unique` visible copies, `disclaimer` copies (undefined: not configured), `hidden` unseen copies. */
function part(contentType: string, unique: number, disclaimer: number | undefined = unique, hidden = 0): PartStationery {
  const p: PartStationery = { path: contentType === 'text/plain' ? '1' : '2', contentType, transferEncoding: 'quoted-printable', charset: 'utf-8', unique: at(unique), hiddenUnique: hidden };
  if (disclaimer !== undefined) p.disclaimer = at(disclaimer);
  return p;
}

describe('judgeApplied (MAN14)', () => {
  it('PASSes when every visible part shows the unique text and the disclaimer', () => {
    expect(judgeApplied('html', [part('text/plain', 1), part('text/html', 1)], markers).verdict).toBe('PASS');
    expect(judgeApplied('text', [part('text/plain', 1, undefined)], { uniqueText: UNIQUE }).verdict).toBe('PASS');
    // A hidden copy beside a visible one is reported, not held against the part.
    expect(judgeApplied('html-only', [part('text/html', 1, 1, 2)], markers)).toMatchObject({ verdict: 'PASS', detail: expect.stringMatching(/2 hidden copies/) });
  });

  it('FAILs a part without the unique text, naming it', () => {
    const j = judgeApplied('html', [part('text/plain', 1), part('text/html', 0, 1)], markers);
    expect(j).toEqual({ verdict: 'FAIL', detail: `part 2 text/html (quoted-printable, utf-8) does not show the unique text "${UNIQUE}".` });
  });

  it('FAILs a part without the disclaimer wording', () => {
    expect(judgeApplied('text', [part('text/plain', 1, 0)], markers)).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/does not show the disclaimer wording\.$/) });
  });

  it('FAILs stationery present only where a reader cannot see it', () => {
    const j = judgeApplied('html-only', [part('text/html', 0, 0, 3)], markers);
    expect(j.verdict).toBe('FAIL');
    expect(j.detail).toMatch(/unique text .* and the disclaimer wording \(present only where a reader cannot see it: 3 hidden\)/);
    expect(judgeApplied('html-only', [part('text/html', 0, 0, 0)], markers).detail).not.toMatch(/cannot see/);
  });

  it('FAILs a probe with no visible body part', () => {
    expect(judgeApplied('rich-text', [], markers)).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/no text or HTML body part/) });
  });
});

function leg(name: ReplyLeg['leg'], messageId: string, inReplyTo?: string, references: string[] = [], raw?: string, status: DeliveryStatus = 'delivered'): ReplyLeg {
  const l: ReplyLeg = { leg: name, from: 'a@acme.test', to: 'b@partner.test', messageId, references, mailbox: 'b@partner.test', delivery: { status, duplicates: 0 } };
  if (inReplyTo !== undefined) l.inReplyTo = inReplyTo;
  if (raw !== undefined) l.delivery.raw = raw;
  return l;
}

const O = '<o@acme.test>';
const R = '<r@partner.test>';
const S = '<s@acme.test>';
const threaded = (): ReplyLeg[] => [leg('original', O), leg('reply', R, O, [O]), leg('second-reply', S, R, [O, R])];

describe('threadingProblem (RFC 5322 §3.6.4)', () => {
  it('accepts a conversation whose References grow by the parent each time', () => {
    expect(threadingProblem(threaded())).toBeUndefined();
    // Older ancestors before the original are fine: the original's own References carried on.
    expect(threadingProblem([leg('original', O, '<z@x>', ['<z@x>']), leg('reply', R, O, ['<z@x>', O]), leg('second-reply', S, R, ['<z@x>', O, R])])).toBeUndefined();
  });

  it('rejects an incomplete conversation', () => {
    expect(threadingProblem(threaded().slice(0, 2))).toMatch(/incomplete \(2 of 3/);
  });

  it.each([
    ['In-Reply-To missing', leg('reply', R, undefined, [O])],
    ['In-Reply-To another message', leg('reply', R, '<x@y>', [O])],
    ['References missing', leg('reply', R, O, [])],
    ['References not ending with the original', leg('reply', R, O, [O, '<x@y>'])],
  ])('rejects an external reply with %s', (_, reply) => {
    const [original, , second] = threaded();
    expect(threadingProblem([original!, reply, second!])).toMatch(/external reply does not thread to the original/);
  });

  it.each([
    ['In-Reply-To the original', leg('second-reply', S, O, [O, R]), /does not answer the external reply/],
    ['References without the original', leg('second-reply', S, R, [R]), /References \(<r@partner.test>\) must list/],
    ['References out of order', leg('second-reply', S, R, [R, O]), /must list/],
    ['References not ending with the reply', leg('second-reply', S, R, [O, R, '<x@y>']), /ending with it/],
  ])('rejects a second reply with %s', (_, second, why) => {
    const [original, reply] = threaded();
    expect(threadingProblem([original!, reply!, second])).toMatch(why);
  });
});

describe('judgeRepetition (MAN15)', () => {
  const stamped = [part('text/plain', 1), part('text/html', 1)];

  it('PASSes exactly one copy per visible part, quoted copies counted', () => {
    expect(judgeRepetition([part('text/plain', 1), part('text/html', 1)], stamped).verdict).toBe('PASS');
  });

  it('FAILs a repeated unique text', () => {
    expect(judgeRepetition([part('text/plain', 2), part('text/html', 1)], stamped)).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/text\/plain part 1 carries it 2 times/) });
  });

  it('FAILs a repeated disclaimer wording even when the unique text is single', () => {
    const j = judgeRepetition([part('text/plain', 1, 2), part('text/html', 1)], stamped);
    expect(j).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/carries the disclaimer wording 2 times/) });
    expect(judgeRepetition([part('text/plain', 1, undefined)], [part('text/plain', 1, undefined)]).verdict).toBe('PASS');
  });

  it('FAILs a part that lost the stationery or the disclaimer the original had', () => {
    expect(judgeRepetition([part('text/plain', 1), part('text/html', 0)], stamped).detail).toMatch(/text\/html part 2 lost it/);
    expect(judgeRepetition([part('text/plain', 1, 0), part('text/html', 1)], stamped).detail).toMatch(/lost the disclaimer wording/);
  });

  it('is NOT_RUN, with the reason, when the original carried no stationery', () => {
    const j = judgeRepetition([part('text/plain', 0), part('text/html', 0)], [part('text/plain', 0), part('text/html', 0)]);
    expect(j.verdict).toBe('NOT_RUN');
    expect(j.detail).toMatch(new RegExp(`^${NO_STATIONERY_ON_ORIGINAL}: .*text/plain, text/html part`));
    // Only the HTML part never had it (no-html-stationery): still not judged.
    expect(judgeRepetition([part('text/plain', 1), part('text/html', 0)], [part('text/plain', 1), part('text/html', 0)])).toMatchObject({ verdict: 'NOT_RUN', detail: expect.stringMatching(/original's text\/html part/) });
  });

  it('FAILs a repetition even where another part was never stamped', () => {
    expect(judgeRepetition([part('text/plain', 2), part('text/html', 0)], [part('text/plain', 1), part('text/html', 0)]).verdict).toBe('FAIL');
  });

  it('is NOT_RUN when the second reply has no visible part', () => {
    expect(judgeRepetition([], stamped)).toMatchObject({ verdict: 'NOT_RUN', detail: expect.stringMatching(/no text or HTML body part/) });
  });
});

/** A delivered message with `text` and `html` copies of the layout (the disclaimer beside each). */
function message(text: number, html: number): string {
  const copy = `${DISCLAIMER}\r\n${UNIQUE}\r\n`;
  return [
    'Content-Type: multipart/alternative; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '',
    `Hello.\r\n${copy.repeat(text)}`, '--b', 'Content-Type: text/html; charset=utf-8', '',
    `<p>Hello.</p>${`<p>${DISCLAIMER}<br>${UNIQUE}</p>`.repeat(html)}`, '--b--', '',
  ].join('\r\n');
}

function chain(counts: [number, number][], legs = threaded()): ReplyChainRecord {
  legs.forEach((l, i) => {
    const c = counts[i];
    if (c) l.delivery.raw = message(...c);
  });
  return { domain: 'acme.test', format: 'html', legs };
}

describe('decideChain and decideRepetition (MAN15)', () => {
  it('PASSes a threaded chain with one copy per part, with the count at every leg in evidence', () => {
    const o = decideChain(chain([[1, 1], [1, 1], [1, 1]]), markers);
    expect(o.verdict).toBe('PASS');
    const legs = o.evidence.filter((e) => e.label.startsWith('Leg: '));
    expect(legs.map((e) => e.label)).toEqual(['Leg: original', 'Leg: external reply', 'Leg: second reply']);
    expect(legs.every((e) => e.kind === 'text' && /unique text ×1/.test(e.text))).toBe(true);
  });

  it('FAILs a second reply stamped again', () => {
    expect(decideChain(chain([[1, 1], [1, 1], [2, 2]]), markers)).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/2 times/) });
  });

  it('FAILs a second reply that lost the stationery', () => {
    expect(decideChain(chain([[1, 1], [1, 1], [1, 0]]), markers)).toMatchObject({ verdict: 'FAIL', detail: expect.stringMatching(/lost it/) });
  });

  it('is NOT_RUN on a threading break, even with the right counts', () => {
    const legs = threaded();
    legs[2] = leg('second-reply', S, R, [R]);
    expect(decideChain(chain([[1, 1], [1, 1], [1, 1]], legs), markers)).toMatchObject({ verdict: 'NOT_RUN', detail: expect.stringMatching(/must list/) });
  });

  it('is NOT_RUN when the original never had stationery', () => {
    expect(decideChain(chain([[0, 0], [0, 0], [0, 0]]), markers)).toMatchObject({ verdict: 'NOT_RUN', detail: expect.stringMatching(/^no stationery on the original/) });
  });

  it('is ERROR when the chain itself could not be run (the harness broke)', () => {
    const broken = { domain: 'acme.test', format: 'text' as const, legs: [], stoppedBecause: 'the reply chain could not be run: boom', broken: true };
    expect(decideChain(broken, markers)).toMatchObject({ verdict: 'ERROR', detail: expect.stringMatching(/could not be run/) });
    expect(decideChain({ ...broken, broken: false }, markers).verdict).toBe('NOT_RUN');
  });

  it('is ERROR when the harness could not submit a leg (credentials refused), NOT_RUN when the route refused it', () => {
    const stopped = (code: string) => {
      const reply = leg('reply', R, O, [O], undefined, 'not-sent');
      reply.delivery.error = { code, message: `${code} from the external provider` };
      return { domain: 'acme.test', format: 'text' as const, legs: [leg('original', O), reply], stoppedBecause: 'the reply was not delivered: not-sent' };
    };
    expect(decideChain(stopped('EAUTH'), markers).verdict).toBe('ERROR');
    expect(decideChain(stopped('EENVELOPE'), markers).verdict).toBe('NOT_RUN');
  });

  it('is ERROR when a mailbox failed, NOT_RUN when the chain stopped otherwise', () => {
    const failed = { domain: 'acme.test', format: 'text' as const, legs: [leg('original', O), leg('reply', R, undefined, [], undefined, 'error')], stoppedBecause: 'the reply was not delivered: error' };
    expect(decideChain(failed, markers)).toMatchObject({ verdict: 'ERROR', detail: 'the reply chain stopped: the reply was not delivered: error' });
    const timedOut = { ...failed, legs: [leg('original', O), leg('reply', R, undefined, [], undefined, 'timeout')] };
    expect(decideChain(timedOut, markers).verdict).toBe('NOT_RUN');
  });

  it('is NOT_RUN without markers or without a chain, and otherwise decides the chain', () => {
    expect(decideRepetition(chain([[1, 1], [1, 1], [1, 1]]), undefined, 'acme.test', 'html')).toMatchObject({ verdict: 'NOT_RUN', detail: expect.stringMatching(/stationery\.uniqueText/) });
    expect(decideRepetition(undefined, markers, 'acme.test', 'html')).toMatchObject({ verdict: 'NOT_RUN', detail: 'no reply chain was collected for acme.test (html)' });
    expect(decideRepetition(chain([[1, 1], [1, 1], [1, 1]]), markers, 'acme.test', 'html').verdict).toBe('PASS');
  });
});
