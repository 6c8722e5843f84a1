/**
 * Validation of a JSON value against the probe schema, read as data: the schema file is the one description of
 * the format, so the loader, the docs (docs/probe.md's field table) and editors all follow it.
 *
 * Only the JSON Schema (2020-12) keywords the probe schema uses are understood — `$ref` to `#/$defs/…`, `type`,
 * `properties`, `required`, `additionalProperties`, `propertyNames`, `items`, `minItems`/`maxItems`,
 * `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`, `enum`, `const`, `format: "regex"`, `if`/`then`/`else`,
 * and `oneOf` with OpenAPI's `discriminator` (the branch is chosen by the discriminating property, so an error is
 * reported inside the branch the user meant, not as "matches none of four schemas"). A keyword outside this list
 * is refused when the schema is read, so the schema cannot silently grow past what is checked.
 * test/probe/schema.test.ts runs Ajv over the same cases and requires the same verdicts.
 *
 * The first problem found is reported, as the field path and one line: `checks[0].port: must be an integer
 * from 1 to 65535`. `title` on a string with a `pattern` names the pattern for humans ("must be an absolute path").
 */

/** The part of JSON Schema read here. */
export interface SchemaNode {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  format?: 'regex';
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  oneOf?: SchemaNode[];
  discriminator?: { propertyName: string };
  $defs?: Record<string, SchemaNode>;
  // Annotations, not checked.
  $schema?: string;
  title?: string;
  description?: string;
  default?: unknown;
}

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', '$defs']);
const ASSERTIONS = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'minItems', 'maxItems',
  'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'enum', 'const', 'format', 'if', 'then', 'else', 'oneOf',
  'discriminator',
]);

/** A value that does not match: where (a field path like `checks[0].expect.status`) and why. */
export interface SchemaViolation {
  path: string;
  message: string;
}

