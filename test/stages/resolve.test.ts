import { parseDockerfile } from '../../src/dockerfile';
import { DockerfileSyntaxError, ExpansionError, UsageError } from '../../src/errors';
import { resolveStages, type ResolveOptions } from '../../src/stages';

function graph(text: string, options: ResolveOptions = {}) {
  return resolveStages(parseDockerfile(text, { file: 'Dockerfile' }).dockerfile, { platform: 'linux/amd64', ...options });
}

describe('variable scoping', () => {
  it('uses global ARGs in FROM, with build-arg overrides and earlier globals in defaults', () => {
    const text = 'ARG REGISTRY=docker.io\nARG IMAGE=${REGISTRY}/library/debian\nARG TAG=bookworm\nFROM ${IMAGE}:${TAG}-slim\n';
    expect(graph(text).stages[0].baseName).toBe('docker.io/library/debian:bookworm-slim');
    expect(graph(text, { buildArgs: { TAG: 'trixie' } }).stages[0].baseName).toBe('docker.io/library/debian:trixie-slim');
    expect(graph(text, { buildArgs: { REGISTRY: 'r.example' } }).stages[0].baseName).toBe('r.example/library/debian:bookworm-slim');
  });

  it('hides global ARGs inside a stage until they are declared again', () => {
    const text = 'ARG VERSION=1.2\nFROM scratch\nENV BEFORE=${VERSION:-unset}\nARG VERSION\nENV AFTER=$VERSION\n';
    const env = graph(text).stages[0].contract.env;
    expect(env).toEqual({ BEFORE: 'unset', AFTER: '1.2' });
  });

  it('lets a stage ARG default be overridden by --build-arg, and ENV win over ARG', () => {
    const text = 'FROM scratch\nARG MODE=dev\nENV A=$MODE\nENV MODE=env\nENV B=$MODE\n';
    expect(graph(text).stages[0].contract.env).toEqual({ A: 'dev', MODE: 'env', B: 'env' });
    expect(graph(text, { buildArgs: { MODE: 'prod' } }).stages[0].contract.env.A).toBe('prod');
  });

  it('expands all pairs of one ENV line against the scope before it', () => {
    const text = 'FROM scratch\nENV abc=hello\nENV abc=bye def=$abc\n';
    expect(graph(text).stages[0].contract.env).toEqual({ abc: 'bye', def: 'hello' });
  });

  it('inherits ENV and ARG from a parent stage, not from unrelated stages', () => {
    const text = [
      'FROM debian:bookworm-slim AS base',
      'ARG LEVEL=3',
      'ENV APP_HOME=/srv/app PATH=/srv/app/bin:$PATH',
      'FROM base AS child',
      'ENV LOG=/var/log/$LEVEL',
      'WORKDIR $APP_HOME',
      'FROM debian:bookworm-slim AS other',
      'ENV SEEN=${APP_HOME:-no}',
    ].join('\n');
    const result = graph(text);
    expect(result.stages[1].base).toEqual({ kind: 'stage', index: 0 });
    expect(result.stages[1].contract.env).toEqual({ APP_HOME: '/srv/app', PATH: '/srv/app/bin:', LOG: '/var/log/3' });
    expect(result.stages[1].contract.workdir).toBe('/srv/app');
    expect(result.stages[2].contract.env).toEqual({ SEEN: 'no' });
  });

  it('provides the platform ARGs to FROM and, once declared, inside a stage', () => {
    const text = 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nENV ARCH=$TARGETARCH OS=${TARGETOS:-none}\n';
    const stage = graph(text, { platform: 'linux/arm64' }).stages[0];
    expect(stage.platform).toBe('linux/arm64');
    expect(stage.contract.env).toEqual({ ARCH: 'arm64', OS: 'none' });
  });

  it('reports a failed expansion with its line', () => {
    const text = 'FROM scratch\n\nENV A="${MISSING:?must be set}"\n';
    expect(() => graph(text)).toThrow(ExpansionError);
    try {
      graph(text);
    } catch (error) {
      expect((error as ExpansionError).format()).toMatch(/^Dockerfile:3:1: .*must be set/);
    }
  });
});

