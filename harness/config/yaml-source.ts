/**
 * Reads a YAML config text keeping its document tree, so that a problem found
 * later (by zod, by a secret check) can be pointed at the line it is on
 * (STYLE.md §6: Playwright names the file and key path in each config error).
 */
import { LineCounter, isMap, isSeq, isScalar, parseDocument } from 'yaml';
import type { Document } from 'yaml';

/** A key path as zod reports it: object keys and array indexes. */
export type KeyPath = readonly PropertyKey[];

export interface YamlSource {
  /** The plain data (null for an empty file). */
  data: unknown;
  /** Syntax problems, each `line:col: message`; when not empty, `data` is not usable. */
  syntaxErrors: { line: number; col: number; message: string }[];
  /**
   * The 1-based line of the key (or array item) at `path`; when the path is not
   * in the file, the line of its nearest ancestor that is; undefined at the top.
   */
  lineOf(path: KeyPath): number | undefined;
  /** True when the exact path is present in the file. */
  has(path: KeyPath): boolean;
}

export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a duplicated key a syntax error: YAML 1.2 §3.2.1.1
  // requires unique keys, and a silently ignored duplicate is a classic config bug.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxErrors = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    return { line: pos.line, col: pos.col, message: firstLine(e.message) };
  });
  const data: unknown = syntaxErrors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : null;
  return {
    data,
    syntaxErrors,
    lineOf: (path) => lineOf(doc, lineCounter, path),
    has: (path) => locate(doc, path).found,
  };
}

/** yaml's messages end with ` at line N, column M:` and a code excerpt; we print the position ourselves. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

interface Located {
  found: boolean;
  /** Source offset of the deepest key or item reached. */
  offset: number | undefined;
}

/** Walks the document along `path`, remembering the offset of the last key or item found. */
function locate(doc: Document, path: KeyPath): Located {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return { found: false, offset };
      offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return { found: false, offset };
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return { found: false, offset };
    }
  }
  return { found: true, offset };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node === 'object' && node !== null && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

function lineOf(doc: Document, lineCounter: LineCounter, path: KeyPath): number | undefined {
  const { offset } = locate(doc, path);
  if (offset === undefined) return undefined;
  const { line } = lineCounter.linePos(offset);
  return line === 0 ? 1 : line;
}
