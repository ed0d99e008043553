/**
 * report.docx: the same report as an editable Word document, so the customer
 * can add comments in the tool they already use for the plan. Each case is the
 * plan's own table (test number, executed by, date, overseen by, description,
 * action, result, corrective action, comments and observations), followed by
 * its checks and evidence. Built from the shared report view (report-view.ts);
 * the docx package escapes text for XML, and the view has already removed the
 * characters XML 1.0 cannot carry.
 */
import {
  AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType,
} from 'docx';
import type { Results } from './model.ts';
import { buildFullReportView, type FullCaseView, type FullReportView } from './report-view.ts';
import type { RouteView } from './route-view.ts';
import { truncate } from './sanitize.ts';

/** Evidence bodies in Word are cut shorter than in HTML: a document is read, not searched. */
const DOCX_EVIDENCE_CHARS = 8 * 1024;

const VERDICT_FILL: Record<string, string> = {
  PASS: '1E7E34', FAIL: 'C62828', ERROR: '6A1B9A', NOT_RUN: '8D6E00', NOT_APPLICABLE: 'CFD8DC', ATTESTED: '1565C0',
};

const text = (s: string, opts: { bold?: boolean; mono?: boolean; color?: string; size?: number } = {}): TextRun =>
  new TextRun({ text: s, bold: opts.bold ?? false, ...(opts.mono ? { font: 'Consolas', size: opts.size ?? 16 } : {}), ...(opts.color ? { color: opts.color } : {}) });

const para = (s: string, opts: { bold?: boolean; mono?: boolean; color?: string } = {}): Paragraph => new Paragraph({ children: [text(s, opts)] });

/** Multi-line text as one paragraph with line breaks (Word keeps it as one block). */
function lines(s: string, mono = false): Paragraph {
  const parts = s.split('\n');
  return new Paragraph({ children: parts.map((l, i) => new TextRun({ text: l, break: i === 0 ? 0 : 1, ...(mono ? { font: 'Consolas', size: 16 } : {}) })) });
}

const cell = (children: Paragraph[], opts: { header?: boolean; fill?: string; width?: number; span?: number } = {}): TableCell =>
  new TableCell({
    children: children.length > 0 ? children : [new Paragraph('')],
    ...(opts.span === undefined ? {} : { columnSpan: opts.span }),
    ...(opts.header || opts.fill ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: opts.fill ?? 'EEF2F6' } } : {}),
    ...(opts.width === undefined ? {} : { width: { size: opts.width, type: WidthType.PERCENTAGE } }),
  });

const row = (label: string, value: Paragraph[]): TableRow =>
  new TableRow({ cantSplit: true, children: [cell([para(label, { bold: true })], { header: true, width: 25 }), cell(value, { width: 75 })] });

const labelCell = (label: string): TableCell => cell([para(label, { bold: true })], { header: true, width: 17 });

/** A row of the plan's four-column table: label | value spanning the other three columns. */
const planRow = (label: string, value: Paragraph[]): TableRow =>
  new TableRow({ cantSplit: true, children: [labelCell(label), cell(value, { width: 83, span: 3 })] });

/** The plan's paired header row: "Test # | MAN01 | Executed by | name". */
const pairRow = (a: string, av: string, b: string, bv: string): TableRow =>
  new TableRow({ cantSplit: true, children: [labelCell(a), cell([para(av)], { width: 33 }), labelCell(b), cell([para(bv)], { width: 33 })] });

const table = (rows: TableRow[]): Table => new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });

function verdictPara(code: string, label: string): Paragraph {
  const color = code === 'NOT_APPLICABLE' ? '263238' : 'FFFFFF';
  return new Paragraph({ children: [new TextRun({ text: ` ${label.toUpperCase()} `, bold: true, color, shading: { type: ShadingType.CLEAR, color: 'auto', fill: VERDICT_FILL[code] ?? 'CFD8DC' } })] });
}

const numbered = (items: readonly string[]): Paragraph[] => items.map((a, i) => para(`${i + 1}. ${a}`));

