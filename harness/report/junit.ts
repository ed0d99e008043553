/**
 * JUnit XML for unattended runs (DESIGN.md: "a JUnit file and an exit code").
 * The de-facto schema CI systems read (Jenkins, GitLab, GitHub annotations):
 * <testsuites>/<testsuite>/<testcase> with <failure>, <error>, <skipped> and
 * <system-out>. One testcase per case and sending domain (the plan's "repeat
 * for each domain"), classname = case id, so a CI view groups a case's domains
 * together; the formats checked for a domain are listed in its testcase.
 */
import { aggregateVerdict } from './model.ts';
import type { CaseResult, CheckResult, Results, Verdict } from './model.ts';
import { cleanText } from './sanitize.ts';
import { trustedResults, type ResultsAudit } from './results-audit.ts';

/** Text content: `<` and `&` must be escaped, `>` too so `]]>` never appears (XML 1.0 §2.4). */
export function xmlText(s: string): string {
  return cleanText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Attribute values (double-quoted). TAB/LF/CR become character references,
 * otherwise attribute-value normalization (XML 1.0 §3.3.3) turns them into spaces.
 */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

interface JunitCase {
  classname: string;
  name: string;
  verdict: Verdict;
  detail: string;
  seconds: number;
  check?: CheckResult;
  checks: CheckResult[];
  owner: CaseResult;
}

function qualified(check: CheckResult): string {
  const q = [check.domain, check.format].filter((x): x is string => x !== undefined && x !== '');
  return q.length > 0 ? `${check.name} [${q.join(', ')}]` : check.name;
}

/** Checks of a case grouped by domain, in first-seen order; checks with no domain form one group. */
function byDomain(checks: readonly CheckResult[]): [string, CheckResult[]][] {
  const groups = new Map<string, CheckResult[]>();
  for (const c of checks) {
    const key = c.domain ?? '';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups];
}

/** One line per check of a group: what CI shows under the testcase. */
function groupDetail(checks: readonly CheckResult[]): string {
  if (checks.length === 1 && checks[0]) return checks[0].detail;
  return checks.map((k) => `${k.verdict} ${qualified(k)}: ${k.detail}`).join('\n');
}

/**
 * Testcases of one case: one per (case, domain), its verdict the worst of its
 * checks (formats), plus the case itself when the checks do not explain its verdict.
 */
function testcasesOf(c: CaseResult): JunitCase[] {
  const rows: JunitCase[] = byDomain(c.checks).map(([domain, checks]) => {
    const verdict = aggregateVerdict(checks);
    const worst = checks.find((k) => k.verdict === verdict);
    return {
      classname: c.id, name: domain === '' ? c.title : `${c.title} [${domain}]`, verdict,
      detail: verdict === 'PASS' ? groupDetail(checks) : groupDetail(checks.filter((k) => k.verdict === verdict)),
      seconds: checks.reduce((n, k) => n + (k.durationMs ?? 0), 0) / 1000, owner: c, checks,
      ...(worst ? { check: worst } : {}),
    };
  });
  const fromChecks = aggregateVerdict(c.checks);
  if (c.checks.length === 0 || fromChecks !== c.verdict) {
    // A case with no checks, or one the runner marked worse than its checks (a
    // hook that threw, say), must still show up red or skipped, never green.
    const detail = c.checks.length === 0
      ? 'No checks were recorded for this case.'
      : `The case is ${c.verdict} although its checks aggregate to ${fromChecks}.`;
    rows.push({ classname: c.id, name: `${c.title} (case verdict)`, verdict: c.verdict, detail, seconds: 0, owner: c, checks: [] });
  }
  return rows;
}

function failureBody(t: JunitCase): string {
  const kind = t.owner.mandatory ? 'mandatory' : 'optional';
  const parts = [`${t.owner.id} (${kind}): ${t.owner.title}`, t.detail];
  if (t.owner.correctiveActions.length > 0) {
    parts.push(`Corrective actions:\n${t.owner.correctiveActions.map((a, i) => `${i + 1}. ${a}`).join('\n')}`);
  }
  return parts.join('\n\n');
}

function attestationNote(t: JunitCase): string {
  const notes = t.checks.flatMap((k) => k.evidence).flatMap((e) => (e.kind === 'attestation' ? [`Attested by ${e.by} on ${e.date}: ${e.note}`] : []));
  return notes.length > 0 ? notes.join('\n') : `Attested: ${t.detail}`;
}

const SKIP_LABEL: Partial<Record<Verdict, string>> = { NOT_RUN: 'Not run', NOT_APPLICABLE: 'Not applicable' };

/**
 * CI views know only pass, fail, error and skip; an attestation passes but is
 * an engineer's word, not evidence, so its name and a property say so.
 */
const MARKED: Partial<Record<Verdict, string>> = { ATTESTED: ' [ATTESTED]', NOT_APPLICABLE: ' [NOT_APPLICABLE]', NOT_RUN: ' [NOT_RUN]' };

function verdictProperty(v: Verdict): string {
  return `\n      <properties>\n        <property name="verdict" value="${v}"/>\n      </properties>`;
}

function renderTestcase(t: JunitCase): string {
  const name = `${t.name}${MARKED[t.verdict] ?? ''}`;
  const open = `    <testcase classname="${xmlAttr(t.classname)}" name="${xmlAttr(name)}" time="${t.seconds.toFixed(3)}">${verdictProperty(t.verdict)}`;
  switch (t.verdict) {
    case 'FAIL':
      return `${open}\n      <failure message="${xmlAttr(t.detail)}" type="FAIL">${xmlText(failureBody(t))}</failure>\n    </testcase>`;
    case 'ERROR':
      return `${open}\n      <error message="${xmlAttr(t.detail)}" type="ERROR">${xmlText(failureBody(t))}</error>\n    </testcase>`;
    case 'NOT_RUN':
    case 'NOT_APPLICABLE':
      return `${open}\n      <skipped message="${xmlAttr(`${SKIP_LABEL[t.verdict] ?? t.verdict}: ${t.detail}`)}"/>\n    </testcase>`;
    case 'ATTESTED':
      return `${open}\n      <system-out>${xmlText(attestationNote(t))}</system-out>\n    </testcase>`;
    case 'PASS':
      return `${open}\n      <system-out>${xmlText(t.detail)}</system-out>\n    </testcase>`;
  }
}

function properties(results: Results): string {
  const r = results.run;
  const props: [string, string | undefined][] = [
    ['run.id', r.id], ['run.target', r.target], ['run.environment', r.environment], ['run.customer', r.customer],
    ['run.gateway', `${r.gateway.vendor} (${r.gateway.region})`], ['run.domains', r.domains.join(', ')],
    ['run.faults', r.labFaults.join(', ')], ['run.startedAt', r.startedAt], ['run.finishedAt', r.finishedAt],
    ['run.complete', String(r.complete)], ['run.executedBy', r.executedBy], ['run.overseenBy', r.overseenBy],
    ['run.harnessVersion', r.harnessVersion], ['run.configDigest', r.configDigest],
    ['run.selectedCases', r.selectedCases?.join(', ')], ['run.planCases', r.planCases?.join(', ')],
    ...r.warnings.map((w, i): [string, string] => [`run.warning.${i + 1}`, w]),
  ];
  const lines = props
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
  return `    <properties>\n${lines.join('\n')}\n    </properties>`;
}

function runSeconds(results: Results, cases: readonly JunitCase[]): number {
  const start = Date.parse(results.run.startedAt);
  const end = results.run.finishedAt === undefined ? Number.NaN : Date.parse(results.run.finishedAt);
  if (Number.isFinite(start) && Number.isFinite(end) && end >= start) return (end - start) / 1000;
  return cases.reduce((sum, t) => sum + t.seconds, 0);
}

/**
 * A run with no case, or with selected cases that have no result, is not a
 * green build: one error testcase says so (an empty suite passes in most CI).
 */
function coverageTestcases({ empty, coverage }: ResultsAudit): string[] {
  const out: string[] = [];
  const error = (name: string, message: string) =>
    `    <testcase classname="mailflow.run" name="${xmlAttr(name)}" time="0.000">${verdictProperty('ERROR')}\n      <error message="${xmlAttr(message)}" type="ERROR">${xmlText(message)}</error>\n    </testcase>`;
  if (empty) out.push(error('run holds no case results', 'The run recorded no case at all: nothing was decided.'));
  if (coverage.missing.length > 0) {
    out.push(error('selected cases without a result', `${coverage.missing.length} selected case(s) have no result: ${coverage.missing.join(', ')}.`));
  }
  return out;
}

/** The run as a JUnit XML document (one testsuite for the plan). */
export function renderJunit(stored: Results): string {
  // Verdicts recomputed from the checks, as every renderer draws them: a stored PASS over failing checks is not green.
  const { results, audit } = trustedResults(stored);
  const extra = coverageTestcases(audit);
  const cases = results.cases.flatMap(testcasesOf);
  const count = (v: readonly Verdict[]) => cases.filter((t) => v.includes(t.verdict)).length;
  const counts = `tests="${cases.length + extra.length}" failures="${count(['FAIL'])}" errors="${count(['ERROR']) + extra.length}" skipped="${count(['NOT_RUN', 'NOT_APPLICABLE'])}"`;
  const time = `time="${runSeconds(results, cases).toFixed(3)}"`;
  const suiteName = `Outbound acceptance plan: ${results.run.customer} (${results.run.target})`;
  const incomplete = results.run.complete ? [] : ['    <system-err>The run did not finish: these results are incomplete.</system-err>'];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mailflow-acceptance" ${counts} ${time}>`,
    `  <testsuite name="${xmlAttr(suiteName)}" ${counts} ${time} timestamp="${xmlAttr(results.run.startedAt)}">`,
    properties(results),
    ...extra,
    ...cases.map(renderTestcase),
    ...incomplete,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
