import { explain } from '../../../../src/analyze';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { userNeedsLookup } from '../../../../src/analyze/rules/system-files-accounts';
import { localeDirectoryNames, requestedLocales } from '../../../../src/analyze/rules/system-files-locale';
import { moduleServices, nsswitchServices } from '../../../../src/analyze/rules/system-files-nss';
import { openSslDirs } from '../../../../src/analyze/rules/system-files-tls';
import { debianLibcrypto, debianLibrary, debianProgram } from '../../../support/debian-binaries';
import { analyzeRoot, buildRoot, rulesOf } from './system-root';

const LIBDIR = '/usr/lib/x86_64-linux-gnu';
const GO_MARKERS = ['\xff Go buildinf:', 'crypto/x509.(*CertPool).AddCert', 'os/user.Current', 'net.(*Resolver).LookupHost', 'time.LoadLocation'];

const root = buildRoot({
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/nonexistent:/usr/sbin/nologin\n',
  '/etc/group': 'root:x:0:\napp:x:10001:\n',
  '/etc/shadow': 'root:*:19000:0:99999:7:::\n',
  '/etc/nsswitch.conf': '# comment: ldap\npasswd: files systemd\nhosts: files [NOTFOUND=return] mymachines dns\nnetgroup: nis\n',
  [`${LIBDIR}/libnss_systemd.so.2`]: { executable: debianLibrary('libnss_systemd.so.2') },
  '/etc/hosts': '127.0.0.1 localhost\n',
  '/etc/resolv.conf': 'nameserver 10.0.0.1\n',
  '/etc/hostname': 'builder\n',
  '/etc/services': 'http 80/tcp\n',
  '/etc/host.conf': 'multi on\n',
  '/tmp': { dir: true, mode: 0o1777 },
  '/usr/share/zoneinfo/Etc/UTC': 'TZif-utc',
  '/usr/share/zoneinfo/Europe/Paris': 'TZif-paris',
  '/usr/share/zoneinfo/America/New_York': 'TZif-ny',
  '/usr/share/zoneinfo/right/Europe/Paris': 'TZif-right',
  '/etc/localtime': { link: '/usr/share/zoneinfo/Etc/UTC' },
  '/usr/lib/locale/C.utf8/LC_CTYPE': 'ctype',
  '/usr/lib/locale/de_DE.utf8/LC_CTYPE': 'ctype-de',
  '/etc/ssl/certs/ca-certificates.crt': '-----BEGIN CERTIFICATE-----\nMIIB/abc+/etc\n-----END CERTIFICATE-----\n',
  '/etc/ssl/openssl.cnf': 'openssl_conf = openssl_init\n',
  '/usr/lib/ssl/openssl.cnf': { link: '/etc/ssl/openssl.cnf' },
  '/usr/lib/ssl/cert.pem': { link: '/etc/ssl/certs/ca-certificates.crt' },
  '/usr/lib/ssl/certs': { link: '/etc/ssl/certs' },
  [`${LIBDIR}/libcrypto.so.3`]: { executable: debianLibcrypto() },
  [`${LIBDIR}/ossl-modules/legacy.so`]: { executable: debianLibrary('legacy.so') },
  '/usr/local/bin/go-app': { executable: debianProgram(GO_MARKERS) },
  // glibc's iconv imports iconv_open: the name is in its dynamic string table.
  '/usr/bin/iconv': { executable: debianProgram(['iconv_open']) },
  // PHP sets LC_CTYPE to C.UTF-8 at start-up: the locale's name is a string in the program.
  '/usr/bin/php': { executable: debianProgram(['C.UTF-8']) },
  [`${LIBDIR}/gconv/gconv-modules`]: 'module UTF-16// INTERNAL UTF-16 1\n',
  [`${LIBDIR}/gconv/UTF-16.so`]: { executable: debianLibrary('UTF-16.so') },
});
chmodSync(join(root, 'tmp'), 0o1777);