describe('stage graph', () => {
  const text = [
    'FROM debian:bookworm AS deps',
    'RUN apt-get update',
    'FROM deps AS build',
    'RUN --mount=type=cache,target=/root/.cache,from=tools make',
    'FROM alpine AS tools',
    'FROM debian:bookworm AS docs',
    'FROM debian:bookworm-slim',
    'COPY --from=BUILD /out/app /usr/local/bin/app',
    'COPY --from=nginx:1.25 /etc/nginx/mime.types /etc/',
    'COPY --from=0 /etc/os-release /etc/',
  ].join('\n');

  it('follows FROM, COPY --from (case-insensitive names, indexes, images)', () => {
    const result = graph(text.replace(',from=tools', ''));
    expect(result.target).toBe(4);
    expect(result.needed).toEqual([0, 1, 4]);
    expect(result.unused).toEqual([2, 3]);
    expect(result.images.sort()).toEqual(['debian:bookworm', 'debian:bookworm-slim', 'nginx:1.25']);
    expect(result.stages[4].dependencies.filter((d) => d.via === 'copy')).toEqual([
      { via: 'copy', stage: 1, line: 8 },
      { via: 'copy', image: 'nginx:1.25', line: 9 },
      { via: 'copy', stage: 0, line: 10 },
    ]);
  });

  it('rejects a stage used before it is defined', () => {
    expect(() => graph(text)).toThrow(/stage "tools" needs to be defined before the current stage/);
  });

  it('follows RUN --mount=from and selects --target', () => {
    const reordered = 'FROM alpine AS tools\nFROM debian AS build\nRUN --mount=from=tools,target=/t make\nFROM scratch AS final\n';
    const result = graph(reordered, { target: 'BUILD' });
    expect(result.target).toBe(1);
    expect(result.needed).toEqual([0, 1]);
    expect(result.unused).toEqual([2]);
    expect(graph(reordered, { target: '0' }).needed).toEqual([0]);
  });

  it('refuses an unknown target with the known names', () => {
    expect(() => graph(text.replace(',from=tools', ''), { target: 'nope' })).toThrow(UsageError);
    expect(() => graph(text.replace(',from=tools', ''), { target: 'nope' })).toThrow(/stages: deps, build, tools, docs/);
  });

  it('rejects COPY --from with a variable, as BuildKit does', () => {
    expect(() => parseDockerfile('FROM a\nARG SRC=b\nCOPY --from=$SRC /x /y\n')).toThrow(DockerfileSyntaxError);
    expect(() => parseDockerfile('FROM a\nARG SRC=b\nCOPY --from=$SRC /x /y\n')).toThrow(/variable expansion is not supported for --from/);
  });
});

describe('runtime contract of the final stage', () => {
  it('collects the config the Dockerfile sets, with shell form wrapped in /bin/sh -c', () => {
    const text = [
      'FROM debian:bookworm-slim',
      'ARG PORT=8080',
      'ENV PORT=$PORT',
      'LABEL org.opencontainers.image.title="demo app" version=1',
      'EXPOSE $PORT 53/udp',
      'VOLUME ["/data"]',
      'USER app:app',
      'WORKDIR /srv',
      'WORKDIR app',
      'STOPSIGNAL SIGQUIT',
      'HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost:$PORT/ || exit 1',
      'ENTRYPOINT ["/docker-entrypoint.sh"]',
      'CMD exec app --port "$PORT"',
    ].join('\n');
    const contract = graph(text).stages[0].contract;
    expect(contract).toEqual({
      inheritsFrom: 'debian:bookworm-slim',
      env: { PORT: '8080' },
      labels: { 'org.opencontainers.image.title': 'demo app', version: '1' },
      exposedPorts: ['53/udp', '8080/tcp'],
      volumes: ['/data'],
      user: 'app:app',
      workdir: '/srv/app',
      stopSignal: 'SIGQUIT',
      healthcheck: { test: ['CMD-SHELL', 'curl -f http://localhost:$PORT/ || exit 1'], interval: '30s', retries: 3 },
      entrypoint: ['/docker-entrypoint.sh'],
      entrypointForm: 'exec',
      cmd: ['/bin/sh', '-c', 'exec app --port "$PORT"'],
      cmdForm: 'shell',
      onBuild: [],
    });
  });

  it('drops an earlier CMD when ENTRYPOINT is set, and honours SHELL', () => {
    const text = 'FROM scratch AS a\nCMD ["x"]\nFROM a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nENTRYPOINT run me\n';
    const contract = graph(text).stages[1].contract;
    expect(contract.cmd).toBeUndefined();
    expect(contract.entrypoint).toEqual(['/bin/bash', '-o', 'pipefail', '-c', 'run me']);
  });
});
