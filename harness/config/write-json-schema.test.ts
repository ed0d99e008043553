import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, isJsonSchemaCurrent, renderJsonSchema } from './write-json-schema.ts';

type Node = { properties?: Record<string, Node>; items?: Node; oneOf?: Node[]; anyOf?: Node[]; description?: string };

function undescribed(node: Node, path: string[] = []): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (!child.description) out.push([...path, key].join('.'));
    out.push(...undescribed(child, [...path, key]));
  }
  if (node.items) out.push(...undescribed(node.items, [...path, '*']));
  for (const option of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) out.push(...undescribed(option, path));
  return out;
}

describe('config/mailflow.schema.json', () => {
  it('is current with the zod schema (run `npm run schema` when this fails)', async () => {
    expect(await isJsonSchemaCurrent()).toBe(true);
  });

  it('describes every key, so editors can show help on hover', () => {
    const schema = JSON.parse(renderJsonSchema()) as Node & { $schema: string; title: string };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('mailflow-acceptance configuration');
    expect(undescribed(schema)).toEqual([]);
  });

  it('marks keys with defaults optional (input side) and secrets as references', async () => {
    const schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as { required: string[] };
    expect(schema.required).toEqual(['environment', 'domains', 'gateway', 'senders', 'recipient']);
    expect(renderJsonSchema()).toContain('"pattern": "^\\\\$\\\\{(env|secret):');
  });
});
