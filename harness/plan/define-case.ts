/**
 * How a plan case is written: its metadata (in our words) and a check run once
 * per configured sending domain ("repeat the test for each sending domain").
 * The check returns a verdict with evidence; the verdict is recorded in the
 * test's meta for the reporter, and the vitest test passes only for PASS,
 * ATTESTED and NOT_APPLICABLE, so a bare `vitest run --project plan` on the
 * healthy lab is a real assertion that every case passes.
 */
import { describe, inject, test } from 'vitest';
import { errorMessage, isMailflowError } from '../errors.ts';
import type { CaseMeta, CheckResult, Evidence, Verdict } from '../report/model.ts';
import { primaryProbe, type PlanContext } from './plan-context.ts';
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

export interface CaseDefinition {
  meta: CaseMeta;
  perDomain: (ctx: DomainCheckContext) => Promise<CheckOutcome> | CheckOutcome;
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

const PASSING: ReadonlySet<Verdict> = new Set(['PASS', 'ATTESTED', 'NOT_APPLICABLE']);

export function defineCase(def: CaseDefinition): void {
  const plan = inject('mailflow');
  describe(`${def.meta.id} ${def.meta.title}`, () => {
    for (const { name: domain } of plan.config.domains) {
      test(`${def.meta.id} ${domain}`, async ({ task }) => {
        const started = performance.now();
        let outcome: CheckOutcome;
        try {
          outcome = await def.perDomain({ plan, domain, probe: primaryProbe(plan, domain) });
        } catch (err) {
          // The harness broke, not the environment: ERROR, with the reason (DESIGN.md verdicts).
          const code = isMailflowError(err) ? `${err.code}: ` : '';
          outcome = { verdict: 'ERROR', detail: `${code}${errorMessage(err)}`, evidence: [] };
        }
        const check: CheckResult = {
          name: outcome.name ?? def.meta.title,
          domain,
          verdict: outcome.verdict,
          detail: outcome.detail,
          evidence: outcome.evidence,
          durationMs: Math.round(performance.now() - started),
        };
        task.meta.mailflow = { case: def.meta, check };
        if (!PASSING.has(check.verdict)) throw new Error(`${def.meta.id} ${domain}: ${check.verdict}: ${check.detail}`);
      });
    }
  });
}
