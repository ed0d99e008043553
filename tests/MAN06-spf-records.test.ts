import { defineCase } from '../harness/plan/define-case.ts';
import { checkSpf } from '../harness/plan/spf-check.ts';

defineCase({
  meta: {
    id: 'MAN06',
    title: 'SPF records',
    mandatory: true,
    section: 'Verify DNS',
    description: "Each sending domain's SPF record must authorize the gateway, and stay evaluable: one record, within the DNS lookup limits, never permitting everyone.",
    actions: [
      "Look up the domain's TXT records: exactly one must be an SPF record.",
      "Check that the gateway's regional mechanism is in it, as the first term, and that it does not end in +all.",
      "Expand the whole tree (includes, redirect, macros) and count DNS lookups (at most 10) and void lookups (at most 2), as RFC 7208 §4.6.4 requires.",
      'Evaluate it for each gateway address that delivered a probe in this run: each must pass.',
    ],
    expected: 'One record, gateway mechanism first, within the limits, no +all, and the delivering gateway addresses pass.',
    correctiveActions: [
      "Publish one SPF record with the gateway's regional include first.",
      'Flatten or drop includes of services that no longer send, to get back under 10 lookups; remove mechanisms that point at names that do not exist.',
    ],
    comments: ['The expanded tree with its lookup counts is in the evidence.'],
  },
  perDomain: ({ plan, domain }) => checkSpf(plan, domain),
});
