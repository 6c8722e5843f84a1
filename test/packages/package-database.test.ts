/**
 * The package database of a slim image, on small Debian-like and Alpine-like roots: which packages it lists,
 * what their files say, the reasons in the analysis, and that the Dockerfile names lines, never their bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, type Analysis } from '../../src/analyze';
import { parseDockerfile } from '../../src/dockerfile';
import { emitDockerfile } from '../../src/emit/dockerfile';
import { writeImageArchive } from '../../src/emit/image-archive';
import { openImage, type ImageConfig } from '../../src/image';
import { buildPlan } from '../../src/plan';
import { readOciArchive, readTar } from '../emit/archive/tar-contents';

import { BASE, debianRoot, HELLO, makeRoot } from './package-roots';

function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

async function analyzeRoot(root: string, options: { packageDatabase?: boolean } = {}) {
  roots.push(root);
  const image = await openImage(root);
  const analysis = await analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/bin/hello'] }) }, options);
  return { image, analysis };
}

const file = (analysis: Analysis, path: string) => analysis.kept.find((kept) => kept.path === path);
const content = (analysis: Analysis, path: string): string | undefined => analysis.packages?.database.find((f) => f.path === path)?.content.toString();

describe('dpkg: the slim image carries status.d for the packages that keep a file', () => {
  it('lists the kept packages with their own stanzas and only their kept files', async () => {
    const { analysis } = await analyzeRoot(debianRoot());
    expect(analysis.packages).toMatchObject({ manager: 'dpkg', os: { id: 'debian', versionId: '12' }, installed: 3 });
    expect(analysis.packages?.kept.map((pkg) => pkg.name)).toEqual(['hello', 'base-files']);
    expect(analysis.packages?.kept[0]).toMatchObject({ version: '2.10-3', architecture: 'amd64', licenses: ['GPL-3+'] });
    expect(content(analysis, '/var/lib/dpkg/status.d/hello')).toBe(HELLO);
    expect(content(analysis, '/var/lib/dpkg/status.d/base-files')).toBe(BASE);
    expect(content(analysis, '/var/lib/dpkg/status.d/hello.md5sums')).toBe(`${'a'.repeat(32)}  usr/bin/hello\n`);
    expect(content(analysis, '/var/lib/dpkg/status.d/base-files.md5sums')).toBe(`${'d'.repeat(32)}  etc/debian_version\n${'e'.repeat(32)}  usr/lib/os-release\n`);
    expect(analysis.packages?.database.map((f) => f.path).filter((path) => /unused|removed/.test(path))).toEqual([]);
  });

  it('keeps the OS files and gives every added path the package-database reason', async () => {
    const { analysis } = await analyzeRoot(debianRoot());
    for (const path of ['/etc/debian_version', '/etc/os-release', '/usr/lib/os-release', '/var/lib/dpkg/status.d/hello', '/var/lib/dpkg/status.d/hello.md5sums']) {
      expect(file(analysis, path)?.reasons.map((reason) => reason.rule)).toContain('package-database');
    }
    expect(file(analysis, '/var/lib/dpkg/status.d/hello')).toMatchObject({ type: 'file', synthesized: true, size: HELLO.length });
    expect(file(analysis, '/var/lib/dpkg/status.d')).toMatchObject({ type: 'dir', synthesized: true });
    expect(file(analysis, '/var/lib/dpkg/status.d/hello')?.reasons[0].origin).toEqual({ path: '/var/lib/dpkg/status', line: 7 });
    expect(file(analysis, '/usr/bin/unused')).toBeUndefined();
  });

  it('--no-package-db: no database and no OS files, the kept packages still listed', async () => {
    const { analysis } = await analyzeRoot(debianRoot(), { packageDatabase: false });
    expect(analysis.packages?.database).toEqual([]);
    expect(analysis.packages?.kept.map((pkg) => pkg.name)).toEqual(['hello']);
    expect(analysis.kept.filter((kept) => kept.synthesized || kept.path.startsWith('/etc'))).toEqual([]);
  });

  it('the Dockerfile copies the lines by number and never holds a byte of the stanzas', async () => {
    const { image, analysis } = await analyzeRoot(debianRoot());
    const plan = await buildPlan(analysis, image.tree, { hasShell: true });
    expect(plan.synthesized?.map((f) => f.path)).toContain('/var/lib/dpkg/status.d/hello');
    expect(plan.copies.flatMap((group) => group.sources).filter((source) => source.includes('status.d'))).toEqual([]);
    const text = 'FROM debian:bookworm AS app\nENTRYPOINT ["/usr/bin/hello"]\n';
    const dockerfile = emitDockerfile({ text, dockerfile: parseDockerfile(text).dockerfile, target: 0, plan });
    expect(dockerfile).toContain('"lines", "/var/lib/dpkg/status", "var/lib/dpkg/status.d/hello", "7-13"');
    expect(dockerfile).toContain('"lines", "/var/lib/dpkg/info/hello.md5sums", "var/lib/dpkg/status.d/hello.md5sums", "1-1"');
    expect(dockerfile).toContain('"mkdir", "var/lib/dpkg/status.d"');
    expect(dockerfile).not.toContain('touch /pwned');
    expect(dockerfile).not.toContain('2.10-3');
  });

  it('without a shell the Dockerfile says it leaves the database out', async () => {
    const { image, analysis } = await analyzeRoot(debianRoot());
    const plan = await buildPlan(analysis, image.tree, { hasShell: false });
    expect(plan.notes.join('\n')).toMatch(/leaves it out; --oci-archive and --docker-archive carry it/);
    expect(plan.copies.flatMap((group) => group.sources).filter((source) => source.includes('status.d'))).toEqual([]);
  });

  it('the image archive holds the same database files', async () => {
    const { image, analysis } = await analyzeRoot(debianRoot());
    const plan = await buildPlan(analysis, image.tree, { hasShell: true });
    const output = join(mkdtempSync(join(tmpdir(), 'scratchify-pkgdb-out-')), 'slim.tar');
    roots.push(dirname(output));
    await writeImageArchive({ tree: image.tree, kept: analysis.kept, synthesized: plan.synthesized, config: image.config, format: 'oci', output });
    const layer = await readTar((await readOciArchive(output)).layer);
    const entry = (name: string) => layer.find((m) => m.header.name === name);
    expect(entry('var/lib/dpkg/status.d/hello')?.data.toString()).toBe(HELLO);
    expect(entry('var/lib/dpkg/status.d/hello.md5sums')?.data.toString()).toBe(`${'a'.repeat(32)}  usr/bin/hello\n`);
    expect(entry('var/lib/dpkg/status.d')?.header.type).toBe('directory');
    expect(entry('etc/debian_version')?.data.toString()).toBe('12.5\n');
    expect(entry('var/lib/dpkg/status')).toBeUndefined();
  });
});

describe('apk: lib/apk/db/installed with the kept packages and files only', () => {
  const MUSL = 'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\nT:the C library\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1xyz=\nR:libc.musl-x86_64.so.1\nZ:Q1lnk=\n\n';
  const TOOL = 'P:tool\nV:1.0-r0\nA:x86_64\nL:GPL-2.0-only\nF:usr\nF:usr/bin\nR:tool\nZ:Q1t=\nR:other\nZ:Q1o=\nF:usr/share/tool\nR:data\n\n';
  const GONE = 'P:gone\nV:2-r0\nA:x86_64\nF:usr/bin\nR:gone\n\n';

  it('keeps the records of packages with a kept file, and only their kept files', async () => {
    const root = makeRoot({
      'etc/alpine-release': '3.19.1\n',
      'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n',
      'lib/ld-musl-x86_64.so.1': ['x', 0o755],
      'usr/bin/hello': ['#!/bin/tool\n', 0o755],
      'usr/bin/tool': ['t', 0o755],
      'usr/bin/other': ['o', 0o755],
      'usr/bin/gone': ['g', 0o755],
      'usr/share/tool/data': 'd',
      'lib/apk/db/installed': MUSL + TOOL + GONE,
    }, { 'lib/libc.musl-x86_64.so.1': 'ld-musl-x86_64.so.1', 'bin': 'usr/bin' });
    roots.push(root);
    const image = await openImage(root);
    const analysis = await analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/bin/hello'] }) });
    expect(analysis.packages).toMatchObject({ manager: 'apk', os: { id: 'alpine', versionId: '3.19.1' }, installed: 3 });
    expect(analysis.packages?.kept.map((pkg) => [pkg.name, pkg.version, pkg.licenses])).toEqual([['tool', '1.0-r0', ['GPL-2.0-only']]]);
    expect(content(analysis, '/lib/apk/db/installed')).toBe('P:tool\nV:1.0-r0\nA:x86_64\nL:GPL-2.0-only\nF:usr/bin\nR:tool\nZ:Q1t=\n\n');
    expect(file(analysis, '/lib/apk/db/installed')).toMatchObject({ synthesized: true, reasons: [expect.objectContaining({ rule: 'package-database' })] });
    expect(file(analysis, '/etc/alpine-release')?.reasons.map((reason) => reason.rule)).toContain('package-database');
  });
});
