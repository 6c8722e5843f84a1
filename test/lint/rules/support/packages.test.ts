import { invokedCommands } from '../../../../src/shell';
import { classifyBase } from '../../../../src/lint/rules/support/base-images';
import { parseImageReference } from '../../../../src/lint/rules/support/image-reference';
import { removalCovers } from '../../../../src/lint/rules/support/final-lineage';
import { packageOperations, stillInstalled } from '../../../../src/lint/rules/support/packages';

const operations = (script: string) => packageOperations(invokedCommands(script));

describe('packageOperations', () => {
  it('reads apt-get through sudo and a prefix assignment, with options, pins and architectures', () => {
    const [update, install] = operations('DEBIAN_FRONTEND=noninteractive sudo apt-get update && sudo apt-get -y -o Dpkg::Options::=--force-confold install --no-install-recommends gcc=4:12.2 libssl-dev:amd64 foo/bookworm-backports');
    expect(update).toMatchObject({ manager: 'apt', action: 'update', invocation: 'apt-get update' });
    expect(install).toMatchObject({ manager: 'apt', action: 'install', subcommand: 'install' });
    expect(install.packages.map((pkg) => pkg.name)).toEqual(['gcc', 'libssl-dev', 'foo']);
    expect(install.options).toEqual(['-y', '-o', 'Dpkg::Options::=--force-confold', '--no-install-recommends']);
  });

  it('reads apk --virtual groups and their removal', () => {
    const ops = operations('apk add --no-cache --virtual .build-deps gcc musl-dev=1.2 && apk del .build-deps');
    expect(ops[0]).toMatchObject({ manager: 'apk', action: 'install', virtual: '.build-deps' });
    expect(ops[0].packages.map((pkg) => pkg.name)).toEqual(['gcc', 'musl-dev']);
    expect(stillInstalled(ops).has(ops[0].packages[0])).toBe(false);
  });

  it('reads pip through python -m, and option values are not packages', () => {
    const [pip] = operations('python3 -m pip install -r requirements.txt --index-url https://x "flask[async]==3.0"');
    expect(pip).toMatchObject({ manager: 'pip', program: 'python3', invocation: 'python3 -m pip install', action: 'install' });
    expect(pip.packages.map((pkg) => pkg.name)).toEqual(['flask']);
  });

  it('knows clean calls and npm/yarn forms', () => {
    expect(operations('yum clean all; dnf clean packages; npm cache clean --force; yarn; yarn global add serve').map((op) => `${op.manager}:${op.action}`)).toEqual([
      'yum:clean', 'dnf:other', 'npm:clean', 'yarn:install', 'yarn:install',
    ]);
  });
});

describe('removalCovers', () => {
  it.each([
    ['/var/lib/apt/lists/*', '/var/lib/apt/lists', true],
    ['/var/lib/apt', '/var/lib/apt/lists', true],
    ['$HOME/.cache', '~/.cache/pip', true],
    ['/root/.cache/pip/', '~/.cache/pip', true],
    ['/tmp/*.tar.gz', '/tmp/app.tar.gz', true],
    ['/var/lib/apt/lists/partial', '/var/lib/apt/lists', false],
    ['/', '/tmp/x', false],
    ['/tmp/*.zip', '/tmp/app.tar.gz', false],
  ])('rm %s covers %s: %s', (removed, path, covers) => {
    expect(removalCovers(removed, path)).toBe(covers);
  });
});

describe('base images', () => {
  it('parses registries, library/ and tags', () => {
    expect(parseImageReference('docker.io/library/debian:12@sha256:abc')).toEqual({ repository: 'docker.io/library/debian', path: 'debian', name: 'debian', tag: '12', digest: 'sha256:abc' });
    expect(parseImageReference('gcr.io/distroless/static-debian12')).toEqual({ repository: 'gcr.io/distroless/static-debian12', registry: 'gcr.io', path: 'distroless/static-debian12', name: 'static-debian12' });
    expect(parseImageReference('localhost:5000/app:1')).toMatchObject({ registry: 'localhost:5000', path: 'app', tag: '1' });
  });

  it.each([
    ['scratch', 'scratch'],
    ['gcr.io/distroless/base-debian12', 'minimal'],
    ['cgr.dev/chainguard/wolfi-base', 'distribution'],
    ['alpine:3.20', 'distribution'],
    ['node:20-alpine3.19', 'runtime'],
  ])('%s is %s', (reference, kind) => {
    expect(classifyBase(reference)?.kind).toBe(kind);
  });

  it('marks slim variants and toolchains, and leaves unknown images alone', () => {
    expect(classifyBase('node:20-alpine3.19')).toEqual({ kind: 'runtime', slim: true });
    expect(classifyBase('python:3.12')?.toolchain).toMatch(/buildpack-deps/);
    expect(classifyBase('myorg/base:1')).toBeUndefined();
  });
});

describe('stillInstalled', () => {
  it('keeps what no later operation removes, and follows the official images’ apt-mark auto + purge --auto-remove', () => {
    const ops = operations(
      'apt-get install -y curl gcc && savedAptMark="$(apt-mark showmanual)" && apt-mark auto ".*" && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove; apt-get install -y ca-certificates; apk add --virtual .deps make && apk add git && apk del .deps',
    );
    const kept = stillInstalled(ops);
    const names = ops.flatMap((op) => op.packages.filter((pkg) => kept.has(pkg)).map((pkg) => `${op.manager}:${pkg.name}`));
    expect(names).toEqual(['apt:ca-certificates', 'apk:git']);
  });
});
