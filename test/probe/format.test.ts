/**
 * The probe format: valid and invalid files as tables, each invalid one refused with one line naming the file and
 * the field; every committed sample probe (the single-check form) still valid; and the loader's verdicts the same
 * as Ajv's over the shipped schema, so the schema is what the loader checks.
 */
import { mkdtempSync, readdirSync, existsSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { ScratchifyError } from '../../src/errors';
import { PROBE_SCHEMA, checkLabel, healthcheckProbe, parseProbeFile, readProbeFile, validate, type Check } from '../../src/probe';

const SAMPLES_DIR = resolve(__dirname, '../../samples');

const VALID: Array<[string, unknown]> = [
  ['a command check (the samples\' form)', { kind: 'command', args: ['x'], env: { A: 'b' }, user: '1000', timeoutMs: 5000, expect: { exitCode: 2, stdout: 'a', stderr: 'b' } }],
  ['an http check with the old fields only', { kind: 'http', port: 8080, path: '/sha256?s=x', expect: { status: 200, headers: { 'content-type': '^application/json' }, body: 'x' } }],
  ['a list with every kind', {
    $schema: './probe.schema.json',
    version: 1,
    checks: [
      { kind: 'command', name: 'digest', stdin: 'hi', workdir: '/srv', expect: {} },
      { kind: 'http', port: 80, method: 'POST', path: '/', headers: { 'X-Token': 'a b' }, body: '{}', ready: { path: '/healthz', log: 'listening' }, requestTimeoutMs: 500, expect: { status: 201 } },
      { kind: 'tcp', port: 6379, send: 'PING\r\n', ready: { log: 'Ready' }, expect: { response: '^\\+PONG' } },
      { kind: 'tcp', port: 22 },
      { kind: 'exec', command: ['app', 'health'], args: [], expect: { exitCode: 0 } },
    ],
  }],
  ['a list without version', { checks: [{ kind: 'command', expect: {} }] }],
  ['a user with a group', { kind: 'command', user: 'app:staff', expect: {} }],
];

/** [what, value, field path and message the error must name]. */
const INVALID: Array<[string, unknown, RegExp]> = [
  ['not an object', [], /^must be an object$/],
  ['no kind', { expect: {} }, /^kind: is required$/],
  ['an unknown kind', { kind: 'shell', expect: {} }, /^kind: must be one of "command", "http", "tcp", "exec"$/],
  ['no expect on a command', { kind: 'command' }, /^expect: is required$/],
  ['args not strings', { kind: 'command', args: ['a', 1], expect: {} }, /^args\[1\]: must be a string$/],
  ['args a string', { kind: 'command', args: 'ls', expect: {} }, /^args: must be an array$/],
  ['env values not strings', { kind: 'command', env: { A: 1 }, expect: {} }, /^env\.A: must be a string$/],
  ['an env name with =', { kind: 'command', env: { 'A=B': 'c' }, expect: {} }, /^env\["A=B"\]: name must be a variable name without "=" or NUL$/],
  ['a bad regex', { kind: 'command', expect: { stdout: '(' } }, /^expect\.stdout: is not a valid regular expression: /],
  ['a negative timeout', { kind: 'command', timeoutMs: -5, expect: {} }, /^timeoutMs: must be an integer from 1 to 3600000$/],
  ['a fractional timeout', { kind: 'command', timeoutMs: 1.5, expect: {} }, /^timeoutMs: must be an integer from 1 to 3600000$/],
  ['an exit code out of range', { kind: 'command', expect: { exitCode: 256 } }, /^expect\.exitCode: must be an integer from 0 to 255$/],
  ['an unknown field (a typo)', { kind: 'command', expext: {} }, /^expect: is required$/],
  ['an unknown field beside expect', { kind: 'command', expect: {}, timeout: 5 }, /^timeout: is not a field here \(known fields: kind, name, args/],
  ['http without a port', { kind: 'http', expect: {} }, /^port: is required$/],
  ['a port out of range', { kind: 'http', port: 70000, expect: {} }, /^port: must be an integer from 1 to 65535$/],
  ['a relative path', { kind: 'http', port: 80, path: 'index.html', expect: {} }, /^path: must be a request target starting with "\/"$/],
  ['a path with a space', { kind: 'http', port: 80, path: '/a b', expect: {} }, /^path: must be a request target starting with "\/"$/],
  ['a method with a space', { kind: 'http', port: 80, method: 'GET /x', expect: {} }, /^method: must be an HTTP method token such as GET or POST$/],
  ['a header value with a line break', { kind: 'http', port: 80, headers: { 'x-a': 'b\r\nInjected: 1' }, expect: {} }, /^headers\.x-a: must be a header value on one line$/],
  ['a bad expected-header regex', { kind: 'http', port: 80, expect: { headers: { 'x-a': '[' } } }, /^expect\.headers\.x-a: is not a valid regular expression/],
  ['a status out of range', { kind: 'http', port: 80, expect: { status: 99 } }, /^expect\.status: must be an integer from 100 to 599$/],
  ['ready.path on tcp', { kind: 'tcp', port: 80, ready: { path: '/' } }, /^ready\.path: is not a field here \(known fields: log\)$/],
  ['exec without a command', { kind: 'exec', command: [], expect: {} }, /^command: must have at least 1 item$/],
  ['a relative workdir', { kind: 'command', workdir: 'srv', expect: {} }, /^workdir: must be an absolute path$/],
  ['a name with a line break', { kind: 'command', name: 'a\nb', expect: {} }, /^name: must be a one-line name of at most 200 characters$/],
  ['an empty list', { checks: [] }, /^checks: must have at least 1 item$/],
  ['version 2', { version: 2, checks: [{ kind: 'command', expect: {} }] }, /^version: must be 1$/],
  ['a bad check in a list', { checks: [{ kind: 'command', expect: {} }, { kind: 'http', port: 0, expect: {} }] }, /^checks\[1\]\.port: must be an integer from 1 to 65535$/],
  ['a stray top-level field in a list', { checks: [{ kind: 'command', expect: {} }], extra: true }, /^extra: is not a field here/],
];

describe('probe files', () => {
  test.each(VALID)('accepts %s, unchanged', (_what, value) => {
    const file = parseProbeFile(value, 'probe.json');
    const checks = (value as { checks?: Check[] }).checks ?? [value];
    expect(file).toEqual({ source: 'probe.json', version: 1, checks });
  });

  test.each(INVALID)('refuses %s, naming the file and the field in one line', (_what, value, message) => {
    let error: unknown;
    try {
      parseProbeFile(value, 'dir/probe.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScratchifyError);
    const problem = error as ScratchifyError;
    expect(problem.location.file).toBe('dir/probe.json');
    expect(problem.message).toMatch(message);
    expect(problem.format()).toMatch(/^dir\/probe\.json: /);
    expect(problem.format()).not.toMatch(/\n/);
  });

  const samples = readdirSync(SAMPLES_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory() && existsSync(join(SAMPLES_DIR, entry.name, 'probe.json')));
  test.each(samples.map((entry) => entry.name))('samples/%s/probe.json is valid as it is', (name) => {
    const probe = readProbeFile(join(SAMPLES_DIR, name, 'probe.json'));
    expect(probe.checks.length).toBeGreaterThan(0);
  });

  describe('reading a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchify-probe-format-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('JSON syntax errors are one line', () => {
      writeFileSync(join(dir, 'bad.json'), '{"kind": "command",\n "expect": {}\n');
      expect(() => readProbeFile(join(dir, 'bad.json'))).toThrow(/^not valid JSON: /);
    });

    test('a directory, a missing file and an oversized file are refused', () => {
      mkdirSync(join(dir, 'sub'));
      expect(() => readProbeFile(join(dir, 'sub'))).toThrow('not a regular file');
      expect(() => readProbeFile(join(dir, 'missing.json'))).toThrow('cannot read the probe file: ENOENT');
      writeFileSync(join(dir, 'big.json'), `{"kind":"command","expect":{},"name":"${'x'.repeat(5 * 1024 * 1024)}"}`);
      expect(() => readProbeFile(join(dir, 'big.json'))).toThrow(/bytes; at most 4194304 are read/);
    });
  });
});

describe('the shipped schema and the loader agree (Ajv as the reference validator)', () => {
  const ajv = new Ajv2020({ discriminator: true, strict: true, allErrors: false });
  // The format's regex dialect: JavaScript, no flags (Ajv's own "regex" format would compile with the u flag).
  ajv.addFormat('regex', {
    validate: (pattern: string) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
  });
  const ajvValidate = ajv.compile(PROBE_SCHEMA);

  test.each([...VALID.map(([what, value]) => [what, value, true] as const), ...INVALID.map(([what, value]) => [what, value, false] as const)])('%s', (_what, value, valid) => {
    expect(ajvValidate(value)).toBe(valid);
    expect(validate(value, PROBE_SCHEMA) === undefined).toBe(valid);
  });
});

describe('the implicit check from a HEALTHCHECK', () => {
  test('CMD runs as given; CMD-SHELL through the image SHELL; the start period extends the wait', () => {
    const cmd = healthcheckProbe({ Test: ['CMD', 'app', 'health'] }, undefined, 'HEALTHCHECK');
    expect(cmd?.checks).toEqual([{ kind: 'exec', name: 'HEALTHCHECK', command: ['app', 'health'], timeoutMs: 30000, expect: { exitCode: 0 } }]);
    const shell = healthcheckProbe({ Test: ['CMD-SHELL', 'curl -f localhost'], StartPeriod: 5e9 }, ['/bin/bash', '-o', 'pipefail', '-c'], 'HEALTHCHECK');
    expect(shell?.checks[0]).toMatchObject({ command: ['/bin/bash', '-o', 'pipefail', '-c', 'curl -f localhost'], timeoutMs: 35000 });
    expect(healthcheckProbe({ Test: ['CMD-SHELL', 'true'] }, undefined, 'x')?.checks[0]).toMatchObject({ command: ['/bin/sh', '-c', 'true'] });
  });

  test('no healthcheck, NONE and an empty test give no check', () => {
    expect(healthcheckProbe(undefined, undefined, 'x')).toBeUndefined();
    expect(healthcheckProbe({ Test: ['NONE'] }, undefined, 'x')).toBeUndefined();
    expect(healthcheckProbe({ Test: ['CMD'] }, undefined, 'x')).toBeUndefined();
  });
});

describe('checkLabel', () => {
  test.each<[Check, string]>([
    [{ kind: 'command', expect: {} }, 'command'],
    [{ kind: 'command', args: ['a b'], expect: {} }, 'command ["a b"]'],
    [{ kind: 'http', port: 8080, expect: {} }, 'http GET :8080/'],
    [{ kind: 'http', port: 80, method: 'POST', path: '/x?y=1', expect: {} }, 'http POST :80/x?y=1'],
    [{ kind: 'tcp', port: 22 }, 'tcp :22'],
    [{ kind: 'exec', command: ['a'], expect: {} }, 'exec ["a"]'],
    [{ kind: 'command', name: 'mine', expect: {} }, 'mine'],
  ])('%j is %s', (check, label) => {
    expect(checkLabel(check)).toBe(label);
  });
});
