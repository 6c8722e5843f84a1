import { parseApkInstalled } from '../../../../src/analyze/rules/apk';
import { parseConffiles } from '../../../../src/analyze/rules/dpkg-database';
import { analyzeRoot, buildRoot, rulesOf } from './system-root';

const root = buildRoot({
  // Listed as shipped before merged /usr: /bin/true is /usr/bin/true in this root (/bin -> usr/bin).
  '/var/lib/dpkg/info/coreutils.list': '/.\n/bin\n/bin/true\n/etc/app\n/etc/app/app.conf\n/etc/init.d/app\n/var/lib/app\n/var/log/app\n/var/lib\n',
  '/var/lib/dpkg/info/coreutils.conffiles': '/etc/app/app.conf\n/etc/init.d/app\n/etc/app/gone.conf obsolete\nremove-on-upgrade /etc/app/old.conf\n',
  '/var/lib/dpkg/info/other.list': '/usr/bin/other\n/var/lib/other\n',
  '/var/lib/dpkg/info/other.conffiles': '/etc/other.conf\n',
  '/etc/app/app.conf': 'x=1\n',
  '/etc/app/gone.conf': 'x=1\n',
  '/etc/app/old.conf': 'x=1\n',
  '/etc/init.d/app': '#!/bin/sh\nstart-stop-daemon --start\n',
  '/etc/other.conf': 'y\n',
  '/var/lib/app/state': 'state',
  '/var/log/app': { dir: true },
  '/var/lib/other': { dir: true },
});

describe('dpkg', () => {
  it('keeps the conffiles and state directories of the package of a kept program, listed before usrmerge', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    expect(rulesOf(analysis, '/etc/app/app.conf')).toContain('dpkg-conffile');
    expect(analysis.kept.find((k) => k.path === '/etc/app/app.conf')?.reasons).toContainEqual(expect.objectContaining({ by: '/usr/bin/true', detail: 'conffile of package coreutils' }));
    expect(rulesOf(analysis, '/var/lib/app')).toContain('dpkg-directory');
    expect(rulesOf(analysis, '/var/log/app')).toContain('dpkg-directory');
  });

  it.each([
    ['an init script', '/etc/init.d/app'],
    ['an obsolete conffile', '/etc/app/gone.conf'],
    ['a remove-on-upgrade conffile', '/etc/app/old.conf'],
    ['the contents of a state directory', '/var/lib/app/state'],
    ['the conffiles of a package no kept file belongs to', '/etc/other.conf'],
    ['the directories of a package no kept file belongs to', '/var/lib/other'],
  ])('does not keep %s', async (_, path) => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    expect(rulesOf(analysis, path)).toEqual([]);
  });

  it('reads conffile lines with flags', () => {
    expect(parseConffiles('/etc/a\n/etc/b obsolete\nremove-on-upgrade /etc/c\n\n')).toEqual(['/etc/a']);
  });
});

describe('apk', () => {
  const installed = 'C:Q1x\nP:busybox\nV:1.36\nF:bin\nR:busybox\na:0:0:755\nF:etc\nR:securetty\nF:etc/init.d\nR:bb\nF:var/lib/bb\n\nP:musl\nF:lib\nR:ld-musl-x86_64.so.1\n';

  it('reads packages with their directories and files', () => {
    expect(parseApkInstalled(installed)).toEqual([
      { name: 'busybox', directories: ['/bin', '/etc', '/etc/init.d', '/var/lib/bb'], files: ['/bin/busybox', '/etc/securetty', '/etc/init.d/bb'] },
      { name: 'musl', directories: ['/lib'], files: ['/lib/ld-musl-x86_64.so.1'] },
    ]);
  });

  it('keeps /etc files and state directories of the package of a kept program', async () => {
    const apkRoot = buildRoot({
      '/lib/apk/db/installed': 'P:coreutils\nF:usr/bin\nR:true\nF:etc\nR:coreutils.conf\nF:etc/init.d\nR:svc\nF:var/cache/coreutils\n',
      '/etc/coreutils.conf': 'x\n',
      '/etc/init.d/svc': 'svc\n',
      '/var/cache/coreutils': { dir: true },
    });
    const analysis = await analyzeRoot(apkRoot, { Cmd: ['true'] });
    expect(rulesOf(analysis, '/etc/coreutils.conf')).toContain('apk-config');
    expect(rulesOf(analysis, '/var/cache/coreutils')).toContain('apk-directory');
    expect(rulesOf(analysis, '/etc/init.d/svc')).toEqual([]);
  });
});
