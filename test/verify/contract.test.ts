/**
 * The runtime contract comparison: configs as docker and podman print them, the differences of form that are
 * equal, the proven exec-form rewrites read from a Dockerfile the real emitter wrote, and USER names against
 * numbers through each image's own account files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '../../src/analyze';
import { parseDockerfile } from '../../src/dockerfile';
import { emitDockerfile } from '../../src/emit/dockerfile';
import { openImage, type ImageConfig } from '../../src/image';
import { buildPlan } from '../../src/plan';
import { compareContracts, contractOf, provenRewrites, resolveUser, type ContainerContract } from '../../src/verify';

const DOCKER_INSPECT = {
  Id: 'sha256:abc',
  Config: {
    User: 'app',
    ExposedPorts: { '8080/tcp': {} },
    Env: ['PATH=/usr/local/bin:/usr/bin', 'PORT=8080'],
    Cmd: ['/usr/local/bin/go-server'],
    Healthcheck: { Test: ['CMD', 'go-server', '-check'], Interval: 30e9, Retries: 3 },
    WorkingDir: '',
    Entrypoint: null,
    Volumes: { '/data': {} },
    Labels: { version: '1' },
  },
};

const PODMAN_INSPECT = {
  Id: 'abc',
  Config: {
    User: 'app',
    ExposedPorts: { '8080/tcp': {} },
    Env: ['PORT=8080', 'PATH=/usr/local/bin:/usr/bin'],
    Cmd: ['/usr/local/bin/go-server'],
    WorkingDir: '/',
    Volumes: { '/data': {} },
    Labels: { version: '1' },
    StopSignal: 'SIGTERM',
  },
  HealthCheck: { Test: ['CMD', 'go-server', '-check'], Interval: 30e9, Retries: 3 },
};

describe('contractOf', () => {
  test("docker's and podman's inspect output give the same contract, form normalized", () => {
    const expected: ContainerContract = {
      entrypoint: [],
      cmd: ['/usr/local/bin/go-server'],
      env: { PATH: '/usr/local/bin:/usr/bin', PORT: '8080' },
      user: 'app',
      workdir: '/',
      exposedPorts: ['8080/tcp'],
      volumes: ['/data'],
      labels: { version: '1' },
      stopSignal: 'SIGTERM',
      healthcheck: { test: ['CMD', 'go-server', '-check'], interval: 30e9, timeout: 0, startPeriod: 0, retries: 3 },
    };
    expect(contractOf(DOCKER_INSPECT)).toEqual(expected);
    expect(contractOf(PODMAN_INSPECT)).toEqual(expected);
  });

  test('a trailing slash on WorkingDir and HEALTHCHECK NONE', () => {
    const contract = contractOf({ Config: { WorkingDir: '/srv/app/', Healthcheck: { Test: ['NONE'] } } });
    expect(contract.workdir).toBe('/srv/app');
    expect(contract.healthcheck).toBeNull();
  });
});

const base = contractOf(DOCKER_INSPECT);
const changed = (fields: Partial<ContainerContract>): ContainerContract => ({ ...base, ...fields });

describe('compareContracts', () => {
  test('the same contract has no difference', async () => {
    expect(await compareContracts(base, contractOf(PODMAN_INSPECT))).toEqual([]);
  });

  test.each<[string, Partial<ContainerContract>, string, string, string]>([
    ['ENTRYPOINT', { entrypoint: ['/bin/sh'] }, 'entrypoint', '[]', '["/bin/sh"]'],
    ['CMD', { cmd: ['x'] }, 'cmd', '["/usr/local/bin/go-server"]', '["x"]'],
    ['ENV: only the variables that differ', { env: { PATH: '/usr/local/bin:/usr/bin', DEBUG: '1' } }, 'env', 'DEBUG unset, PORT="8080"', 'DEBUG="1", PORT unset'],
    ['WORKDIR', { workdir: '/app' }, 'workdir', '"/"', '"/app"'],
    ['EXPOSE', { exposedPorts: [] }, 'exposedPorts', '["8080/tcp"]', '[]'],
    ['VOLUME', { volumes: ['/data', '/cache'] }, 'volumes', '["/data"]', '["/data","/cache"]'],
    ['LABEL', { labels: {} }, 'labels', '{"version":"1"}', '{}'],
    ['STOPSIGNAL', { stopSignal: 'SIGQUIT' }, 'stopSignal', '"SIGTERM"', '"SIGQUIT"'],
    ['HEALTHCHECK', { healthcheck: null }, 'healthcheck', JSON.stringify(base.healthcheck), 'null'],
  ])('%s', async (_what, fields, field, fat, slim) => {
    expect(await compareContracts(base, changed(fields))).toEqual([{ field, fat, slim }]);
  });

  test('a shell-form CMD rewritten to exec form is equal only when the slim Dockerfile states the proof', async () => {
    const fat = changed({ cmd: ['/bin/sh', '-c', 'exec nginx -g "daemon off;"'] });
    const slim = changed({ cmd: ['nginx', '-g', 'daemon off;'] });
    expect(await compareContracts(fat, slim)).toHaveLength(1);
    const rewrites = [{ instruction: 'CMD' as const, from: fat.cmd, to: slim.cmd }];
    expect(await compareContracts(fat, slim, { rewrites })).toEqual([]);
    // The proof is for CMD, not for an ENTRYPOINT of the same words.
    expect(await compareContracts(changed({ entrypoint: fat.cmd }), changed({ entrypoint: slim.cmd }), { rewrites })).toHaveLength(1);
  });

  test('a USER name equals the number both images resolve it to, through their own account files', async () => {
    const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';
    const group = 'root:x:0:\napp:x:1000:\nstaff:x:50:app\n';
    const accounts = (slimPasswd: string, slimGroup: string) => async () => ({ fat: { passwd, group }, slim: { passwd: slimPasswd, group: slimGroup } });
    expect(await compareContracts(base, changed({ user: '1000:1000' }), { accounts: accounts('', '') })).toEqual([]);
    // Without a passwd in the slim image, a bare uid runs with gid 0 (runc): not the same identity.
    expect(await compareContracts(base, changed({ user: '1000' }), { accounts: accounts('', '') })).toEqual([{ field: 'user', fat: '"app" (1000:1000)', slim: '"1000" (1000:0)' }]);
    expect(await compareContracts(base, changed({ user: '1000' }), { accounts: accounts(passwd, group) })).toEqual([]);
    expect(await compareContracts(base, changed({ user: '1001' }), { accounts: accounts(passwd, group) })).toHaveLength(1);
    // Without a way to read the files, different words are a difference.
    expect(await compareContracts(base, changed({ user: '1000:1000' }))).toEqual([{ field: 'user', fat: '"app"', slim: '"1000:1000"' }]);
  });
});

describe('resolveUser', () => {
  const passwd = 'root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n';
  const group = 'root:x:0:\nwww-data:x:33:\nstaff:x:50:\n';
  test.each([
    ['', '0:0'],
    ['root', '0:0'],
    ['www-data', '33:33'],
    ['33', '33:33'],
    ['www-data:staff', '33:50'],
    ['1234', '1234:0'],
    ['1234:5', '1234:5'],
    ['nobody', 'unknown user nobody:0'],
    ['www-data:nogroup', '33:unknown group nogroup'],
  ])('%j runs as %s', (user, ids) => {
    expect(resolveUser(user, passwd, group)).toBe(ids);
  });
});

describe('provenRewrites', () => {
  test("reads the rewrites from the header the emitter writes, and nothing from other comments", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchify-verify-rewrites-'));
    try {
      const image = await openImage(dir);
      const config: ImageConfig = { architecture: 'amd64', os: 'linux', Env: [], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, Cmd: ['/bin/sh', '-c', 'exec nginx -g "daemon off;"'] };
      const analysis: Analysis = { kept: [], totals: { imageBytes: 0, imageFiles: 0, keptBytes: 0, keptPaths: 0, ratio: 0 }, warnings: [], imageWarnings: [], config, command: config.Cmd ?? [] };
      const plan = await buildPlan(analysis, image.tree, { hasShell: false });
      const text = 'FROM debian:bookworm-slim\nCMD exec nginx -g "daemon off;"\n';
      const emitted = emitDockerfile({ text, dockerfile: parseDockerfile(text).dockerfile, target: 0, plan });
      expect(provenRewrites(`${emitted}\n# Exec form, proven equivalent: CMD not json → []\n`)).toEqual([{ instruction: 'CMD', from: ['/bin/sh', '-c', 'exec nginx -g "daemon off;"'], to: ['nginx', '-g', 'daemon off;'] }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
