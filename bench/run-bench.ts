/**
 * `npm run bench`: wall time of a whole CLI process on the lab (start-up
 * included; median of BENCH_RUNS runs, default 5), for (a) the message-flow
 * cases of issue 2 (MAN07, MAN08, MAN10–MAN13) and (b) the whole plan, each
 * with 1 and 5 sending domains; and the probe detection latency for 1 and 5
 * domains: from the recipient MTA's 250 reply (the lab's 'delivered' event)
 * to the harness seeing the message over IMAP IDLE. Each target is printed
 * with met/missed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSecretStore } from '../harness/config/secrets.ts';
import { startLab } from '../harness/lab/lab.ts';
import { silentLogger } from '../harness/logger.ts';
import { runProbePhase } from '../harness/plan/probe-phase.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MESSAGE_FLOW = 'MAN07,MAN08,MAN10,MAN11,MAN12,MAN13';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function cliRun(domains: number, out: string, only?: string): Promise<number> {
  const args = ['bin/mailflow.js', 'run', '--lab-domains', String(domains), '--out', out, ...(only ? ['--only', only] : [])];
  const t0 = performance.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`mailflow ${args.slice(1).join(' ')} exited ${code}`);
  return performance.now() - t0;
}

async function wallTimes(domains: number, out: string, only?: string): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await cliRun(domains, out, only));
  return xs;
}

async function detectionLatency(samples: number, domainCount: number): Promise<number[]> {
  const out: number[] = [];
  const dir = await mkdtemp(path.join(tmpdir(), 'mailflow-bench-'));
  for (let i = 0; i < samples; i++) {
    const lab = await startLab({ logger: silentLogger, domainCount });
    const delivered = new Map<string, number>();
    lab.events.on('delivered', (e: { messageId: string; at: number }) => delivered.set(e.messageId, e.at));
    try {
      const probes = await runProbePhase({ config: lab.config, secrets: createSecretStore({ env: lab.env }), runId: `bench${i}`, runDir: dir, logger: silentLogger });
      for (const p of probes) {
        const at = delivered.get(p.messageId);
        if (at !== undefined && p.delivery.detectedAt) out.push(Date.parse(p.delivery.detectedAt) - at);
      }
    } finally {
      await lab.stop();
    }
  }
  await rm(dir, { recursive: true, force: true });
  return out;
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

const out = await mkdtemp(path.join(tmpdir(), 'mailflow-bench-runs-'));
try {
  const rows: { label: string; one: number[]; five: number[] }[] = [
    { label: 'message-flow cases', one: await wallTimes(1, out, MESSAGE_FLOW), five: await wallTimes(5, out, MESSAGE_FLOW) },
    { label: 'whole plan', one: await wallTimes(1, out), five: await wallTimes(5, out) },
  ];
  const latency1 = await detectionLatency(RUNS, 1);
  const latency5 = await detectionLatency(RUNS, 5);
  for (const r of rows) {
    console.log(`${r.label}, 1 domain  (median of ${RUNS}): ${median(r.one).toFixed(0)} ms   [${fmt(r.one)}]`);
    console.log(`${r.label}, 5 domains (median of ${RUNS}): ${median(r.five).toFixed(0)} ms   [${fmt(r.five)}]   ratio ${(median(r.five) / median(r.one)).toFixed(2)}x`);
  }
  for (const [n, xs] of [[1, latency1], [5, latency5]] as const) {
    console.log(`detection latency, ${n} domain${n > 1 ? 's' : ' '}, 250 -> seen (median of ${xs.length}): ${median(xs).toFixed(0)} ms   max ${Math.max(...xs).toFixed(0)} ms`);
  }
  const [flow, plan] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log('targets (issue 2, on this 2-core machine):');
  console.log(`  message-flow cases, 1 domain, start-up included < 5000 ms: ${median(flow.one).toFixed(0)} ms  ${verdict(median(flow.one) < 5000)}`);
  console.log(`  message-flow cases, 5 domains < 1.5x of 1: ${(median(flow.five) / median(flow.one)).toFixed(2)}x  ${verdict(median(flow.five) < 1.5 * median(flow.one))}`);
  console.log(`  whole plan, 5 domains < 1.5x of 1: ${(median(plan.five) / median(plan.one)).toFixed(2)}x  ${verdict(median(plan.five) < 1.5 * median(plan.one))}`);
  // No sample (no probe matched a 'delivered' event) is a miss, never a median of 0 that "meets" the target.
  console.log(`  detection, 1 domain < 100 ms: ${median(latency1).toFixed(0)} ms  ${verdict(latency1.length > 0 && median(latency1) < 100)}`);
  console.log(`  detection, 5 domains < 100 ms: ${median(latency5).toFixed(0)} ms  ${verdict(latency5.length > 0 && median(latency5) < 100)}`);
} finally {
  await rm(out, { recursive: true, force: true });
}
