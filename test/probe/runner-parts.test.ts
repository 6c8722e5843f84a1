/**
 * The parts of the check runner that need no engine: judging what was seen, the first difference between two
 * images, the engine's argument vectors, reading a file out of `cp`'s tar, and the HTTP and TCP clients against
 * servers of this process on the loopback interface.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { firstTarFile, runFlags } from '../../src/probe/container-runtime';
import { tarOf } from '../image/image-builder';
import { describeObservation, firstDifference, httpRequest, judge, tcpExchange, type Check, type Observation } from '../../src/probe';

const process0 = (fields: Partial<Extract<Observation, { kind: 'process' }>>): Observation => ({ kind: 'process', exitCode: 0, stdout: '', stderr: '', timedOut: false, ...fields });

describe('judge', () => {
  const command: Check = { kind: 'command', timeoutMs: 500, expect: { exitCode: 0, stdout: '^ok\\n$', stderr: 'warn' } };

  test.each<[string, Check, Observation, string[]]>([
    ['a passing command', command, process0({ stdout: 'ok\n', stderr: 'a warning' }), []],
    ['every failed expectation of a command, one line each', command, process0({ exitCode: 3, stdout: 'ko', stderr: '' }), ['exit code 3, expected 0', 'stdout does not match /^ok\\n$/', 'stderr does not match /warn/']],
    ['a command killed at its limit', command, process0({ exitCode: null, timedOut: true }), ['did not finish within 500 ms']],
    ['exit code 0 by default', { kind: 'command', expect: {} }, process0({ exitCode: 1 }), ['exit code 1, expected 0']],
    [
      'http status, headers (any case) and body',
      { kind: 'http', port: 80, expect: { headers: { 'Content-Type': '^text/html', 'x-missing': '.' }, body: 'hello' } },
      { kind: 'http', status: 404, headers: { 'content-type': 'text/plain' }, body: 'nope' },
      ['status 404, expected 200', 'header Content-Type: "text/plain" does not match /^text/html/', 'no x-missing header', 'body does not match /hello/'],
    ],
    ['a tcp answer', { kind: 'tcp', port: 1, expect: { response: '^\\+PONG' } }, { kind: 'tcp', received: '-ERR' }, ['response does not match /^\\+PONG/']],
    ['a tcp connection alone', { kind: 'tcp', port: 1 }, { kind: 'tcp', received: '' }, []],
    ['a server that never got ready', { kind: 'http', port: 80, expect: {} }, { kind: 'not-ready', why: 'nothing listened on port 80 within 100 ms', log: '' }, ['nothing listened on port 80 within 100 ms']],
    ['a pattern with a line break stays on one line', { kind: 'command', expect: { stdout: 'a\nb' } }, process0({}), ['stdout does not match /a\\u000ab/']],
  ])('%s', (_what, check, seen, failures) => {
    expect(judge(check, seen)).toEqual(failures);
  });
});

describe('firstDifference', () => {
  test('the exit code comes before the outputs', () => {
    expect(firstDifference(process0({ stdout: 'ok' }), process0({ exitCode: 127, stderr: 'libssl.so.3: cannot open shared object file' }))).toBe('exit code: 0 on fat, 127 on slim');
  });

  test('outputs are shown quoted on one line, clipped', () => {
    const difference = firstDifference(process0({ stdout: 'ok' }), process0({ stdout: `bad\n\u001b[31m${'x'.repeat(1000)}` }));
    expect(difference).toMatch(/^stdout: "ok" on fat, "bad\\n\\u001b\[31mx+… \(\d+ more characters\)" on slim$/);
    expect(difference).not.toMatch(/[\n\u001b]/);
  });

  test('HTTP: status first, then body; a server that did not come up on one side', () => {
    const fat: Observation = { kind: 'http', status: 200, headers: {}, body: 'hi' };
    expect(firstDifference(fat, { kind: 'http', status: 500, headers: {}, body: 'oops' })).toBe('status: 200 on fat, 500 on slim');
    expect(firstDifference(fat, { kind: 'http', status: 200, headers: {}, body: 'ho' })).toBe('body: "hi" on fat, "ho" on slim');
    expect(firstDifference(fat, { kind: 'not-ready', why: 'the server exited with code 127 before it was ready', exitCode: 127, log: 'exec /app: no such file' })).toBe(
      'server: ready on fat, not ready (the server exited with code 127 before it was ready; exited with code 127; log "exec /app: no such file") on slim',
    );
  });

  test('nothing to say when both saw the same', () => {
    expect(firstDifference(process0({ stdout: 'x' }), process0({ stdout: 'x' }))).toBeUndefined();
  });

  test('describeObservation says whether a server still ran', () => {
    expect(describeObservation({ kind: 'not-ready', why: 'nothing listened', log: 'booting' })).toMatch(/server still running; its log:\nbooting/);
    expect(describeObservation({ kind: 'not-ready', why: 'gone', exitCode: 4, log: '' })).toMatch(/server exited with code 4/);
  });
});

describe('runFlags', () => {
  test('every value follows its flag as one argument, and the image comes after --', () => {
    const flags = runFlags({
      image: 'app:1',
      name: 'scratchify-check-1',
      network: 'scratchify-net-1',
      args: ['--entrypoint', 'evil'],
      env: { A: 'x y', B: '--privileged' },
      user: '1000:1000',
      workdir: '/srv',
      mounts: [{ source: '/usr/bin/strace', target: '/.scratchify-trace/strace', readOnly: true }],
      capAdd: ['SYS_PTRACE'],
      interactive: true,
    });
    expect(flags).toEqual([
      '--name', 'scratchify-check-1', '--network', 'scratchify-net-1', '--pull', 'never',
      '--env', 'A=x y', '--env', 'B=--privileged', '--user', '1000:1000', '--workdir', '/srv',
      '--mount', 'type=bind,source=/usr/bin/strace,target=/.scratchify-trace/strace,readonly',
      '--cap-add', 'SYS_PTRACE', '--interactive',
      '--', 'app:1', '--entrypoint', 'evil',
    ]);
  });

  test('a replaced entrypoint: its first word is --entrypoint, the rest go before the arguments', () => {
    expect(runFlags({ image: 'i', name: 'n', network: 'none', entrypoint: ['/ld.so', '--library-path', '/lib', '/strace'], args: ['x'] })).toEqual([
      '--name', 'n', '--network', 'none', '--pull', 'never', '--entrypoint', '/ld.so', '--', 'i', '--library-path', '/lib', '/strace', 'x',
    ]);
  });

  test('a mount path the --mount syntax cannot carry is refused', () => {
    expect(() => runFlags({ image: 'i', name: 'n', network: 'none', mounts: [{ source: '/tmp/a,b', target: '/x', readOnly: true }] })).toThrow(/cannot mount "\/tmp\/a,b"/);
  });
});

describe('firstTarFile (reading `cp CONTAINER:PATH -`)', () => {
  test('the content of a regular file, after a PAX record', async () => {
    expect(firstTarFile(await tarOf([{ name: 'passwd', content: 'root:x:0:0::/root:/bin/sh\n', pax: { 'SCHILY.xattr.user.a': 'b' } }]))?.toString()).toBe('root:x:0:0::/root:/bin/sh\n');
  });

  test('nothing for a link, a damaged header or a truncated file', async () => {
    expect(firstTarFile(await tarOf([{ name: 'passwd', type: 'symlink', linkname: '/etc/shadow' }]))).toBeUndefined();
    const good = await tarOf([{ name: 'passwd', content: 'x'.repeat(600) }]);
    const damaged = Buffer.from(good);
    damaged[0] ^= 0xff;
    expect(firstTarFile(damaged)).toBeUndefined();
    expect(firstTarFile(good.subarray(0, 700))).toBeUndefined();
  });
});

describe('the clients, against servers of this process on the loopback interface', () => {
  let server: Server;
  let port = 0;
  const requests: Array<{ method?: string; url?: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        requests.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.setHeader('Set-Cookie', ['a=1', 'b=2']);
        response.setHeader('Content-Type', 'text/plain');
        // Without a Content-Length, Node's server sends the body chunked.
        response.write('hé, ');
        response.end('world');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('an HTTP request: method, target, headers and body sent; status, joined headers and decoded body read', async () => {
    const seen = await httpRequest({ address: '127.0.0.1', port, method: 'POST', path: '/sha256?s=1', headers: { 'X-Token': 't', host: 'example' }, body: 'data', timeoutMs: 5000 });
    expect(seen).toEqual({ kind: 'http', status: 200, headers: expect.objectContaining({ 'set-cookie': 'a=1, b=2', 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }), body: 'hé, world' });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/sha256?s=1', body: 'data' });
    expect(requests[0].headers).toMatchObject({ 'x-token': 't', host: 'example', 'user-agent': 'scratchify-probe', 'content-length': '4', connection: 'close' });
  });

  test('a refused connection is an error with the reason', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(httpRequest({ address: '127.0.0.1', port: unused, method: 'GET', path: '/', timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a TCP exchange: send, then read until the server closes', async () => {
    const echo = createTcpServer((socket) => socket.once('data', (data) => socket.end(`+PONG ${data.toString().trim()}\r\n`)));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const echoPort = (echo.address() as AddressInfo).port;
      expect(await tcpExchange({ address: '127.0.0.1', port: echoPort, send: 'PING\r\n', timeoutMs: 2000 })).toEqual({ kind: 'tcp', received: '+PONG PING\r\n' });
      expect(await tcpExchange({ address: '127.0.0.1', port: echoPort, timeoutMs: 2000 })).toEqual({ kind: 'tcp', received: '' });
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
