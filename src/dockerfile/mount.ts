/**
 * `RUN --mount=…` values (BuildKit instructions/commands_runmount.go): CSV fields, lower-cased keys, bind by
 * default, read-only by default for bind/secret/ssh, `from=` without variable expansion.
 */
import type { MountSpec } from './ir';

const TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
const BARE_KEYS = new Set(['ro', 'rw', 'readonly', 'readwrite', 'required']);

/** Splits CSV the way Go's encoding/csv does for one record: commas separate, double quotes group. */
function csvFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

export function parseMount(value: string): { mount?: MountSpec; problem?: string } {
  const options: Record<string, string> = {};
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase();
    if (eq === -1 && !BARE_KEYS.has(key)) return { problem: `invalid field '${field}' must be a key=value pair` };
    options[key] = eq === -1 ? 'true' : field.slice(eq + 1);
  }
  const type = (options.type ?? 'bind').toLowerCase();
  if (!TYPES.has(type)) return { problem: `unsupported mount type "${type}"` };
  const from = options.from;
  if (from !== undefined && from.includes('$')) {
    return { problem: `'from' doesn't support variable expansion, define alias stage instead` };
  }
  const readWrite = options.rw ?? options.readwrite;
  const readOnly = options.ro ?? options.readonly;
  let isReadOnly = type === 'bind' || type === 'secret' || type === 'ssh';
  if (readWrite !== undefined) isReadOnly = readWrite === 'false';
  if (readOnly !== undefined) isReadOnly = readOnly !== 'false';
  const mount: MountSpec = { type: type as MountSpec['type'], readOnly: isReadOnly, options };
  const target = options.target ?? options.dst ?? options.destination;
  const source = options.source ?? options.src;
  if (target !== undefined) mount.target = target;
  if (source !== undefined) mount.source = source;
  if (from !== undefined) mount.from = from;
  if (options.id !== undefined) mount.id = options.id;
  if (type === 'secret' && from !== undefined) return { problem: 'secret mount cannot have a from' };
  if ((type === 'bind' || type === 'cache' || type === 'tmpfs') && target === undefined) {
    return { problem: 'mount target not specified' };
  }
  return { mount };
}
