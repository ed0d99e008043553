/**
 * How a plan case is written: its metadata (in our words) and a check run once
 * per configured sending domain ("repeat the test for each sending domain").
 * The check returns a verdict with evidence; the verdict is recorded in the
 * test's meta for the reporter, and the vitest test passes only for PASS,
 * ATTESTED and NOT_APPLICABLE, so a bare `vitest run --project plan` on the
 * healthy lab is a real assertion that every case passes.
 */
import { describe, inject, test, type TaskMeta } from 'vitest';
import type { ProbeFormat } from '../config/schema.ts';
import { errorMessage, isMailflowError } from '../errors.ts';
import { isPassing, type CaseMeta, type CheckResult, type Evidence, type Verdict } from '../report/model.ts';
import { primaryProbe, probesFor, type PlanContext } from './plan-context.ts';
import type { ProbeRecord } from './probe-types.ts';

export interface CheckOutcome {
  verdict: Verdict;
  detail: string;
  evidence: Evidence[];
  /** Overrides the case title as the check's name. */
  name?: string;
}

export interface DomainCheckContext {
  plan: PlanContext;
  domain: string;
  /** The domain's primary probe (its first configured format), if one was planned. */
  probe: ProbeRecord | undefined;
}

export interface FormatCheckContext extends DomainCheckContext {
  format: ProbeFormat;
}

/** Exactly one of once, perDomain and perFormat. */
export interface CaseDefinition {
  meta: CaseMeta;
  /** One check for the whole gateway, where the plan does not repeat the case per domain (MAN01). */
  once?: (ctx: { plan: PlanContext }) => Promise<CheckOutcome> | CheckOutcome;
  perDomain?: (ctx: DomainCheckContext) => Promise<CheckOutcome> | CheckOutcome;
  /**
   * One check per (domain, configured probe format) ("repeat with HTML, rich
   * text and plain text"); `probe` is that format's probe.
   */
  perFormat?: (ctx: FormatCheckContext) => Promise<CheckOutcome> | CheckOutcome;
}

export interface MailflowTaskMeta {
  case: CaseMeta;
  check: CheckResult;
}

declare module 'vitest' {
  interface TaskMeta {
    mailflow?: MailflowTaskMeta;
  }
}


export function defineCase(def: CaseDefinition): void {
  const plan = inject('mailflow');
  const { once, perDomain, perFormat } = def;
  describe(`${def.meta.id} ${def.meta.title}`, () => {
    if (once) test(`${def.meta.id} gateway`, ({ task }) => runCheck(task, def.meta, {}, () => once({ plan })));
    for (const { name: domain } of plan.config.domains) {
      if (perDomain) {
        test(`${def.meta.id} ${domain}`, ({ task }) => runCheck(task, def.meta, { domain }, () => perDomain({ plan, domain, probe: primaryProbe(plan, domain) })));
      }
      if (perFormat) {
        for (const format of plan.config.probes.formats) {
          const probe = probesFor(plan, domain).find((p) => p.format === format);
          test(`${def.meta.id} ${domain} ${format}`, ({ task }) => runCheck(task, def.meta, { domain, format }, () => perFormat({ plan, domain, format, probe })));
        }
      }
    }
  });
}

async function runCheck(
  task: { meta: TaskMeta },
  meta: CaseMeta,
  where: { domain?: string; format?: ProbeFormat },
  check: () => Promise<CheckOutcome> | CheckOutcome,
): Promise<void> {
  const started = performance.now();
  let outcome: CheckOutcome;
  try {
    outcome = await check();
  } catch (err) {
    // The harness broke, not the environment: ERROR, with the reason (DESIGN.md verdicts).
    const code = isMailflowError(err) ? `${err.code}: ` : '';
    outcome = { verdict: 'ERROR', detail: `${code}${errorMessage(err)}`, evidence: [] };
  }
  const result: CheckResult = {
    name: outcome.name ?? meta.title,
    ...(where.domain ? { domain: where.domain } : {}),
    ...(where.format ? { format: where.format } : {}),
    verdict: outcome.verdict,
    detail: outcome.detail,
    evidence: outcome.evidence,
    durationMs: Math.round(performance.now() - started),
  };
  task.meta.mailflow = { case: meta, check: result };
  const label = [meta.id, where.domain, where.format].filter(Boolean).join(' ');
  if (!isPassing(result.verdict)) throw new Error(`${label}: ${result.verdict}: ${result.detail}`);
}
