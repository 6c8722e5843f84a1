/**
 * The probe format and the HTTP response reader, without an engine: every committed probe.json must be valid,
 * malformed probes must be refused with the field named, and responses must parse as servers send them.
 */
import { readdirSync } from 'fs';
import { join, resolve } from 'path';
import { loadProbe, parseHttpResponse, parseProbe } from '../support/probe';

const SAMPLES_DIR = resolve(__dirname, '../../samples');

describe('probe.json files', () => {
  const samples = readdirSync(SAMPLES_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory());

  test.each(samples.map((entry) => entry.name))('%s has a valid probe', (name) => {
    const probe = loadProbe(join(SAMPLES_DIR, name, 'probe.json'));
    expect(['command', 'http']).toContain(probe.kind);
  });
});

describe('parseProbe', () => {
  test.each([
    [{ kind: 'command' }, /"expect" must be an object/],
    [{ kind: 'shell', expect: {} }, /"kind" must be "command" or "http"/],
    [{ kind: 'command', args: 'ls', expect: {} }, /"args" must be an array of strings/],
    [{ kind: 'command', env: { A: 1 }, expect: {} }, /"env" must map names to strings/],
    [{ kind: 'command', expect: { stdout: '(' } }, /"expect.stdout" is not a valid regular expression/],
    [{ kind: 'command', timeoutMs: -5, expect: {} }, /"timeoutMs" must be a positive integer/],
    [{ kind: 'http', expect: {} }, /"port" must be a TCP port number/],
    [{ kind: 'http', port: 70000, expect: {} }, /"port" must be a TCP port number/],
    [{ kind: 'http', port: 80, path: 'index.html', expect: {} }, /"path" must be a string starting with "\/"/],
    [{ kind: 'http', port: 80, expect: { headers: { 'x-a': '[' } } }, /"expect.headers.x-a" is not a valid/],
    [[], /must be a JSON object/],
  ])('refuses %j', (value, message) => {
    expect(() => parseProbe(value, 'test probe')).toThrow(message);
  });

  test('accepts a full command probe unchanged', () => {
    const value = { kind: 'command', args: ['x'], env: { A: 'b' }, user: '1000', timeoutMs: 5000, expect: { exitCode: 2, stdout: 'a', stderr: 'b' } };
    expect(parseProbe(value)).toEqual(value);
  });
});

describe('parseHttpResponse', () => {
  test('reads status, case-insensitive headers and a plain body', () => {
    const response = parseHttpResponse('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nnope\n');
    expect(response?.status).toBe(404);
    expect(response?.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(response?.headers.get('content-type')).toBe('text/plain');
    expect(response?.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response?.body).toBe('nope\n');
  });

  test('removes chunked transfer coding, counting bytes not characters', () => {
    const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhé, \r\n5;ext=1\r\nworld\r\n0\r\n\r\n';
    expect(parseHttpResponse(raw)?.body).toBe('hé, world');
  });

  test('refuses what is not an HTTP response', () => {
    expect(parseHttpResponse('SSH-2.0-OpenSSH_9.2\r\n')).toBeUndefined();
    expect(parseHttpResponse('garbage\r\n\r\nbody')).toBeUndefined();
  });
});
