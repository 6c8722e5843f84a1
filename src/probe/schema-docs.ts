/**
 * The field tables of docs/probe.md, generated from the schema (`npm run docs:probe`), so the documentation
 * cannot drift from what the loader accepts; test/probe/schema-docs.test.ts fails when the committed document
 * differs from what this writes.
 */
import type { SchemaNode } from './schema-validation';

/** The markers between which docs/probe.md holds the generated tables. */
export const FIELDS_START = '<!-- probe-fields:start (generated from src/probe/probe.schema.json by `npm run docs:probe`) -->';
export const FIELDS_END = '<!-- probe-fields:end -->';

function resolve(root: SchemaNode, node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  const target = root.$defs?.[node.$ref.replace('#/$defs/', '')] ?? {};
  // Annotations beside a `$ref` (description, default) win over the target's.
  const { $ref: _ref, ...rest } = node;
  return { ...resolve(root, target), ...rest };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A short type for a table cell. */
function typeOf(root: SchemaNode, raw: SchemaNode): string {
  const node = resolve(root, raw);
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum !== undefined) return node.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' or ');
  switch (node.type) {
    case 'integer':
      return node.minimum !== undefined && node.maximum !== undefined ? `integer ${node.minimum}–${node.maximum}` : 'integer';
    case 'string':
      if (node.format === 'regex') return 'regular expression';
      return node.title ? `string: ${node.title}` : 'string';
    case 'array': {
      if (!node.items) return 'array';
      const items = resolve(root, node.items);
      if (items.type === 'object' && items.title) return `array of ${items.title}s (below)`;
      return `array of ${typeOf(root, node.items).replace(/^string(: .*)?$/, 'strings')}`;
    }
    case 'object':
      if (typeof node.additionalProperties === 'object') {
        const names = node.propertyNames?.title ?? 'name';
        return `object: ${names} → ${typeOf(root, node.additionalProperties)}`;
      }
      return 'object';
    default:
      return node.type ?? 'value';
  }
}

interface Row {
  field: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

/** The rows of an object's fields, nested objects flattened as `expect.status`. */
function rows(root: SchemaNode, raw: SchemaNode, prefix = ''): Row[] {
  const node = resolve(root, raw);
  const result: Row[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const resolved = resolve(root, child);
    const field = `${prefix}${name}`;
    result.push({ field, type: typeOf(root, child), required: (node.required ?? []).includes(name), default: resolved.default, description: resolved.description ?? '' });
    if (resolved.type === 'object' && resolved.properties) result.push(...rows(root, resolved, `${field}.`));
  }
  return result;
}

function table(list: Row[]): string[] {
  const lines = ['| field | type | required | default | meaning |', '| --- | --- | --- | --- | --- |'];
  for (const row of list) {
    const fallback = row.default === undefined ? '' : `\`${JSON.stringify(row.default)}\``;
    lines.push(`| \`${row.field}\` | ${cell(row.type)} | ${row.required ? 'yes' : ''} | ${fallback} | ${cell(row.description)} |`);
  }
  return lines;
}

/** The generated part of docs/probe.md: one table for the file, one per check kind. */
export function probeFieldsMarkdown(schema: SchemaNode): string {
  const lines = [FIELDS_START, '', '### The file', '', resolve(schema, schema.$defs?.checkList ?? {}).description ?? schema.description ?? '', ''];
  lines.push(...table(rows(schema, { $ref: '#/$defs/checkList' })), '');
  const check = resolve(schema, { $ref: '#/$defs/check' });
  for (const branch of check.oneOf ?? []) {
    const kind = resolve(schema, branch);
    const name = String(resolve(schema, kind.properties?.kind ?? {}).const);
    lines.push(`### \`${name}\` checks`, '', kind.description ?? '', '', ...table(rows(schema, branch)), '');
  }
  lines.push(FIELDS_END);
  return lines.join('\n');
}

/** `document` with its generated part replaced by `generated`; undefined when the markers are missing. */
export function replaceGeneratedFields(document: string, generated: string): string | undefined {
  const start = document.indexOf(FIELDS_START);
  const end = document.indexOf(FIELDS_END);
  if (start < 0 || end < start) return undefined;
  return `${document.slice(0, start)}${generated}${document.slice(end + FIELDS_END.length)}`;
}
