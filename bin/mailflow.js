#!/usr/bin/env node
// Entry point of the `mailflow` command. The harness is TypeScript run by
// Node's own type stripping (Node >= 22.12). On an older Node (this project's
// machines ship Node 20) it re-runs itself on the Node 22 that the project
// installs as a devDependency (the `node` package), so no set-up step is needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  const local = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(local)) {
    process.stderr.write(`mailflow needs Node.js 22.12 or newer (this is ${process.version}); run npm ci to install the project's Node.\n`);
    process.exit(2);
  }
  const r = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { cli } = await import('../harness/cli/main.ts');
const code = await cli(process.argv.slice(2));
// Let piped output drain before leaving; servers and vitest are closed by then.
process.stdout.write('', () => process.exit(code));
