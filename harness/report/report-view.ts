/**
 * The signed-off report's view: the summary view (view-model.ts) plus what the
 * customer's document adds: the plan's table per case with who executed and
 * oversaw it, the summary chart, each probe's route and the sign-off block.
 * Shared by the HTML (and so PDF) and Word renderers.
 */
import type { ProbeSummary, Results, Signoff, SignoffRole } from './model.ts';
import { buildReportView, cleanStrings, formatTime } from './view-model.ts';
import type { CaseView, CheckView, ReportView, ViewOptions } from './view-model.ts';
import { chartView, type ChartView } from './chart-view.ts';
import { routeAnchor, routeView, type RouteView } from './route-view.ts';
import { truncate } from './sanitize.ts';
import { trustedResults } from './results-audit.ts';

export const PLAN_NAME = 'Outbound mail flow acceptance test plan';

export interface SignoffView {
  role: SignoffRole;
  roleLabel: string;
  /** Signed name, or the name given at run time, or empty. */
  name: string;
  signed: boolean;
  at: string;
  statement: string;
  /** "Signed for a partial plan (5 of 17 cases)", or empty. */
  partialNote: string;
}

export interface FullCheckView extends CheckView {
  /** Anchor of the route picture of the probe this check read, or empty. */
  routeAnchor: string;
}

export interface FullCaseView extends Omit<CaseView, 'checks'> {
  checks: FullCheckView[];
  /** Plan table: result cell shows the verdict; the date is the run's. */
  date: string;
  executedBy: string;
  overseenBy: string;
}

export interface FullReportView extends Omit<ReportView, 'cases'> {
  planName: string;
  cases: FullCaseView[];
  chart: ChartView;
  routes: RouteView[];
  hasRoutes: boolean;
  signoffs: SignoffView[];
  signedOff: boolean;
  /** The print variant (the PDF): evidence is unfolded, since paper has no click. */
  print: boolean;
}

export interface FullViewOptions extends ViewOptions {
  /** Render for print: every <details> open (pdf-report.ts). */
  print?: boolean;
}

const ROLE_LABEL: Record<SignoffRole, string> = { executed: 'Executed by', overseen: 'Overseen by' };

/** The latest sign-off per role, with the run's intended names where nobody signed yet. */
export function signoffViews(results: Results, partialNote = ''): SignoffView[] {
  const latest = (role: SignoffRole): Signoff | undefined => (results.signoffs ?? []).filter((s) => s.role === role).at(-1);
  const intended: Record<SignoffRole, string> = { executed: results.run.executedBy ?? '', overseen: results.run.overseenBy ?? '' };
  return (['executed', 'overseen'] as const).map((role) => {
    const s = latest(role);
    return {
      role, roleLabel: ROLE_LABEL[role], name: truncate(s?.by ?? intended[role], 200), signed: s !== undefined,
      at: formatTime(s?.at), statement: truncate(s?.statement ?? '', 2000),
      partialNote: s?.partial === true ? `Signed for a partial plan${partialNote === '' ? '' : ` (${partialNote})`}` : '',
    };
  });
}

/**
 * Where each check's route link points: the probe of its domain and format,
 * or, for a check with no format (TLS, SPF, gateway checks), the first routed
 * probe of its domain. Every probe with a route gets a picture, reply-chain
 * legs included: the map only decides links.
 */
function routeLinks(probes: readonly ProbeSummary[]): (domain: string, format: string) => string {
  const exact = new Map<string, string>();
  const primary = new Map<string, string>();
  for (const p of probes.filter((x) => (x.route ?? []).length > 0)) {
    const key = `${p.domain}\u0000${p.format}`;
    if (!exact.has(key)) exact.set(key, routeAnchor(p.id));
    if (!primary.has(p.domain)) primary.set(p.domain, routeAnchor(p.id));
  }
  return (domain, format) => (domain === '' ? '' : exact.get(`${domain}\u0000${format}`) ?? primary.get(domain) ?? '');
}

/**
 * Builds the full report view from the results model only. Deterministic (no
 * clock): the same results.json always renders the same bytes.
 */
export function buildFullReportView(stored: Results, opts: FullViewOptions = {}): FullReportView {
  const base = buildReportView(stored, opts);
  const { results } = trustedResults(stored);
  const signoffs = cleanStrings(signoffViews(results, base.summary.partial.replace(/^Partial plan: /, '')));
  const link = routeLinks(results.probes);
  const name = (role: SignoffRole): string => signoffs.find((s) => s.role === role)?.name ?? '';
  const cases = base.cases.map((c): FullCaseView => ({
    ...c,
    checks: c.checks.map((k) => ({ ...k, routeAnchor: link(k.domain, k.format) })),
    date: base.run.startedAt.slice(0, 10),
    executedBy: name('executed'),
    overseenBy: name('overseen'),
  }));
  const routes = cleanStrings(results.probes.map(routeView));
  return {
    ...base,
    planName: PLAN_NAME,
    cases,
    chart: chartView(results.summary),
    routes,
    hasRoutes: routes.length > 0,
    signoffs,
    signedOff: signoffs.every((s) => s.signed),
    print: opts.print ?? false,
  };
}
