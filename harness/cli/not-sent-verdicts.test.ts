/**
 * A probe that was never sent: our side (credentials, TLS, network, config)
 * is ERROR naming the account; the route's own 5xx refusal is not (MAN07 and
 * MAN08 FAIL on it). Lives here because harness/plan/ takes no new files in
 * this change; it tests harness/plan/probe-evidence.ts.
 */
import { describe, expect, test } from 'vitest';
import type { Config } from '../config/schema.ts';
import type { PlanContext } from '../plan/plan-context.ts';
import { harnessFault, requireDelivered } from '../plan/probe-evidence.ts';
import type { Delivery, ProbeRecord, SubmissionAttempt } from '../plan/probe-types.ts';

const plan = { config: { timeouts: { deliverySeconds: 30 } } as Config } as PlanContext;

function probe(delivery: Partial<Delivery>, attempt?: Partial<SubmissionAttempt>): ProbeRecord {
  return {
    id: 'acme.test-html', token: 't', domain: 'acme.test', format: 'html', from: 'alice@acme.test', to: 'bob@partner.test',
    messageId: '<m@acme.test>', subject: 's', senderKey: 'senders[0]', senderAccount: 'alice at mail.acme.test:587',
    submission: { accepted: false, attempts: attempt ? [{ startedAt: '', ok: false, transcript: [], ...attempt }] : [] },
    delivery: { status: 'not-sent', duplicates: 0, ...delivery },
  };
}

describe('harnessFault', () => {
  test.each(['EAUTH', 'ETLS', 'ECONNECTION', 'ETIMEDOUT'])('%s at submission is our fault, naming senders[0].smtp', (code) => {
    const p = probe({}, { error: { code, message: 'it went wrong' } });
    expect(harnessFault(plan, p)).toBe(`the harness could not submit the probe through senders[0].smtp (alice at mail.acme.test:587): ${code}: it went wrong`);
    expect(requireDelivered(plan, p)).toMatchObject({ verdict: 'ERROR' });
  });

  test('a missing sender (ECONFIG) is our fault too', () => {
    expect(harnessFault(plan, probe({ error: { code: 'ECONFIG', message: 'no sender configured for acme.test' } }))).toMatch(/ECONFIG: no sender configured/);
  });

  test('a 5xx refusal by the route is not: the case FAILs on it', () => {
    const p = probe({}, { error: { code: 'EENVELOPE', message: '550 5.7.1 Relaying denied' }, response: '550 5.7.1 Relaying denied', responseCode: 550 });
    expect(harnessFault(plan, p)).toBeUndefined();
    expect(requireDelivered(plan, p)).toMatchObject({ verdict: 'NOT_RUN' });
  });

  test('a timeout is ERROR only when the sender mailbox could not be read', () => {
    const watch = { key: 'senders[0].imap (alice at mail.acme.test:993)', code: 'EAUTH', message: 'login refused' };
    expect(harnessFault(plan, probe({ status: 'timeout', bounceWatchError: watch }))).toMatch(/senders\[0\]\.imap \(alice at mail\.acme\.test:993\), where a bounce would arrive, could not be read \(EAUTH: login refused\)/);
    expect(harnessFault(plan, probe({ status: 'timeout' }))).toBeUndefined();
  });
});
