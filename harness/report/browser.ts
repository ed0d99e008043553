/**
 * Headless Chromium for the PDF and the report's own browser tests, driven by
 * playwright-core against the system's browser (Debian's `chromium` package):
 * the project downloads no browser of its own. Every launch gets a fresh
 * profile folder that is removed afterwards, and the flags below keep the
 * browser from calling home (updates, sync, field trials) while it prints.
 */
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where a Chromium is looked for when MAILFLOW_CHROMIUM is not set. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

/** How to get a browser, for the message when none is found. */
export const CHROMIUM_HINT = 'install Chromium (Debian/Ubuntu: apt-get install chromium) or set MAILFLOW_CHROMIUM to a Chromium or Chrome binary';

/** Flags for an offline, unattended print run (no QUIC, no background fetches, no sync). */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
] as const;

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}

/** The browser binary to use, or undefined when none is installed. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const configured = env.MAILFLOW_CHROMIUM;
  if (configured !== undefined && configured !== '') return (await executable(configured)) ? configured : undefined;
  for (const p of CHROMIUM_PATHS) if (await executable(p)) return p;
  return undefined;
}

/** A launched browser on its own fresh profile; `close` ends it and removes the profile. */
export interface LaunchedBrowser {
  ctx: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium on a fresh profile (`--user-data-dir`, set by launchPersistentContext from the folder). */
export async function launchBrowser(executablePath: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'mailflow-chromium-'));
  const removeProfile = () => rm(profile, { recursive: true, force: true });
  try {
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      offline: true,
      javaScriptEnabled: opts.javaScriptEnabled ?? true,
      timeout: 30_000,
    });
    return { ctx, close: async () => { await ctx.close().finally(removeProfile); } };
  } catch (err) {
    await removeProfile();
    throw err;
  }
}

/**
 * Runs `fn` with a browser context on a fresh profile, then closes the
 * browser and removes the profile, whatever `fn` did.
 */
export async function withBrowser<T>(
  executablePath: string,
  fn: (ctx: BrowserContext) => Promise<T>,
  opts: { javaScriptEnabled?: boolean } = {},
): Promise<T> {
  const browser = await launchBrowser(executablePath, opts);
  try {
    return await fn(browser.ctx);
  } finally {
    await browser.close();
  }
}