/** Throws when the schema uses a keyword this validator does not check (a programming error, caught by tests). */
export function checkSchemaKeywords(node: SchemaNode, where = '#'): void {
  for (const [key, value] of Object.entries(node)) {
    if (!ANNOTATIONS.has(key) && !ASSERTIONS.has(key)) throw new Error(`probe schema ${where}: keyword ${key} is not supported by the validator`);
    const children: Array<[string, SchemaNode]> = [];
    if (key === 'properties' || key === '$defs') children.push(...Object.entries(value as Record<string, SchemaNode>).map(([name, child]): [string, SchemaNode] => [`${where}/${key}/${name}`, child]));
    else if (key === 'oneOf') children.push(...(value as SchemaNode[]).map((child, index): [string, SchemaNode] => [`${where}/oneOf/${index}`, child]));
    else if (['items', 'propertyNames', 'if', 'then', 'else'].includes(key) || (key === 'additionalProperties' && typeof value === 'object')) children.push([`${where}/${key}`, value as SchemaNode]);
    for (const [childWhere, child] of children) checkSchemaKeywords(child, childWhere);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const ARTICLE: Record<string, string> = { object: 'an object', array: 'an array', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };

/** `a.b[0]` for identifiers, `a["x y"]` for other keys, so a field path is always one unambiguous line. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function quoteList(values: unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** A regular expression's syntax error, or undefined when it compiles (JavaScript syntax, no flags). */
export function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Validates `value` against `node` of `root`; returns the first violation, or undefined when it matches. */
export function validate(value: unknown, root: SchemaNode, node: SchemaNode = root, path = ''): SchemaViolation | undefined {
  const fail = (message: string): SchemaViolation => ({ path, message });
  if (node.$ref !== undefined) {
    const match = /^#\/\$defs\/([\w-]+)$/.exec(node.$ref);
    const target = match ? root.$defs?.[match[1]] : undefined;
    if (!target) throw new Error(`probe schema: unresolved $ref ${node.$ref}`);
    const violation = validate(value, root, target, path);
    if (violation) return violation;
  }
  if (node.if !== undefined) {
    const branch = validate(value, root, node.if, path) === undefined ? node.then : node.else;
    if (branch) {
      const violation = validate(value, root, branch, path);
      if (violation) return violation;
    }
  }
  if (node.type !== undefined) {
    const actual = typeOf(value);
    const matches = actual === node.type || (node.type === 'number' && actual === 'integer');
    if (!matches) {
      if (node.type === 'integer' && node.minimum !== undefined && node.maximum !== undefined) return fail(`must be an integer from ${node.minimum} to ${node.maximum}`);
      return fail(`must be ${ARTICLE[node.type]}`);
    }
  }
  if (node.const !== undefined && value !== node.const) return fail(`must be ${JSON.stringify(node.const)}`);
  if (node.enum !== undefined && !node.enum.includes(value)) return fail(node.enum.length === 1 ? `must be ${JSON.stringify(node.enum[0])}` : `must be one of ${quoteList(node.enum)}`);
  if (typeof value === 'number') {
    if ((node.minimum !== undefined && value < node.minimum) || (node.maximum !== undefined && value > node.maximum)) {
      if (node.minimum !== undefined && node.maximum !== undefined) return fail(`must be ${node.type === 'integer' ? 'an integer' : 'a number'} from ${node.minimum} to ${node.maximum}`);
      return fail(node.minimum !== undefined ? `must be at least ${node.minimum}` : `must be at most ${node.maximum}`);
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (node.minLength !== undefined && length < node.minLength) return fail(`must be at least ${node.minLength} characters long`);
    if (node.maxLength !== undefined && length > node.maxLength) return fail(`must be at most ${node.maxLength} characters long`);
    if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(value)) return fail(`must be ${node.title ?? `a string matching ${node.pattern}`}`);
    if (node.format === 'regex') {
      const error = regexError(value);
      if (error !== undefined) return fail(`is not a valid regular expression: ${error}`);
    }
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) return fail(`must have at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
    if (node.maxItems !== undefined && value.length > node.maxItems) return fail(`must have at most ${node.maxItems} items`);
    if (node.items) {
      for (let index = 0; index < value.length; index++) {
        const violation = validate(value[index], root, node.items, childPath(path, index));
        if (violation) return violation;
      }
    }
  }
  if (isRecord(value)) {
    for (const name of node.required ?? []) {
      if (!(name in value)) return { path: childPath(path, name), message: 'is required' };
    }
    for (const [key, child] of Object.entries(value)) {
      const keyPath = childPath(path, key);
      if (node.propertyNames) {
        const violation = validate(key, root, node.propertyNames, keyPath);
        if (violation) return { path: keyPath, message: `name ${violation.message}` };
      }
      const declared = node.properties?.[key];
      if (declared) {
        const violation = validate(child, root, declared, keyPath);
        if (violation) return violation;
      } else if (node.additionalProperties === false) {
        if (node.properties !== undefined) return { path: keyPath, message: `is not a field here (known fields: ${Object.keys(node.properties).join(', ')})` };
        return { path: keyPath, message: 'is not a field here' };
      } else if (typeof node.additionalProperties === 'object') {
        const violation = validate(child, root, node.additionalProperties, keyPath);
        if (violation) return violation;
      }
    }
  }
  if (node.oneOf !== undefined) return validateOneOf(value, root, node, path);
  return undefined;
}

/**
 * `oneOf`: with a discriminator, the branch whose `properties[name].const` equals the value's property decides;
 * without one, exactly one branch must match.
 */
function validateOneOf(value: unknown, root: SchemaNode, node: SchemaNode, path: string): SchemaViolation | undefined {
  const branches = node.oneOf ?? [];
  const property = node.discriminator?.propertyName;
  if (property !== undefined && isRecord(value)) {
    const resolve = (branch: SchemaNode): SchemaNode => {
      const match = branch.$ref === undefined ? undefined : /^#\/\$defs\/([\w-]+)$/.exec(branch.$ref);
      return (match ? root.$defs?.[match[1]] : branch) ?? branch;
    };
    const tags = branches.map((branch) => resolve(branch).properties?.[property]?.const);
    const index = tags.indexOf(value[property]);
    if (index < 0) return { path: childPath(path, property), message: `must be one of ${quoteList(tags)}` };
    return validate(value, root, branches[index], path);
  }
  const matching = branches.filter((branch) => validate(value, root, branch, path) === undefined).length;
  if (matching === 1) return undefined;
  return { path, message: matching === 0 ? 'matches none of the allowed forms' : 'matches more than one of the allowed forms' };
}
