/** Runs the real `mailflow` command in a child process (black-box, STYLE.md §10). */
import { spawn } from 'node:child_process';
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
