/**
 * `npm run bench`: the plan's wall time on the lab (whole CLI process,
 * start-up included; median of several runs) for 1 and 5 sending domains, and
 * the probe detection latency: from the recipient MTA's 250 reply (the lab's
 * 'delivered' event) to the harness seeing the message over IMAP IDLE.
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function cliRun(domains: number, out: string): Promise<number> {
  const t0 = performance.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['bin/mailflow.js', 'run', '--lab-domains', String(domains), '--out', out], { cwd: ROOT, stdio: 'ignore' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`mailflow run exited ${code}`);
  return performance.now() - t0;
}

async function detectionLatency(samples: number): Promise<number[]> {
  const out: number[] = [];
  const dir = await mkdtemp(path.join(tmpdir(), 'mailflow-bench-'));
  for (let i = 0; i < samples; i++) {
    const lab = await startLab({ logger: silentLogger });
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

const out = await mkdtemp(path.join(tmpdir(), 'mailflow-bench-runs-'));
try {
  const one: number[] = [];
  const five: number[] = [];
  for (let i = 0; i < RUNS; i++) one.push(await cliRun(1, out));
  for (let i = 0; i < RUNS; i++) five.push(await cliRun(5, out));
  const latency = await detectionLatency(RUNS);
  const m1 = median(one);
  const m5 = median(five);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`plan wall time, 1 domain  (median of ${RUNS}): ${m1.toFixed(0)} ms   [${fmt(one)}]`);
  console.log(`plan wall time, 5 domains (median of ${RUNS}): ${m5.toFixed(0)} ms   [${fmt(five)}]   ratio ${(m5 / m1).toFixed(2)}x`);
  console.log(`detection latency, 250 -> seen (median of ${latency.length}): ${median(latency).toFixed(0)} ms   max ${Math.max(...latency).toFixed(0)} ms`);
  console.log(`targets: full run < 5000 ms, detection < 100 ms, 5 domains < 1.5x of 1`);
} finally {
  await rm(out, { recursive: true, force: true });
}
