/**
 * `RUN --mount=…` values, read in BuildKit's two passes (frontend/dockerfile/instructions/commands_runmount.go,
 * `parseMount`):
 *
 * - when the Dockerfile is parsed, for every stage: the value must be valid CSV, and `from=` may not use a
 *   variable (a `$` anywhere but at the end). Nothing else is checked yet: other values may hold variables.
 * - when a stage the target needs is dispatched (dockerfile2llb): every value is expanded with the stage's
 *   variables and the fields are read in order — `type` (bind by default), `sharing`, `mode` (octal), `uid`,
 *   `gid`, `size` (tmpfs only), `required` (secret and ssh only), `ro`/`rw` (Go booleans), `env`… — with the
 *   same errors. A stage the target does not need is never dispatched, so its mounts are never judged.
 *
 * `target` is optional: with none (`RUN --mount=from=binaries …`) BuildKit joins the empty path to the working
 * directory (convert_runmount.go, `dispatchRunMounts`), so the mount lands there, and fails only when that is `/`.
 */
import { editDistance } from './suggest';
import type { MountSpec } from './ir';

export type MountType = MountSpec['type'];

const MOUNT_TYPES: readonly MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING_MODES = ['shared', 'private', 'locked'];
/** The keys BuildKit lists when it suggests a spelling for an unknown one. */
const ALL_KEYS = ['type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode', 'uid', 'gid', 'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env'];

/** A CSV error as Go's encoding/csv prints it (`parse error on line 1, column N: …`). */
class CsvError extends Error {}

/**
 * One CSV record as tonistiigi/go-csvvalue reads it (the parser `parseMount` uses): commas separate, a field
 * that starts with `"` is quoted (`""` is a quote), a quote inside an unquoted field is an error.
 */
export function csvFields(line: string): string[] {
  if (line === '') throw new CsvError('EOF');
  const fields: string[] = [];
  let pos = 0;
  const fail = (column: number, what: string): never => {
    throw new CsvError(`parse error on line 1, column ${column + 1}: ${what}`);
  };
  for (;;) {
    if (line[pos] !== '"') {
      const comma = line.indexOf(',', pos);
      const field = comma === -1 ? line.slice(pos) : line.slice(pos, comma);
      const quote = field.indexOf('"');
      if (quote >= 0) fail(pos + quote, 'bare " in non-quoted-field');
      fields.push(field);
      if (comma === -1) return fields;
      pos = comma + 1;
      continue;
    }
    pos++;
    let field = '';
    for (;;) {
      const quote = line.indexOf('"', pos);
      if (quote === -1) fail(line.length, 'extraneous or missing " in quoted-field');
      field += line.slice(pos, quote);
      pos = quote + 1;
      if (line[pos] === '"') {
        field += '"';
        pos++;
        continue;
      }
      if (line[pos] === ',') {
        fields.push(field);
        pos++;
        break;
      }
      if (pos === line.length) {
        fields.push(field);
        return fields;
      }
      fail(pos - 1, 'extraneous or missing " in quoted-field');
    }
  }
}

function withSuggestion(message: string, value: string, options: readonly string[]): string {
  let match = '';
  let best = 3;
  for (const option of options) {
    if (option === value) return message;
    const d = editDistance(value, option);
    if (d < best) {
      match = option;
      best = d;
    }
  }
  return match === '' ? message : `${message} (did you mean ${match}?)`;
}

/** Go's strconv.ParseBool. */
function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's strconv.ParseUint(value, base, 32) for base 8 or 10: digits only, no sign, prefix or underscore. */
function parseGoUint32(value: string, base: 8 | 10): number | undefined {
  if (!(base === 8 ? /^[0-7]+$/ : /^\d+$/).test(value)) return undefined;
  const number = parseInt(value, base);
  return number <= 0xffffffff ? number : undefined;
}

/** docker/go-units RAMInBytes: a number, an optional space, then k/m/g/t/p with optional `b`/`ib`, or `b`. */
function parseRamBytes(value: string): number | undefined {
  const sep = Math.max(...[...'0123456789. '].map((ch) => value.lastIndexOf(ch)));
  if (sep === -1) return undefined;
  const number = value[sep] === ' ' ? value.slice(0, sep) : value.slice(0, sep + 1);
  const suffix = value.slice(sep + 1).toLowerCase();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(number)) return undefined;
  const size = Number(number);
  if (size < 0) return undefined;
  if (suffix === '' || suffix === 'b') return Math.trunc(size);
  const multiplier = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[suffix[0]];
  if (multiplier === undefined || suffix.length > 3 || (suffix.length === 2 && suffix[1] !== 'b') || (suffix.length === 3 && suffix.slice(1) !== 'ib')) return undefined;
  return Math.trunc(size * multiplier);
}

/** What a mount value means, or why BuildKit refuses it. */
export interface MountReading {
  mount?: MountSpec;
  problem?: string;
}

/** The CSV fields of a `--mount` value, or BuildKit's error for a value that is not CSV. */
function mountFields(value: string): string[] | MountReading {
  try {
    return csvFields(value);
  } catch (error) {
    if (error instanceof CsvError) return { problem: `failed to parse csv mounts: ${error.message}` };
    throw error;
  }
}

/**
 * The parse-time pass: CSV syntax and `from=` without variables. The mount it returns is read leniently from
 * the raw values (unknown types as bind, bad booleans ignored), for the stage graph and the lint rules; the
 * strict reading is `readMount`, once the stage's variables are known.
 */
