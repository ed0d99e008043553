/**
 * Signing off a run: records who signed, in which of the plan's roles, and
 * when; re-renders every report so the names appear in them; then seals the
 * folder (seal.ts). Signing appends to `signoffs` and touches nothing else in
 * results.json: a verdict cannot be changed by signing. A run that changed
 * since an earlier seal is refused, so a second signer never blesses edits;
 * so is a run whose stored verdicts disagree with its checks, one with no
 * cases or missing cases, and a partial plan unless the signer says so.
 * A report that cannot be re-rendered is removed rather than sealed stale.
 */
import { silentLogger, type Logger } from '../logger.ts';
import { MailflowError } from '../errors.ts';
import { SIGNOFF_ROLES, type Results, type Signoff, type SignoffRole } from './model.ts';
import { defaultRenderers, renderRun, type RunRenderer } from './render-all.ts';
import { createResultsWriter, readResults } from './results-writer.ts';
import { createSeal, SEAL_FILE, writeSeal, type SealManifest } from './seal.ts';
import { formatVerifyReport, verifyRun } from './seal-verify.ts';
import { auditResults } from './results-audit.ts';
import type { KeyObject } from 'node:crypto';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';

export interface SignoffOptions {
  by: string;
  role: string;
  statement?: string;
  now?: Date;
  /** Ed25519 private key: the seal is signed when given. */
  privateKey?: KeyObject;
  renderers?: readonly RunRenderer[];
  logger?: Logger;
  /** Accept a partial plan (fewer cases selected than the plan has); recorded in the sign-off. */
  partial?: boolean;
}

export interface SignoffOutcome {
  signoff: Signoff;
  seal: SealManifest;
  rendered: string[];
  renderFailures: { renderer: string; error: string }[];
  /** Outputs of failed renderers, removed so the seal never covers a pre-sign-off report. */
  removed: string[];
}

// eslint-disable-next-line no-control-regex -- a name or statement must not carry terminal or XML controls
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

function checkText(what: string, value: string, max: number, oneLine: boolean): string {
  const v = value.trim();
  if (v === '') throw new MailflowError('EUSAGE', `${what}: empty`);
  if (v.length > max) throw new MailflowError('EUSAGE', `${what}: ${v.length} characters is over the limit of ${max}`);
  if (CONTROLS.test(v) || (oneLine && /[\r\n]/.test(v))) throw new MailflowError('EUSAGE', `${what}: control characters or line breaks are not allowed`);
  return v;
}

function checkRole(role: string): SignoffRole {
  const r = (SIGNOFF_ROLES as readonly string[]).find((x) => x === role);
  if (r === undefined) throw new MailflowError('EUSAGE', `--role ${role}: expected one of ${SIGNOFF_ROLES.join(', ')}`);
  return r as SignoffRole;
}

/** Refuses results a sign-off cannot vouch for: empty, missing cases, inconsistent, partial without --partial. */
function checkTrustworthy(results: Results, partialOk: boolean): void {
  const id = results.run.id;
  const audit = auditResults(results);
  if (audit.empty) throw new MailflowError('EUSAGE', `run ${id} holds no case results: there is nothing to sign off (re-run the plan)`);
  if (audit.coverage.missing.length > 0) {
    throw new MailflowError('EUSAGE', `run ${id} has no result for selected case(s) ${audit.coverage.missing.join(', ')}: it cannot be signed off (re-run the plan)`);
  }
  if (audit.inconsistencies.length > 0) {
    throw new MailflowError('EUSAGE', `run ${id}: results.json is inconsistent, refusing to sign it:\n${audit.inconsistencies.map((i) => `  ${i}`).join('\n')}`);
  }
  const { partial, selected, planned } = audit.coverage;
  if (partial && !partialOk) {
    throw new MailflowError('EUSAGE', `run ${id} is a partial plan (${selected} of ${planned} cases): run the whole plan, or sign it as partial with --partial`);
  }
}

/** Refuses what the plan's sign-off does not allow. */
function checkAllowed(results: Results, role: SignoffRole, by: string, partialOk: boolean): void {
  if (!results.run.complete) throw new MailflowError('EUSAGE', `run ${results.run.id} did not finish: an incomplete run cannot be signed off (re-run the plan)`);
  checkTrustworthy(results, partialOk);
  const existing = results.signoffs ?? [];
  const same = existing.find((s) => s.role === role);
  if (same) throw new MailflowError('EUSAGE', `run ${results.run.id} is already signed as ${role} by ${same.by} (${same.at})`);
  // Oversight by the person who executed the plan is no oversight.
  const other = existing.find((s) => s.role !== role && s.by.toLowerCase() === by.toLowerCase());
  if (other) throw new MailflowError('EUSAGE', `${by} already signed as ${other.role}; the ${role} sign-off must be someone else`);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/** Signs off the run in `dir` (see file comment). Throws EUSAGE/ECONFIG for what cannot be signed. */
export async function signOff(dir: string, opts: SignoffOptions): Promise<SignoffOutcome> {
  const by = checkText('--by', opts.by, 200, true);
  const role = checkRole(opts.role);
  const statement = opts.statement === undefined ? undefined : checkText('--statement', opts.statement, 2000, false);
  if (await exists(path.join(dir, SEAL_FILE))) {
    const before = await verifyRun(dir);
    if (before.changed.length + before.missing.length + before.added.length > 0 || before.signature === 'invalid') {
      throw new MailflowError('EUSAGE', `the run changed since it was sealed; refusing to sign it:\n${formatVerifyReport(before)}`);
    }
  }
  const results = await readResults(dir);
  checkAllowed(results, role, by, opts.partial === true);
  const partial = auditResults(results).coverage.partial;
  const signoff: Signoff = {
    role, by, at: (opts.now ?? new Date()).toISOString(), ...(statement === undefined ? {} : { statement }), ...(partial ? { partial: true } : {}),
  };
  const signed: Results = { ...results, signoffs: [...(results.signoffs ?? []), signoff] };
  await createResultsWriter(dir).update(signed);
  const renderers = opts.renderers ?? defaultRenderers;
  const out = await renderRun(dir, signed, opts.logger ?? silentLogger, { renderers });
  const removed = await removeStale(dir, renderers, out.failed.map((f) => f.renderer));
  const seal = await createSeal(dir, results.run.id, { ...(opts.now ? { now: opts.now } : {}), ...(opts.privateKey ? { privateKey: opts.privateKey } : {}) });
  await writeSeal(dir, seal);
  return { signoff, seal, rendered: out.written, renderFailures: out.failed, removed };
}

/**
 * Deletes what the failed renderers wrote before: it predates this sign-off
 * (no names, maybe other verdicts) and must not be sealed as if current.
 */
async function removeStale(dir: string, renderers: readonly RunRenderer[], failed: readonly string[]): Promise<string[]> {
  const stale = renderers.filter((r) => failed.includes(r.name)).flatMap((r) => r.outputs ?? []);
  const removed: string[] = [];
  for (const f of stale) {
    const file = path.join(dir, f);
    if (await exists(file)) {
      await rm(file, { force: true });
      removed.push(f);
    }
  }
  return removed;
}
