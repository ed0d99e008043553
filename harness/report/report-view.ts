/**
 * The signed-off report's view: the summary view (view-model.ts) plus what the
 * customer's document adds: the plan's table per case with who executed and
 * oversaw it, the summary chart, each probe's route and the sign-off block.
 * Shared by the HTML (and so PDF) and Word renderers.
 */
import type { Results, Signoff, SignoffRole } from './model.ts';
import { buildReportView, formatTime } from './view-model.ts';
import type { CaseView, CheckView, ReportView, ViewOptions } from './view-model.ts';
import { chartView, type ChartView } from './chart-view.ts';
import { routeAnchor, routeView, type RouteView } from './route-view.ts';
import { stripXmlIllegal, truncate } from './sanitize.ts';

export const PLAN_NAME = 'Outbound mail flow acceptance test plan';

export interface SignoffView {
  role: SignoffRole;
  roleLabel: string;
  /** Signed name, or the name given at run time, or empty. */
  name: string;
  signed: boolean;
  at: string;
  statement: string;
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
}

const ROLE_LABEL: Record<SignoffRole, string> = { executed: 'Executed by', overseen: 'Overseen by' };

/** The latest sign-off per role, with the run's intended names where nobody signed yet. */
export function signoffViews(results: Results): SignoffView[] {
  const latest = (role: SignoffRole): Signoff | undefined => (results.signoffs ?? []).filter((s) => s.role === role).at(-1);
  const intended: Record<SignoffRole, string> = { executed: results.run.executedBy ?? '', overseen: results.run.overseenBy ?? '' };
  return (['executed', 'overseen'] as const).map((role) => {
    const s = latest(role);
    return {
      role, roleLabel: ROLE_LABEL[role], name: truncate(s?.by ?? intended[role], 200), signed: s !== undefined,
      at: formatTime(s?.at), statement: truncate(s?.statement ?? '', 2000),
    };
  });
}

/**
 * Builds the full report view from the results model only. Deterministic (no
 * clock): the same results.json always renders the same bytes.
 */
export function buildFullReportView(results: Results, opts: ViewOptions = {}): FullReportView {
  const base = buildReportView(results, opts);
  const signoffs = signoffViews(results).map((s) => ({ ...s, name: stripXmlIllegal(s.name), statement: stripXmlIllegal(s.statement) }));
  const routed = new Map(results.probes.filter((p) => (p.route ?? []).length > 0).map((p) => [`${p.domain}\u0000${p.format}`, routeAnchor(p.id)]));
  const name = (role: SignoffRole): string => signoffs.find((s) => s.role === role)?.name ?? '';
  const cases = base.cases.map((c): FullCaseView => ({
    ...c,
    checks: c.checks.map((k) => ({ ...k, routeAnchor: routed.get(`${k.domain}\u0000${k.format}`) ?? '' })),
    date: base.run.startedAt.slice(0, 10),
    executedBy: name('executed'),
    overseenBy: name('overseen'),
  }));
  const routes = results.probes.map(routeView).map((r) => stripAll(r));
  return {
    ...base,
    title: `Outbound acceptance test report: ${stripXmlIllegal(results.run.customer)}`,
    planName: PLAN_NAME,
    cases,
    chart: chartView(results.summary),
    routes,
    hasRoutes: routes.length > 0,
    signoffs,
    signedOff: signoffs.every((s) => s.signed),
  };
}

function stripAll<T>(value: T): T {
  if (typeof value === 'string') return stripXmlIllegal(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => stripAll(v)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripAll(v)])) as T;
  return value;
}
