import { defineCase } from '../harness/plan/define-case.ts';
import { judgeTlsHop } from '../harness/plan/judge-tls.ts';
import { corroborate, receiptTls } from '../harness/plan/log-corroboration.ts';

defineCase({
  meta: {
    id: 'MAN10',
    title: 'TLS on mail sent to the gateway',
    mandatory: true,
    section: 'Verify Outbound Security',
    description: "The connection from the organisation's MTA to the gateway must be encrypted with TLS.",
    actions: [
      'Send a probe per sending domain through the outbound route.',
      "Read the gateway's own Received hop in the delivered message (the receipt of the message from the customer's MTA) and check that it records TLS, with version and cipher.",
    ],
    expected: 'The hop into the gateway used TLS for every sending domain.',
    correctiveActions: [
      "Make sure the customer's MTA offers and accepts STARTTLS towards the gateway (certificate, protocol versions, connector settings).",
      "Review the gateway's TLS policies for inbound connections from the customer.",
    ],
    comments: [],
  },
  // The log's receipt of the probe (customer MTA → gateway) must show TLS too, read from the probe's own outbound entry.
  perDomain: ({ plan, probe }) => corroborate(plan, probe, judgeTlsHop(plan, probe, 'toGateway'), receiptTls),
});