function cover(v: FullReportView): (Paragraph | Table)[] {
  const r = v.run;
  const facts: [string, string][] = [
    ['Customer', r.customer], ['Environment', r.environment], ['Gateway and region', r.gateway], ['Sending domains', r.domains],
    ['Target', r.target], ...(r.hasFaults ? [['Lab faults switched on', r.faults] as [string, string]] : []),
    ['Run started', r.startedAt], ['Run finished', r.finishedAt === '' ? 'not finished' : `${r.finishedAt} (duration ${r.duration})`],
    ['Harness version', r.harnessVersion], ['Config digest (SHA-256)', r.configDigest],
  ];
  return [
    new Paragraph({ children: [text(v.planName.toUpperCase(), { bold: true, color: '1F5B95' })] }),
    new Paragraph({ heading: HeadingLevel.TITLE, children: [text(v.title)] }),
    para(`Run ${r.id}`),
    ...(r.complete ? [] : [para('Incomplete run: the harness stopped before every case finished.', { bold: true, color: '8A5A00' })]),
    ...(v.summary.partial === '' ? [] : [para(`${v.summary.partial}. Only the selected cases were run; the rest of the plan is not decided by this report.`, { bold: true, color: '8A5A00' })]),
    para(v.summary.outcome, { bold: true, color: v.summary.accepted ? '1E7E34' : 'C62828' }),
    ...v.summary.blocking.map((b) => para(`• ${b.id} ${b.title}: ${b.verdict.label}`)),
    ...v.summary.coverage.map((c) => para(`• ${c}`)),
    ...(v.summary.inconsistencies.length > 0
      ? [para('Inconsistent results file: the report shows recomputed values', { bold: true, color: 'C62828' }), ...v.summary.inconsistencies.map((i) => para(`• ${i}`))]
      : []),
    table(facts.map(([k, val]) => row(k, [para(val)]))),
    ...(r.warnings.length > 0 ? [para('Settings that weaken this run', { bold: true }), ...r.warnings.map((w) => para(`• ${w}`))] : []),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [text('Sign-off')] }),
    table([
      new TableRow({ tableHeader: true, children: ['Role', 'Name', 'Signed', 'Statement'].map((h) => cell([para(h, { bold: true })], { header: true })) }),
      ...v.signoffs.map((s) => new TableRow({ children: [
        cell([para(s.roleLabel, { bold: true })]), cell([para(s.name)]), cell([para(s.signed ? s.at : 'awaiting sign-off')]),
        cell([para(s.statement), ...(s.partialNote === '' ? [] : [para(s.partialNote, { bold: true })])]),
      ] })),
    ]),
  ];
}

function summary(v: FullReportView): (Paragraph | Table)[] {
  return [
    new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: true, children: [text('Summary')] }),
    para(v.chart.description),
    para(`Mandatory cases failed: ${v.summary.mandatoryFailed}`, { bold: true }),
    table([
      new TableRow({ tableHeader: true, children: ['Test', 'Result', 'Title', 'Kind'].map((h) => cell([para(h, { bold: true })], { header: true })) }),
      ...v.cases.map((c) => new TableRow({ children: [cell([para(c.id)]), cell([verdictPara(c.verdict.code, c.verdict.label)]), cell([para(c.title)]), cell([para(c.kind)])] })),
    ]),
  ];
}

function routeBlock(r: RouteView): Paragraph[] {
  const out = [para(`${r.domain} · ${r.format} (probe ${r.probeId}): ${r.verdictLine}`, { bold: true })];
  const runs: TextRun[] = [];
  for (const s of r.steps) {
    if (s.isNode) runs.push(text(`[${s.node.zone}] ${s.node.host}${s.node.alsoAs ? ` (sends as ${s.node.alsoAs})` : ''}`, { mono: true }));
    else if (s.link.isClear) runs.push(text('  —— IN THE CLEAR ——>  ', { bold: true, color: 'C62828' }));
    else runs.push(text(`  —— ${s.link.label}${s.link.cipher ? ` ${s.link.cipher}` : ''} ——>  `, { color: s.link.isTls ? '1E7E34' : '8D6E00' }));
  }
  if (runs.length > 0) out.push(new Paragraph({ children: runs }));
  return out;
}

