import { defineCase } from '../harness/plan/define-case.ts';
import { NO_MARKERS, partEvidence, stationeryMarkers, stationeryOf } from '../harness/plan/disclaimer-evidence.ts';
import { attestationOutcome } from '../harness/plan/gateway-evidence.ts';
import type { Evidence } from '../harness/report/model.ts';

defineCase({
  meta: {
    id: 'OPT02',
    title: 'Stationery layouts and policy',
    mandatory: false,
    section: 'Verify Gateway Configuration',
    description: 'Stationery layouts (a text and an HTML version) and an assignment policy should put the disclaimer on outbound mail.',
    actions: [
      'The vendor API has no stationery endpoint: prove layouts and policy by what MAN14 observes, the stationery in every visible part of every outbound probe format.',
      'Where that cannot be observed, use a recorded attestation (mailflow attest OPT02).',
    ],
    expected: 'Every delivered probe format carries the stationery, or a valid attestation says layouts and policy are in place.',
    correctiveActions: ['Create the HTML and text layouts with the unique identification text, and a stationery assignment policy for outbound mail.'],
    comments: [],
  },
  perDomain({ plan, domain }) {
    const markers = stationeryMarkers(plan.config);
    const delivered = plan.probes.filter((p) => p.domain === domain && p.delivery.status === 'delivered' && p.delivery.raw);
    if (!markers || delivered.length === 0) {
      return attestationOutcome(plan, 'OPT02', domain, `the vendor API has no stationery endpoint and MAN14's behaviour cannot show it (${markers ? 'no probe was delivered' : NO_MARKERS})`);
    }
    const evidence: Evidence[] = [];
    const bare: string[] = [];
    for (const p of delivered) {
      const parts = stationeryOf(p.delivery, markers);
      evidence.push(...partEvidence(`${p.format} probe as delivered`, parts));
      if (parts.length === 0 || parts.some((x) => x.unique.length === 0)) bare.push(p.format);
    }
    if (bare.length) return { verdict: 'FAIL', detail: `outbound ${bare.join(', ')} probes went out without the layout: a layout version or the assignment policy is missing`, evidence };
    return { verdict: 'PASS', detail: `every delivered format (${delivered.map((p) => p.format).join(', ')}) carries the layout: layouts and assignment policy proven by behaviour`, evidence };
  },
});
