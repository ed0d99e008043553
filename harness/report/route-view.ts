/**
 * A probe's route (the Received chain as the results model carries it) shaped
 * for the route picture: sender → customer MTA → gateway → recipient, with the
 * TLS state of every hop between them. Plain values only; each renderer
 * escapes for its own medium.
 */
import type { ProbeSummary, RouteHop } from './model.ts';
import { truncate } from './sanitize.ts';

export interface RouteNodeView {
  /** Which party the host belongs to, from the hop roles. */
  zone: 'Sender' | 'Customer' | 'Gateway' | 'Recipient';
  /** CSS class from a fixed table, never derived from data. */
  css: string;
  host: string;
  /** `host` cut after each dot: the template puts a line-break opportunity (<wbr>) between parts. */
  hostParts: string[];
  /** The name the same party used as the client of the next hop, when different. */
  alsoAs: string;
  alsoAsParts: string[];
}

export interface RouteLinkView {
  tls: RouteHop['tls'];
  isTls: boolean;
  /** The hop was not encrypted: the picture marks it loudly. */
  isClear: boolean;
  /** CSS class from a fixed table. */
  css: string;
  /** "TLSv1.3", "In the clear" or "TLS not stated". */
  label: string;
  cipher: string;
  protocol: string;
}

/** Node, link, node, link, … node: the template walks `steps` in order. */
export interface RouteStepView {
  isNode: boolean;
  node: RouteNodeView;
  link: RouteLinkView;
}

export interface RouteView {
  probeId: string;
  /** Fragment id, restricted to [A-Za-z0-9_-]. */
  anchor: string;
  domain: string;
  format: string;
  status: string;
  hasRoute: boolean;
  steps: RouteStepView[];
  /** One line: "3 hops, all encrypted" or "1 of 3 hops in the clear". */
  verdictLine: string;
  clearHops: number;
  /**
   * Fixed CSS class: one row of columns for up to four hops (fits A4 and a
   * 1280 px window), a column of hops, top to bottom, for longer chains.
   */
  layout: 'route-row' | 'route-col';
}

/** Hops that still fit one row on A4 portrait. */
const ROW_MAX_HOPS = 4;

const ZONE: Record<RouteHop['role'], RouteNodeView['zone']> = {
  customer: 'Customer', 'to-gateway': 'Gateway', gateway: 'Gateway', 'from-gateway': 'Recipient', recipient: 'Recipient',
};
const ZONE_CSS: Record<RouteNodeView['zone'], string> = { Sender: 'z-sender', Customer: 'z-customer', Gateway: 'z-gateway', Recipient: 'z-recipient' };
const TLS_CSS: Record<RouteHop['tls'], string> = { yes: 'tls-yes', no: 'tls-no', unknown: 'tls-unknown' };

/** A fragment id for a probe's route. */
export function routeAnchor(probeId: string): string {
  return `route-${probeId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const host = (s: string): string => truncate(s, 120);
/** "mail.acme.test" → ["mail.", "acme.", "test"]: a narrow box breaks a host name between labels, not mid-label. */
const labels = (s: string): string[] => (s === '' ? [] : s.split(/(?<=\.)/));

function linkView(h: RouteHop): RouteLinkView {
  const label = h.tls === 'yes' ? (h.tlsVersion ?? 'TLS') : h.tls === 'no' ? 'In the clear' : 'TLS not stated';
  return { tls: h.tls, isTls: h.tls === 'yes', isClear: h.tls === 'no', css: TLS_CSS[h.tls], label: truncate(label, 40), cipher: truncate(h.cipher ?? '', 80), protocol: truncate(h.with ?? '', 40) };
}

const EMPTY_LINK: RouteLinkView = { tls: 'unknown', isTls: false, isClear: false, css: TLS_CSS.unknown, label: '', cipher: '', protocol: '' };

function node(zone: RouteNodeView['zone'], name: string, alsoAs: string): RouteStepView {
  const h = host(name);
  const a = host(alsoAs);
  return { isNode: true, node: { zone, css: ZONE_CSS[zone], host: h, hostParts: labels(h), alsoAs: a, alsoAsParts: labels(a) }, link: EMPTY_LINK };
}

/** The steps of a route: the first client, then each hop's link and receiver. */
export function routeSteps(route: readonly RouteHop[]): RouteStepView[] {
  const first = route[0];
  if (!first) return [];
  const steps: RouteStepView[] = [node('Sender', first.from, '')];
  route.forEach((h, i) => {
    const next = route[i + 1];
    steps.push({ isNode: false, node: steps[0]!.node, link: linkView(h) });
    // The next hop's client is usually this receiver; when it names itself
    // differently (a gateway's inbound and delivery hosts) both names are shown.
    const alsoAs = next && next.from.toLowerCase() !== h.by.toLowerCase() ? next.from : '';
    steps.push(node(ZONE[h.role], h.by, alsoAs));
  });
  return steps;
}

/** The route picture of one probe. */
export function routeView(p: ProbeSummary): RouteView {
  const route = p.route ?? [];
  const clear = route.filter((h) => h.tls === 'no').length;
  const unknown = route.filter((h) => h.tls === 'unknown').length;
  const n = route.length;
  const verdictLine = n === 0
    ? p.status === 'delivered' ? 'No route recorded for this probe.' : `No route: the probe was not delivered (${p.status}).`
    : clear > 0
      ? `${clear} of ${n} hop${n === 1 ? '' : 's'} in the clear.`
      : unknown > 0
        ? `${n - unknown} of ${n} hops encrypted; ${unknown} did not state TLS.`
        : `${n} hop${n === 1 ? '' : 's'}, all encrypted.`;
  return {
    probeId: p.id, anchor: routeAnchor(p.id), domain: p.domain, format: p.format, status: p.status,
    hasRoute: n > 0, steps: routeSteps(route), verdictLine, clearHops: clear,
    layout: n > ROW_MAX_HOPS ? 'route-col' : 'route-row',
  };
}
