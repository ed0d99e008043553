/**
 * "Where two sources disagree, the case says so and does not PASS"
 * (DESIGN.md), proven on synthetic inputs: header verdicts against message-log
 * entries, MAN03's two witnesses, the managed-sender verdict MAN09 reads, and
 * the attestation fallback.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../config/schema.ts';
import type { Attestation } from '../gateway/attestations.ts';
import { readEncryption, type MessageLogEntry } from '../gateway/message-log.ts';
import type { GatewaySnapshot, MessageLookup } from '../gateway/snapshot.ts';
import { readLabTemplate } from '../lab/lab-config.ts';
import { judgeManagedSender } from './auto-allow-evidence.ts';
import type { CheckOutcome } from './define-case.ts';
import { attestationOutcome, requireSection } from './gateway-evidence.ts';
import { corroborate, deliveryTls, judgeSecureDelivery, probeEntry, receiptTls } from './log-corroboration.ts';
import type { PlanContext } from './plan-context.ts';
import type { ProbeRecord } from './probe-types.ts';

let config: Config;
beforeAll(async () => {
  config = await readLabTemplate();
});

const TLS_HOP = 'Received: from eu-smtp-delivery-1.mimecast.test (eu-smtp-delivery-1.mimecast.test [127.0.0.21]) by mx.partner.test with ESMTPS id a1 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384); Mon, 1 Jan 2024 00:00:02 +0000';
const PLAIN_HOP = 'Received: from eu-smtp-delivery-1.mimecast.test (eu-smtp-delivery-1.mimecast.test [127.0.0.21]) by mx.partner.test with ESMTP id a1; Mon, 1 Jan 2024 00:00:02 +0000';
const INTO_GATEWAY = 'Received: from mail.acme.test (mail.acme.test [127.0.0.11]) by relay.mimecast.test with ESMTPS id b2 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384); Mon, 1 Jan 2024 00:00:01 +0000';

function probe(hop: string): ProbeRecord {
  const raw = `${hop}\r\n${INTO_GATEWAY}\r\nReturn-Path: <alice@acme.test>\r\nFrom: alice@acme.test\r\nTo: bob@partner.test\r\nMessage-ID: <p1@acme.test>\r\nSubject: probe\r\n\r\nbody\r\n`;
  return {
    id: 'p1', token: 't', domain: 'acme.test', format: 'html', from: 'alice@acme.test', to: 'bob@partner.test', messageId: '<p1@acme.test>', subject: 'probe',
    submission: { accepted: true, attempts: [] }, delivery: { status: 'delivered', raw, duplicates: 0 },
  };
}

function entry(over: Partial<MessageLogEntry> & { deliveryInfo?: string } = {}): MessageLogEntry {
  const enc = over.deliveryInfo ?? 'TLSv1.3 (TLS_AES_256_GCM_SHA384)';
  return {
    id: 'eu-1', status: 'Delivered', route: 'outbound', from: 'alice@acme.test', to: ['bob@partner.test'],
    receipt: { tls: 'yes', encryptionInfo: 'TLSv1.3', remoteIp: '127.0.0.11' },
    deliveries: [{ recipient: 'bob@partner.test', ...readEncryption(enc), encryptionInfo: enc, receiptAcknowledgement: '250 ok' }],
    ...over,
  };
}

function plan(p: ProbeRecord, entries: MessageLogEntry[] | undefined, extra: Partial<GatewaySnapshot> = {}): PlanContext {
  const messages: MessageLookup[] = entries ? [{ messageId: p.messageId, role: 'probe', domain: p.domain, format: p.format, entries, evidence: [] }] : [];
  return {
    runId: 'r', runDir: '/tmp', target: 'test', config, probes: [p], replyChains: [], labFaults: [], only: [],
    gateway: { messages, attestations: [], attestationProblems: [], ...extra },
  };
}

const pass: CheckOutcome = { verdict: 'PASS', detail: 'headers show TLS', evidence: [] };
const fail: CheckOutcome = { verdict: 'FAIL', detail: 'headers show no TLS', evidence: [] };

describe('corroborate: headers against the message log', () => {
  test('both agree: the header verdict stands, with the log in the detail', () => {
    const p = probe(TLS_HOP);
    const r = corroborate(plan(p, [entry()]), p, pass, deliveryTls);
    expect(r.verdict).toBe('PASS');
    expect(r.detail).toMatch(/message log: delivery to .* recorded as "TLSv1\.3/);
  });

  test('headers PASS, log says not encrypted: FAIL naming the disagreement', () => {
    const p = probe(TLS_HOP);
    const r = corroborate(plan(p, [entry({ deliveryInfo: 'TLS: No' })]), p, pass, deliveryTls);
    expect(r).toMatchObject({ verdict: 'FAIL' });
    expect(r.detail).toMatch(/headers and the gateway's message log disagree/);
  });

  test('headers FAIL, log says TLS: stays FAIL and says the sources disagree', () => {
    const p = probe(PLAIN_HOP);
    const r = corroborate(plan(p, [entry()]), p, fail, deliveryTls);
    expect(r.verdict).toBe('FAIL');
    expect(r.detail).toMatch(/disagree.*yet the log says/);
  });

  test('an unreadable log field cannot tell: the header verdict stands, said in the detail', () => {
    const p = probe(TLS_HOP);
    const r = corroborate(plan(p, [entry({ deliveryInfo: 'policy applied' })]), p, pass, deliveryTls);
    expect(r.verdict).toBe('PASS');
    expect(r.detail).toMatch(/cannot tell/);
  });

  test('no log entry for the probe contradicts a PASS; an unconfigured API leaves it alone', () => {
    const p = probe(TLS_HOP);
    expect(corroborate(plan(p, []), p, pass, deliveryTls).verdict).toBe('FAIL');
    const none = { ...plan(p, undefined), gateway: { messages: [], attestations: [], attestationProblems: [], notConfigured: 'no api' } };
    expect(corroborate(none, p, pass, deliveryTls)).toMatchObject({ verdict: 'PASS', detail: expect.stringMatching(/not consulted: no api/) as unknown });
  });

  test('MAN10 reads the probe\'s own outbound entry, not whichever comes first', () => {
    const p = probe(TLS_HOP);
    const copy = entry({ id: 'eu-0', route: 'internal', to: ['carol@acme.test'], receipt: { tls: 'no', encryptionInfo: 'Not encrypted' }, deliveries: [] });
    expect(probeEntry([copy, entry()], p)?.id).toBe('eu-1');
    expect(corroborate(plan(p, [copy, entry()]), p, pass, receiptTls).verdict).toBe('PASS');
    const plain = entry({ receipt: { tls: 'no', encryptionInfo: 'Not encrypted' } });
    expect(corroborate(plan(p, [plain]), p, pass, receiptTls).verdict).toBe('FAIL');
  });
});

describe('readEncryption', () => {
  test.each([
    ['TLSv1.3 (TLS_AES_256_GCM_SHA384)', 'yes'], ['TLS 1.2', 'yes'], ['UseTls: Yes', 'yes'],
    ['TLS: No', 'no'], ['UseTls=No', 'no'], ['Not encrypted', 'no'], ['none', 'no'],
    ['', 'unknown'], ['TLS', 'unknown'], ['policy applied', 'unknown'],
  ])('%s -> %s', (text, tls) => expect(readEncryption(text).tls).toBe(tls));
});

describe('MAN03: secure delivery proven by headers and log together', () => {
  test('both show TLS: PASS', () => {
    const p = probe(TLS_HOP);
    expect(judgeSecureDelivery(plan(p, [entry()]), 'acme.test')?.verdict).toBe('PASS');
  });

  test('headers TLS, log plain (the log-disagrees fault): FAIL, saying the sources disagree', () => {
    const p = probe(TLS_HOP);
    const r = judgeSecureDelivery(plan(p, [entry({ deliveryInfo: 'Not encrypted' })]), 'acme.test');
    expect(r?.verdict).toBe('FAIL');
    expect(r?.detail).toMatch(/headers and the message log disagree/);
  });

  test('headers plain, log TLS: FAIL, saying the sources disagree', () => {
    const p = probe(PLAIN_HOP);
    const r = judgeSecureDelivery(plan(p, [entry()]), 'acme.test');
    expect(r?.verdict).toBe('FAIL');
    expect(r?.detail).toMatch(/disagree/);
  });

  test('nothing delivered: no behaviour to judge', () => {
    const p = { ...probe(TLS_HOP), domain: 'other.test' };
    expect(judgeSecureDelivery(plan(p, [entry()]), 'acme.test')).toBeUndefined();
  });
});

describe('MAN09: the managed-sender verdict of the reply', () => {
  const leg = { from: 'bob@partner.test', messageId: '<r1@partner.test>' };
  const reply = (ms: MessageLogEntry['managedSender'], over: Partial<MessageLogEntry> = {}): MessageLogEntry => ({
    id: 'eu-9', status: 'Delivered', route: 'inbound', from: 'bob@partner.test', to: ['alice@acme.test'], receipt: { tls: 'yes' }, deliveries: [],
    ...(ms ? { managedSender: ms } : {}), ...over,
  });

  test('an auto-learnt entry for the reply\'s sender, inbound: PASS', () => {
    expect(judgeManagedSender([reply({ allow: true, info: 'Auto Allow: alice@acme.test wrote to bob@partner.test' })], leg, []).outcome.verdict).toBe('PASS');
  });

  test('a manual permit must not PASS', () => {
    const r = judgeManagedSender([reply({ allow: true, info: 'Permitted sender (manual)' })], leg, []);
    expect(r.outcome.verdict).toBe('FAIL');
    expect(r.outcome.detail).toMatch(/not by an auto-learnt entry/);
  });

  test('an allow on some other message (another sender, or the outbound leg) does not count', () => {
    const other = reply({ allow: true, info: 'Auto Allow' }, { from: 'mallory@partner.test' });
    const outbound = reply({ allow: true, info: 'Auto Allow' }, { route: 'outbound' });
    expect(judgeManagedSender([other, outbound], leg, []).outcome.verdict).toBe('FAIL');
  });

  test('no allow: FAIL', () => {
    expect(judgeManagedSender([reply({ allow: false, info: 'No managed sender entry' })], leg, []).kind).toBe('not-fired');
  });
});

describe('attestations and unavailable sections', () => {
  const at = (over: Partial<Attestation>): Attestation => ({ case: 'MAN03', by: 'Eve Engineer', result: 'pass', note: 'Secure Delivery policy "TLS out" checked in the console', date: new Date(Date.now() - 86_400_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString(), ...over });

  test('a valid pass is ATTESTED, a valid fail is FAIL, an expired one is NOT_RUN saying so', () => {
    const p = probe(TLS_HOP);
    expect(attestationOutcome(plan(p, [], { attestations: [at({})] }), 'MAN03', 'acme.test', 'nothing delivered').verdict).toBe('ATTESTED');
    expect(attestationOutcome(plan(p, [], { attestations: [at({ result: 'fail' })] }), 'MAN03', 'acme.test', 'nothing delivered').verdict).toBe('FAIL');
    const expired = attestationOutcome(plan(p, [], { attestations: [at({ date: '2020-01-01T00:00:00.000Z', validUntil: '2020-04-01T00:00:00.000Z' })] }), 'MAN03', 'acme.test', 'nothing delivered');
    expect(expired.verdict).toBe('NOT_RUN');
    expect(expired.detail).toMatch(/expired on 2020-04-01/);
    // Another domain's attestation does not count.
    expect(attestationOutcome(plan(p, [], { attestations: [at({ domain: 'other.test' })] }), 'MAN03', 'acme.test', 'x').verdict).toBe('NOT_RUN');
  });

  test('a section the credential cannot read is NOT_RUN with the reason; a failed read is ERROR', () => {
    const p = probe(TLS_HOP);
    const unavailable = plan(p, [], { dkimDefinitions: { ok: false, unavailable: true, error: { code: 'ECONFIG', message: 'needs OAuth2' }, evidence: [] } });
    expect(requireSection(unavailable, (s) => s.dkimDefinitions, 'DKIM definitions')).toMatchObject({ verdict: 'NOT_RUN', detail: 'needs OAuth2' });
    const failed = plan(p, [], { dkimDefinitions: { ok: false, error: { code: 'EAUTH', message: 'refused' }, evidence: [] } });
    expect(requireSection(failed, (s) => s.dkimDefinitions, 'DKIM definitions')).toMatchObject({ verdict: 'ERROR' });
  });
});
