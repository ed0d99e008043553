/**
 * Generates `config/mailflow.schema.json` from the zod schema, so editors
 * validate and document config files as they are typed (the example configs
 * point yaml-language-server at it). Run `node harness/config/write-json-schema.ts`
 * (npm run schema) after changing schema.ts; a unit test fails while the
 * committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './schema.ts';
import { docFor } from './field-docs.ts';

/** Where the generated schema is committed. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../config/mailflow.schema.json', import.meta.url));

type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Puts the FIELD_DOCS description on every property, walking properties/items/oneOf/anyOf. */
function describe(node: unknown, path: string[], depth = 0): void {
  if (!isObject(node) || depth > 40) return;
  const doc = path.length > 0 ? docFor(path) : undefined;
  if (doc !== undefined) node.description = doc;
  if (isObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) describe(child, [...path, key], depth + 1);
  }
  if (isObject(node.items)) describe(node.items, [...path, '*'], depth + 1);
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const list = node[key];
    // The options of a union share the key path of the union itself; their own description stays off.
    if (Array.isArray(list)) for (const option of list) describeChildren(option, path, depth + 1);
  }
}

function describeChildren(node: unknown, path: string[], depth: number): void {
  if (!isObject(node) || !isObject(node.properties)) return;
  for (const [key, child] of Object.entries(node.properties)) describe(child, [...path, key], depth + 1);
}

/** The JSON Schema text (draft-07: the draft yaml-language-server supports fully), newline-terminated. */
export function renderJsonSchema(): string {
  // io 'input': a config file is the schema's input; keys with defaults are optional there.
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07' }) as JsonObject;
  describe(generated, []);
  const { $schema, ...rest } = generated;
  const ordered = {
    $schema,
    title: 'mailflow-acceptance configuration',
    description: 'A target environment for the outbound mail-flow acceptance plan. Secret fields hold ${env:NAME} or ${secret:NAME} references, never secrets.',
    ...rest,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Writes the schema file; returns the path written. */
export async function writeJsonSchema(file: string = SCHEMA_FILE): Promise<string> {
  await writeFile(file, renderJsonSchema(), 'utf8');
  return file;
}

/** Whether the committed schema file matches the zod schema (false when missing or stale). */
export async function isJsonSchemaCurrent(file: string = SCHEMA_FILE): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')) === renderJsonSchema();
  } catch {
    return false;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = await writeJsonSchema();
  process.stdout.write(`wrote ${written}\n`);
}
