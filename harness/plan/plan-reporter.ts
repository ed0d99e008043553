/**
 * The vitest reporter of a plan run: turns each test's recorded check (task
 * meta) into the results model, writes results.json as results arrive (a run
 * that dies keeps what it had), and prints one line per case. It is the only
 * place that reads vitest objects; renderers read the model it produces.
 */
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { aggregateVerdict, summarize, type CaseMeta, type CaseResult, type CheckResult, type Results } from '../report/model.ts';
import { createResultsWriter } from '../report/results-writer.ts';
import type { MailflowTaskMeta } from './define-case.ts';
import { planIndex } from './plan-catalogue.ts';
import { readRunState, type RunState } from './run-state.ts';

export interface PlanReporterOptions {
  runDir: string;
  /** Called once per finished case (the CLI prints a line). */
  onCase?: (c: CaseResult) => void;
}

interface CaseAcc {
  meta: CaseMeta;
  checks: CheckResult[];
}

export class PlanReporter implements Reporter {
  private readonly opts: PlanReporterOptions;
  private readonly cases = new Map<string, CaseAcc>();
  private readonly writer;
  private state: RunState | undefined;
  private finished = false;

  constructor(opts: PlanReporterOptions) {
    this.opts = opts;
    this.writer = createResultsWriter(opts.runDir);
  }

  async onTestCaseResult(test: TestCase): Promise<void> {
    const meta = test.meta() as { mailflow?: MailflowTaskMeta };
    const m = meta.mailflow;
    if (m) {
      this.caseAcc(m.case.id, m.case).checks.push(m.check);
    }
    await this.flush();
  }

  onTestModuleEnd(module: TestModule): void {
    const id = caseIdOf(module.moduleId);
    const errors = module.errors();
    if (errors.length > 0) {
      // The case file itself broke (syntax, import): ERROR, never silence.
      const acc = this.caseAcc(id, placeholderMeta(id));
      acc.checks.push({ name: 'case file', verdict: 'ERROR', detail: errors.map((e) => e.message).join('; '), evidence: [] });
    }
    const acc = this.cases.get(id);
    if (acc && this.opts.onCase) this.opts.onCase(toCase(acc));
  }

  async onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message: string }>): Promise<void> {
    this.state = (await readRunState(this.opts.runDir)) ?? this.state;
    const messages = [...(this.state?.setupError === undefined ? [] : [this.state.setupError]), ...unhandled.map((e) => e.message)];
    this.recordSetupErrors(messages);
    this.finished = true;
    await this.flush();
  }

  /**
   * Errors outside any case (the global setup threw, a worker died): one
   * SETUP case with verdict ERROR, so neither the report nor the exit code can
   * read a run that never decided anything as accepted.
   */
  recordSetupErrors(messages: readonly string[]): void {
    const acc = this.caseAcc(SETUP_ID, setupMeta());
    const known = new Set(acc.checks.map((c) => c.detail));
    for (const detail of messages) {
      if (known.has(detail)) continue;
      known.add(detail);
      acc.checks.push({ name: 'run set-up', verdict: 'ERROR', detail, evidence: [] });
    }
    if (acc.checks.length === 0) this.cases.delete(SETUP_ID);
  }

  /** Cases with at least one result so far. */
  caseCount(): number {
    return this.cases.size;
  }

  /** Writes results.json as it stands now (before the first result: no case, incomplete). */
  async start(): Promise<void> {
    await this.flush();
  }

  /** Marks the run finished (when vitest never reached onTestRunEnd) and writes the final results. */
  async finish(): Promise<void> {
    this.finished = true;
    await this.flush();
  }

  /** The results model as it stands. */
  async results(): Promise<Results> {
    this.state ??= await readRunState(this.opts.runDir);
    const cases = [...this.cases.values()].map(toCase).sort((a, b) => planIndex(a.id) - planIndex(b.id) || a.id.localeCompare(b.id));
    const run = this.state?.run ?? fallbackRun(this.opts.runDir);
    return {
      schemaVersion: 1,
      run: { ...run, complete: this.finished, ...(this.finished ? { finishedAt: new Date().toISOString() } : {}) },
      cases,
      probes: this.state?.probes ?? [],
      summary: summarize(cases),
    };
  }

  private caseAcc(id: string, meta: CaseMeta): CaseAcc {
    let acc = this.cases.get(id);
    if (!acc) {
      acc = { meta, checks: [] };
      this.cases.set(id, acc);
    } else if (acc.meta.title === '' && meta.title !== '') {
      acc.meta = meta;
    }
    return acc;
  }

  private async flush(): Promise<void> {
    this.state = (await readRunState(this.opts.runDir)) ?? this.state;
    await this.writer.update(await this.results());
  }
}

function toCase(acc: CaseAcc): CaseResult {
  return { ...acc.meta, verdict: aggregateVerdict(acc.checks), checks: acc.checks };
}

function caseIdOf(moduleId: string): string {
  return /^([A-Z]+\d+)/.exec(path.basename(moduleId))?.[1] ?? path.basename(moduleId);
}

const SETUP_ID = 'SETUP';

function setupMeta(): CaseMeta {
  return {
    ...placeholderMeta(SETUP_ID),
    title: 'Run set-up',
    description: 'Opening the target and gathering the probes before the cases run.',
    expected: 'The set-up completes, so that the selected cases can decide.',
    correctiveActions: ['Read the error: it names the setting, host or account that stopped the run; fix it and run again.'],
  };
}

function placeholderMeta(id: string): CaseMeta {
  return { id, title: '', mandatory: true, section: '', description: '', actions: [], expected: '', correctiveActions: [], comments: [] };
}

function fallbackRun(runDir: string): Results['run'] {
  return {
    id: path.basename(runDir),
    startedAt: new Date().toISOString(),
    target: 'unknown',
    environment: 'unknown',
    customer: 'unknown',
    gateway: { vendor: 'unknown', region: 'unknown' },
    domains: [],
    labFaults: [],
    harnessVersion: 'unknown',
    configDigest: '',
    warnings: ['the run stopped before its set-up finished'],
    complete: false,
  };
}
