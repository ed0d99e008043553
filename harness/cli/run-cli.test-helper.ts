/** Runs the real `mailflow` command in a child process (black-box, STYLE.md §10). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Results } from '../report/model.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/mailflow.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, MAILFLOW_RUN: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mailflow ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export async function latestResults(outDir: string): Promise<Results> {
  return JSON.parse(await readFile(path.join(outDir, 'latest', 'results.json'), 'utf8')) as Results;
}

export function verdictMap(results: Results): Record<string, string> {
  return Object.fromEntries(results.cases.map((c) => [c.id, c.verdict]));
}

/** A standalone `mailflow lab` that wrote its config and env into `dir`; `stop` ends it. */
export interface LabProcess {
  child: ChildProcess;
  /** What the lab printed up to its credentials line. */
  printed: string;
  stop(): Promise<void>;
}

/** Starts `mailflow lab --write-config DIR/lab.yaml --for SECONDS` and waits (20 s at most) until it has printed its endpoints. */
export async function startLabProcess(dir: string, seconds: number): Promise<LabProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/mailflow.js'), 'lab', '--write-config', path.join(dir, 'lab.yaml'), '--for', String(seconds)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mailflow lab did not start:\n${printed}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      printed += d.toString();
      if (printed.includes('credentials: source')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`mailflow lab exited ${code}:\n${printed}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, printed, stop };
}

/** The `export NAME=value` lines of the lab.env a standalone lab wrote into `dir`. */
export async function readLabEnv(dir: string): Promise<Record<string, string>> {
  const text = await readFile(path.join(dir, 'lab.env'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}
