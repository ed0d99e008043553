import { defineCase } from '../harness/plan/define-case.ts';
import { judgeTlsHop } from '../harness/plan/judge-tls.ts';
import { corroborate, deliveryTls } from '../harness/plan/log-corroboration.ts';

defineCase({
  meta: {
    id: 'MAN11',
    title: 'TLS on mail delivered by the gateway',
    mandatory: true,
    section: 'Verify Outbound Security',
    description: 'The gateway must encrypt its delivery to an external mail server that supports TLS.',
    actions: [
      'Send a probe per sending domain to an external mailbox whose provider supports TLS.',
      "Read the recipient's Received hop for the connection from the gateway and check that it records TLS, with version and cipher.",
    ],
    expected: 'The hop out of the gateway used TLS for every sending domain.',
    correctiveActions: [
      'Confirm the receiving server supports STARTTLS and presents a valid certificate.',
      "Review the gateway's secure delivery (opportunistic or enforced TLS) policies.",
    ],
    comments: ['The recipient must be at a provider that offers TLS, or this case cannot pass.'],
  },
  // The log's delivery to the recipient's server must show TLS too.
  perDomain: ({ plan, probe }) => corroborate(plan, probe, judgeTlsHop(plan, probe, 'fromGateway'), deliveryTls),
});