describe('system files', () => {
  it('keeps /tmp as a directory with mode 1777, without its contents', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    expect(analysis.kept.find((kept) => kept.path === '/tmp')).toMatchObject({ type: 'dir', mode: 0o1777, reasons: [expect.objectContaining({ rule: 'tmp' })] });
  });

  it.each([
    ['a USER name', { User: 'app', Cmd: ['/usr/local/bin/start.sh'] }],
    ['a numeric USER', { User: '10001:10001', Cmd: ['/usr/local/bin/start.sh'] }],
  ])('keeps /etc/passwd and /etc/group for %s, never /etc/shadow', async (_, overrides) => {
    const analysis = await analyzeRoot(root, overrides);
    expect(rulesOf(analysis, '/etc/passwd')).toContain('passwd');
    expect(rulesOf(analysis, '/etc/group')).toContain('group');
    expect(analysis.kept.find((kept) => kept.path === '/etc/passwd')?.reasons).toContainEqual(expect.objectContaining({ detail: `USER ${overrides.User}` }));
    expect(rulesOf(analysis, '/etc/shadow')).toEqual([]);
  });

  it('keeps nsswitch.conf and the modules of the services it names; files and dns are inside glibc 2.36', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    expect(rulesOf(analysis, '/etc/nsswitch.conf')).toContain('nsswitch');
    expect(rulesOf(analysis, `${LIBDIR}/libnss_systemd.so.2`)).toContain('nss-module');
    expect(rulesOf(analysis, `${LIBDIR}/libnss_files.so.2`)).toEqual([]);
  });

  it('keeps resolver databases but none of the files the runtime bind-mounts', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    expect(rulesOf(analysis, '/etc/services')).toContain('network-file');
    expect(rulesOf(analysis, '/etc/host.conf')).toContain('network-file');
    for (const path of ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname']) expect(rulesOf(analysis, path)).toEqual([]);
  });

  it.each([
    ['TZ names a zone', ['TZ=Europe/Paris'], ['/usr/share/zoneinfo/Europe/Paris'], ['/usr/share/zoneinfo/America/New_York']],
    ['TZ with a leading colon', ['TZ=:America/New_York'], ['/usr/share/zoneinfo/America/New_York'], ['/usr/share/zoneinfo/Europe/Paris']],
    ['TZ unset', [], ['/etc/localtime', '/usr/share/zoneinfo/Etc/UTC'], ['/usr/share/zoneinfo/Europe/Paris']],
  ])('time zones: %s', async (_, env, kept, notKept) => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'], Env: ['PATH=/usr/bin', ...env] });
    for (const path of kept) expect(analysis.kept.map((k) => k.path)).toContain(path);
    for (const path of notKept) expect(rulesOf(analysis, path)).toEqual([]);
  });

  it('warns when TZ names a zone the image lacks, but not for a POSIX rule', async () => {
    const missing = await analyzeRoot(root, { Cmd: ['true'], Env: ['TZ=Mars/Olympus'] });
    expect(missing.warnings.join('\n')).toMatch(/TZ=Mars\/Olympus names a zone/);
    const rule = await analyzeRoot(root, { Cmd: ['true'], Env: ['TZ=UTC0'] });
    expect(rule.warnings.join('\n')).not.toMatch(/TZ=/);
  });

  it.each([
    ['LANG=C.UTF-8', '/usr/lib/locale/C.utf8/LC_CTYPE', '/usr/lib/locale/de_DE.utf8/LC_CTYPE'],
    ['LC_ALL=de_DE.UTF-8', '/usr/lib/locale/de_DE.utf8/LC_CTYPE', '/usr/lib/locale/C.utf8/LC_CTYPE'],
  ])('locales: %s', async (assignment, kept, notKept) => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'], Env: ['PATH=/usr/bin', assignment] });
    expect(rulesOf(analysis, kept)).toContain('locale');
    expect(rulesOf(analysis, notKept)).toEqual([]);
  });

  it('keeps the C.UTF-8 LC_CTYPE for a program that names that locale, and only then', async () => {
    const php = await analyzeRoot(root, { Cmd: ['/usr/bin/php'], Env: ['PATH=/usr/bin'] });
    expect(php.kept.find((k) => k.path === '/usr/lib/locale/C.utf8/LC_CTYPE')?.reasons).toContainEqual(expect.objectContaining({ rule: 'locale', by: '/usr/bin/php' }));
    const iconv = await analyzeRoot(root, { Cmd: ['/usr/bin/iconv'], Env: ['PATH=/usr/bin'] });
    expect(rulesOf(iconv, '/usr/lib/locale/C.utf8/LC_CTYPE')).toEqual([]);
  });

  it('keeps no locale for LANG=C', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'], Env: ['PATH=/usr/bin', 'LANG=C'] });
    expect(analysis.kept.filter((k) => k.path.startsWith('/usr/lib/locale/'))).toEqual([]);
  });

  it('keeps the CA bundle, OpenSSL config links, providers and engines for libcrypto', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] }, { keep: [`${LIBDIR}/libcrypto.so.3`] });
    expect(rulesOf(analysis, '/etc/ssl/openssl.cnf')).toContain('openssl-config');
    expect(analysis.kept.find((k) => k.path === '/usr/lib/ssl/openssl.cnf')).toMatchObject({ type: 'symlink' });
    expect(rulesOf(analysis, '/etc/ssl/certs/ca-certificates.crt')).toContain('ca-bundle');
    expect(rulesOf(analysis, `${LIBDIR}/ossl-modules/legacy.so`)).toContain('openssl-module');
  });

  it('keeps certificates, accounts, network files and zoneinfo for a Go program by the packages it links', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/local/bin/go-app'] });
    const by = (path: string) => analysis.kept.find((k) => k.path === path)?.reasons.map((r) => `${r.rule}<${r.by}`) ?? [];
    expect(by('/etc/ssl/certs/ca-certificates.crt')).toContain('ca-bundle</usr/local/bin/go-app');
    expect(by('/etc/passwd')).toContain('passwd</usr/local/bin/go-app');
    expect(by('/etc/nsswitch.conf')).toContain('nsswitch</usr/local/bin/go-app');
    expect(explain(analysis, '/usr/share/zoneinfo/America/New_York').chains.flat().map((step) => `${step.reason.rule}<${step.reason.by}`)).toContain('tzdata</usr/local/bin/go-app');
    expect(rulesOf(analysis, '/usr/share/zoneinfo/right/Europe/Paris')).toEqual([]);
  });

  it('keeps no CA bundle for a program without TLS', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    expect(rulesOf(analysis, '/etc/ssl/certs/ca-certificates.crt')).toEqual([]);
  });

  it('keeps gconv modules for a program that imports iconv_open, not for others', async () => {
    const iconv = await analyzeRoot(root, { Cmd: ['iconv', '-l'] });
    expect(rulesOf(iconv, `${LIBDIR}/gconv/UTF-16.so`)).toContain('gconv');
    expect(rulesOf(iconv, `${LIBDIR}/gconv/gconv-modules`)).toContain('gconv');
    const plain = await analyzeRoot(root, { Cmd: ['true'] });
    expect(rulesOf(plain, `${LIBDIR}/gconv/gconv-modules`)).toEqual([]);
  });
});

