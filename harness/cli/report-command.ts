import { defineCommand } from 'citty';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MailflowError } from '../errors.ts';
import { renderersFor, renderRun } from '../report/render-all.ts';
import type { Paper } from '../report/docx-report.ts';
import { readResults } from '../report/results-writer.ts';
import { SEAL_FILE } from '../report/seal.ts';

/** `--paper a4|letter`, A4 unless told. */
export function paperArg(value: string | undefined): Paper {
  const v = (value ?? 'a4').toLowerCase();
  if (v === 'a4' || v === 'letter') return v;
  throw new MailflowError('EUSAGE', `--paper ${value ?? ''}: expected a4 or letter`);
}

export const reportCommand = defineCommand({
  meta: { name: 'report', description: "Re-render a run's reports (HTML, Word, PDF, JUnit) from its results.json." },
  args: {
    dir: { type: 'positional', required: true, description: 'The run folder (reports/<run-id>)' },
    out: { type: 'string', description: 'Write the reports into this folder instead (required for a signed-off run)' },
    paper: { type: 'string', description: 'Paper size of report.pdf and report.docx: a4 or letter (default a4)' },
  },
  async run({ args }) {
    const dir = path.resolve(args.dir);
    const paper = paperArg(args.paper);
    const results = await readResults(dir);
    const sealed = await access(path.join(dir, SEAL_FILE)).then(() => true, () => false);
    if (sealed && !args.out) {
      // Re-rendering in place would change sealed files and break `mailflow verify`.
      throw new MailflowError('EUSAGE', `${dir} is signed off; re-render elsewhere with --out DIR (or verify it with mailflow verify)`);
    }
    const target = args.out ? path.resolve(args.out) : dir;
    await mkdir(target, { recursive: true });
    const t0 = performance.now();
    const out = await renderRun(target, results, undefined, { renderers: renderersFor({ paper }) });
    for (const f of out.written) process.stdout.write(`wrote ${path.relative(process.cwd(), f)}\n`);
    for (const f of out.failed) process.stderr.write(`mailflow: could not render ${f.renderer}: ${f.error}\n`);
    process.stdout.write(`rendered in ${Math.round(performance.now() - t0)} ms\n`);
  },
});
