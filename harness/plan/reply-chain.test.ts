import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countStationery } from '../analysis/disclaimer.ts';
import { createSecretStore } from '../config/secrets.ts';
import { startLab, type Lab } from '../lab/lab.ts';
import { silentLogger } from '../logger.ts';
import { stationeryMarkers } from './disclaimer-evidence.ts';
import { runProbePhase } from './probe-phase.ts';
import type { ReplyChainRecord } from './probe-types.ts';
import { buildReply, parseParent } from './reply-chain-message.ts';
import { runReplyChains } from './reply-chain.ts';
import { decideRepetition, NO_STATIONERY_ON_ORIGINAL } from './stationery-verdicts.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function chainsOn(faults: string[], domainCount = 1): Promise<{ lab: Lab; chains: ReplyChainRecord[]; runDir: string }> {
  const lab = await startLab({ faults, domainCount });
  const runDir = await mkdtemp(path.join(tmpdir(), 'mailflow-chain-'));
  dirs.push(runDir);
  try {
    const secrets = createSecretStore({ env: lab.env });
    const common = { config: lab.config, secrets, runId: 'chaintest', runDir, logger: silentLogger };
    const probes = await runProbePhase(common);
    return { lab, chains: await runReplyChains({ ...common, probes }), runDir };
  } finally {
    await lab.stop();
  }
}

/** MAN15's verdict per format on the lab's chains. */
function verdicts(lab: Lab, chains: ReplyChainRecord[]): Record<string, string> {
  return Object.fromEntries(chains.map((c) => [c.format, decideRepetition(c, stationeryMarkers(lab.config), c.domain, c.format).verdict]));
}

function uniqueCounts(lab: Lab, raw: string | undefined): number[] {
  return countStationery(raw ?? '', { uniqueText: lab.config.stationery.uniqueText ?? '' }).map((p) => p.unique.length);
}

describe('reply chains on the lab', () => {
  it('runs every (domain, format) chain at once; the legs thread and the stationery stays single', async () => {
    const { lab, chains, runDir } = await chainsOn([], 2);
    expect(chains.map((c) => `${c.domain} ${c.format}`)).toEqual(
      lab.config.domains.flatMap((d) => lab.config.probes.formats.map((f) => `${d.name} ${f}`)),
    );
    for (const c of chains) {
      expect(c.stoppedBecause, `${c.domain} ${c.format}`).toBeUndefined();
      const [original, reply, second] = c.legs;
      expect(c.legs.map((l) => `${l.leg} ${l.mailbox}`)).toEqual([
        `original ${lab.config.recipient.address}`,
        `reply ${original?.from}`,
        `second-reply ${lab.config.recipient.address}`,
      ]);
      expect(reply?.inReplyTo).toBe(original?.messageId);
      expect(second?.inReplyTo).toBe(reply?.messageId);
      expect(second?.references).toEqual([original?.messageId, reply?.messageId]);
      for (const leg of c.legs) expect(uniqueCounts(lab, leg.delivery.raw).every((n) => n === 1), `${c.format} ${leg.leg}`).toBe(true);
      await expect(stat(path.join(runDir, second?.delivery.evidenceFile ?? 'missing'))).resolves.toBeTruthy();
    }
    expect(new Set(Object.values(verdicts(lab, chains)))).toEqual(new Set(['PASS']));
  });

  it('under stationery-repeat the gateway stamps the second reply again', async () => {
    const { lab, chains } = await chainsOn(['stationery-repeat']);
    for (const c of chains) {
      const [, reply, second] = c.legs;
      // Inbound mail is never stamped: the reply only quotes the original's copy.
      expect(uniqueCounts(lab, reply?.delivery.raw).every((n) => n === 1)).toBe(true);
      expect(uniqueCounts(lab, second?.delivery.raw).every((n) => n === 2), c.format).toBe(true);
    }
    expect(new Set(Object.values(verdicts(lab, chains)))).toEqual(new Set(['FAIL']));
  });

  it('judges MAN15 per format when the gateway stamps nothing, or only text parts', async () => {
    const [none, textOnly] = await Promise.all([chainsOn(['no-stationery']), chainsOn(['no-html-stationery'])]);
    for (const c of none.chains) {
      const o = decideRepetition(c, stationeryMarkers(none.lab.config), c.domain, c.format);
      expect([o.verdict, o.detail.startsWith(NO_STATIONERY_ON_ORIGINAL)], c.format).toEqual(['NOT_RUN', true]);
    }
    expect(verdicts(textOnly.lab, textOnly.chains)).toEqual({ text: 'PASS', html: 'NOT_RUN', 'html-only': 'NOT_RUN', 'rich-text': 'NOT_RUN' });
  });

  it('stops with the reason when the original was not delivered', async () => {
    const { chains } = await chainsOn(['delivery-fails']);
    for (const c of chains) {
      expect(c.legs.map((l) => l.leg)).toEqual(['original']);
      expect(c.stoppedBecause).toMatch(/not delivered: bounced/);
    }
  });
});

describe('buildReply', () => {
  const parent = parseParent([
    'From: Alice <alice@acme.test>', 'To: bob@partner.test', 'Subject: Order', 'Date: Tue, 04 Mar 2025 10:15:00 +0000',
    'Message-ID: <b@acme.test>', 'References: <a@acme.test>', 'Content-Type: text/html; charset=utf-8', '',
    '<html><body><p>Hi &amp; welcome</p></body></html>', '',
  ].join('\r\n'));

  it('threads to the parent and quotes it in the style asked for', () => {
    const gmail = buildReply({ style: 'gmail', format: 'html', from: 'bob@partner.test', to: 'alice@acme.test', token: 'mf-t-1', lines: ['ok'], parent });
    expect(gmail.mail.inReplyTo).toBe('<b@acme.test>');
    expect(gmail.mail.references).toEqual(['<a@acme.test>', '<b@acme.test>']);
    expect(gmail.subject).toBe('Re: Order');
    expect(gmail.mail.text).toContain('> Hi & welcome');
    expect(gmail.mail.html).toContain('<blockquote class="gmail_quote"');
    const outlook = buildReply({ style: 'outlook', format: 'html-only', from: 'alice@acme.test', to: 'bob@partner.test', token: 'mf-t-2', lines: ['ok'], parent });
    expect(outlook.mail.text).toBeUndefined();
    expect(outlook.mail.html).toContain('id="divRplyFwdMsg"');
    expect(outlook.messageId).toBe('<mf-t-2@acme.test>');
  });
});