export function parseMount(value: string): MountReading {
  const fields = mountFields(value);
  if (!Array.isArray(fields)) return fields;
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq === -1 || field.slice(0, eq).toLowerCase() !== 'from') continue;
    const from = field.slice(eq + 1);
    const dollar = from.indexOf('$');
    if (dollar !== -1 && dollar !== from.length - 1) return { problem: `'from' doesn't support variable expansion, define alias stage instead` };
  }
  return { mount: interpret(fields, (word) => word, false).mount };
}

/**
 * The dispatch-time pass: every field read in order with the values expanded by `expand`, each of BuildKit's
 * errors reported as `problem`. `expand` may throw (an expansion error is BuildKit's error too).
 */
export function readMount(value: string, expand: (word: string) => string): MountReading {
  const fields = mountFields(value);
  if (!Array.isArray(fields)) return fields;
  return interpret(fields, expand, true);
}

function interpret(fields: readonly string[], expand: (word: string) => string, strict: boolean): MountReading {
  const options: Record<string, string> = {};
  let type: MountType = 'bind';
  let readOnly: boolean | undefined;
  let from: string | undefined;
  let source: string | undefined;
  let target: string | undefined;
  let id: string | undefined;
  let sharing: string | undefined;
  let mode: number | undefined;
  let uid: number | undefined;
  let gid: number | undefined;
  const fail = (problem: string): MountReading | undefined => (strict ? { problem } : undefined);
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    if (eq === -1) {
      options[key] = 'true';
      if (key === 'readonly' || key === 'ro') readOnly = true;
      else if (key === 'readwrite' || key === 'rw') readOnly = false;
      else if (key === 'required') {
        if (type !== 'secret' && type !== 'ssh') {
          const failed = fail(`unexpected key '${key}' for mount type '${type}'`);
          if (failed) return failed;
        }
      } else {
        const failed = fail(`invalid field '${field}' must be a key=value pair`);
        if (failed) return failed;
      }
      continue;
    }
    const value = expand(field.slice(eq + 1));
    options[key] = value;
    let problem: string | undefined;
    switch (key) {
      case 'type': {
        const lower = value.toLowerCase() as MountType;
        if (MOUNT_TYPES.includes(lower)) type = lower;
        else problem = withSuggestion(`unsupported mount type ${JSON.stringify(value)}`, value, MOUNT_TYPES);
        break;
      }
      case 'from':
        from = value;
        break;
      case 'source':
      case 'src':
        source = value;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        target = value;
        break;
      case 'readonly':
      case 'ro':
      case 'readwrite':
      case 'rw': {
        const flag = parseGoBool(value);
        if (flag === undefined) problem = `invalid value for ${key}: ${value}`;
        else readOnly = key === 'readonly' || key === 'ro' ? flag : !flag;
        break;
      }
      case 'required':
        if (type !== 'secret' && type !== 'ssh') problem = `unexpected key '${key}' for mount type '${type}'`;
        else if (parseGoBool(value) === undefined) problem = `invalid value for ${key}: ${value}`;
        break;
      case 'size':
        if (type !== 'tmpfs') problem = `unexpected key '${key}' for mount type '${type}'`;
        else if (parseRamBytes(value) === undefined) problem = `invalid value for ${key}: ${value}`;
        break;
      case 'id':
        id = value;
        break;
      case 'sharing':
        if (SHARING_MODES.includes(value.toLowerCase())) sharing = value.toLowerCase();
        else problem = withSuggestion(`unsupported sharing value ${JSON.stringify(value)}`, value, SHARING_MODES);
        break;
      case 'mode':
        mode = parseGoUint32(value, 8);
        if (mode === undefined) problem = `invalid value ${value} for mode`;
        break;
      case 'uid':
      case 'gid': {
        const number = parseGoUint32(value, 10);
        if (number === undefined) problem = `invalid value ${value} for ${key}`;
        else if (key === 'uid') uid = number;
        else gid = number;
        break;
      }
      case 'env':
        break;
      default:
        problem = withSuggestion(`unexpected key '${key}' in '${field}'`, key, ALL_KEYS);
    }
    if (problem !== undefined) {
      const failed = fail(problem);
      if (failed) return failed;
    }
  }
  if (strict) {
    const problem = crossFieldProblem({ type, mode, uid, gid, from, sharing, source, target, id });
    if (problem) return { problem };
  }
  const mount: MountSpec = { type, readOnly: readOnly ?? !(type === 'cache' || type === 'tmpfs'), options };
  if (target !== undefined) mount.target = target;
  if (source !== undefined) mount.source = source;
  if (from !== undefined) mount.from = from;
  if (id !== undefined) mount.id = id;
  return { mount };
}

/** The checks after all fields are read (parseMount's tail, and dispatchSSH's refusal of a source). */
function crossFieldProblem(m: { type: MountType; mode?: number; uid?: number; gid?: number; from?: string; sharing?: string; source?: string; target?: string; id?: string }): string | undefined {
  if (m.type === 'bind' || m.type === 'tmpfs') {
    if (m.mode !== undefined) return `mode not allowed for "${m.type}" type mounts`;
    if (m.uid !== undefined) return `uid not allowed for "${m.type}" type mounts`;
    if (m.gid !== undefined) return `gid not allowed for "${m.type}" type mounts`;
  }
  if (m.type === 'secret') {
    if (m.from) return 'secret mount should not have a from';
    if (m.sharing) return 'secret mount should not define sharing';
    if (!m.source && !m.target && !m.id) return 'invalid secret mount. one of source, target required';
    if (m.source && m.id) return "both source and id can't be set";
  }
  if (m.sharing && m.type !== 'cache') return `invalid cache sharing set for ${m.type} mount`;
  if (m.type === 'ssh' && m.source) return 'ssh does not support source';
  return undefined;
}