describe('system file parsers', () => {
  it.each([
    ['passwd: files\nhosts: files dns\n', ['files', 'dns']],
    ['hosts: files [NOTFOUND=return] mymachines dns # mdns\n', ['files', 'mymachines', 'dns']],
    ['# only a comment: ldap\n\nnetgroup:nis\n', ['nis']],
  ])('nsswitchServices(%j)', (text, services) => {
    expect(nsswitchServices(text)).toEqual(services);
  });

  it.each([
    [36, ['systemd']],
    [34, ['systemd']],
    [31, ['files', 'dns', 'systemd']],
  ])('glibc 2.%i loads these services as modules', (minor, modules) => {
    expect(moduleServices(['files', 'dns', 'systemd'], minor)).toEqual(modules);
  });

  it.each([
    ['app', true],
    ['app:app', true],
    ['1000', false],
    ['1000:1000', false],
    ['1000:staff', true],
  ])('USER %s needs a lookup: %s', (user, needed) => {
    expect(userNeedsLookup(user)).toBe(needed);
  });

  it('names the directories glibc tries for a locale', () => {
    expect(localeDirectoryNames('de_DE.UTF-8@euro')).toEqual(['de_DE.UTF-8@euro', 'de_DE.utf8@euro', 'de_DE@euro', 'de_DE', 'de']);
    expect(localeDirectoryNames('C.UTF-8')).toEqual(['C.UTF-8', 'C.utf8', 'C']);
    expect(requestedLocales(new Map([['LANG', 'C.UTF-8'], ['LC_ALL', 'POSIX'], ['LC_TIME', 'en_GB.UTF-8']]))).toEqual(['en_GB.UTF-8', 'C.UTF-8']);
  });

  it("reads OpenSSL's compiled-in directories from libcrypto", () => {
    const content = Buffer.from('\0OPENSSLDIR: "/usr/lib/ssl"\0ENGINESDIR: "/usr/lib/x86_64-linux-gnu/engines-3"\0MODULESDIR: "/opt/ossl"\0', 'latin1');
    expect(openSslDirs(content)).toEqual({ openssldir: '/usr/lib/ssl', enginesdir: '/usr/lib/x86_64-linux-gnu/engines-3', modulesdir: '/opt/ossl' });
  });
});