function caseBlock(c: FullCaseView): (Paragraph | Table)[] {
  // The checks follow the table with their details: the cell carries the plan's comments only.
  const observations = c.comments.length > 0 ? c.comments.map((x) => para(x)) : [para("None. Each check's result and evidence follow.", { color: '5D6873' })];
  const out: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: true, children: [text(`${c.id} · ${c.title}`)] }),
    para(`${c.kind} · ${c.section}`, { color: '5D6873' }),
    ...(c.inconsistency === '' ? [] : [para(c.inconsistency, { bold: true, color: 'C62828' })]),
    table([
      pairRow('Test number', c.id, 'Executed by', c.executedBy), pairRow('Date', c.date, 'Overseen by', c.overseenBy),
      planRow('Description', [para(c.description)]), planRow('Action', [...numbered(c.actions), para(`Expected: ${c.expected}`, { bold: true })]),
      planRow('Result', [verdictPara(c.verdict.code, c.verdict.label)]),
      planRow('Corrective action for FAIL', c.showCorrective ? numbered(c.correctiveActions) : [para(c.correctiveNote, { color: '5D6873' })]),
      planRow('Comments and observations', observations),
    ]),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [text('Checks')] }),
  ];
  if (c.checks.length === 0) out.push(para('No checks were recorded for this case.'));
  for (const k of c.checks) {
    out.push(new Paragraph({ keepNext: true, children: [text(`${k.verdict.label.toUpperCase()}  `, { bold: true, color: VERDICT_FILL[k.verdict.code] ?? '000000' }), text(k.name, { bold: true }), text(k.scope ? `  ${k.scope}` : '')] }));
    out.push(para(k.detail));
    for (const a of k.attestations) out.push(new Paragraph({ children: [text(`Attested by ${a.by}`, { bold: true, color: '1565C0' }), text(` on ${a.date}: ${a.note}`)] }));
    for (const e of k.evidence) {
      out.push(para(`${e.kindLabel}: ${e.label}${e.meta ? ` (${e.meta})` : ''}`, { color: '4A5560' }));
      out.push(lines(truncate(e.body, DOCX_EVIDENCE_CHARS), true));
    }
  }
  return out;
}

export type Paper = 'a4' | 'letter';

/** Page sizes in twentieths of a point (OOXML w:pgSz): A4 210 × 297 mm, Letter 8.5 × 11 in. */
const PAGE_SIZE: Record<Paper, { width: number; height: number }> = { a4: { width: 11906, height: 16838 }, letter: { width: 12240, height: 15840 } };

/** The Word document of a run, as bytes, on A4 unless told. */
export async function renderDocx(results: Results, opts: { paper?: Paper } = {}): Promise<Buffer> {
  const v = buildFullReportView(results);
  const doc = new Document({
    title: v.title,
    creator: `mailflow-acceptance ${v.run.harnessVersion}`,
    description: `${v.planName}, run ${v.run.id}`,
    styles: { default: { document: { run: { font: 'Calibri', size: 20 } } } },
    sections: [{
      properties: { page: { size: PAGE_SIZE[opts.paper ?? 'a4'] } },
      children: [
        ...cover(v),
        ...summary(v),
        ...(v.hasRoutes ? [new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: true, children: [text('Routes taken by the probes')] }), ...v.routes.flatMap(routeBlock)] : []),
        ...v.cases.flatMap(caseBlock),
        new Paragraph({ alignment: AlignmentType.CENTER, border: { top: { style: BorderStyle.SINGLE, size: 4, color: 'DDE2E7', space: 4 } }, children: [text(`Generated by mailflow-acceptance ${v.run.harnessVersion} from results.json of run ${v.run.id}.`, { color: '5D6873' })] }),
      ],
    }],
  });
  return Packer.toBuffer(doc);
}
