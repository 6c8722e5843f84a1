import { parsePamStack } from '../../../../src/analyze/rules/pam';
import { LIBDIR, analyzeRoot, buildRoot, keptPath, library, program, reasonsOf } from './config-root';

const SECURITY = `${LIBDIR}/security`;

const root = buildRoot({
  [`${LIBDIR}/libpam.so.0`]: library('libpam.so.0', [], ['/lib/security', '/lib/x86_64-linux-gnu/security/', '/etc/pam.d']),
  '/usr/bin/su': program(['libpam.so.0'], ['su', 'su-l', '/etc/login.defs']),
  '/usr/bin/id': program([], ['passwd']),
  '/etc/pam.d/su': 'auth sufficient pam_rootok.so\n@include common-auth\nsession [success=1 default=ignore] pam_env.so readenv=1\n-session optional pam_systemd.so\n',
  '/etc/pam.d/su-l': 'auth include su\n',
  '/etc/pam.d/common-auth': '# comment: pam_ldap.so\nauth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth requisite pam_deny.so\n',
  '/etc/pam.d/other': 'account substack common-account\n',
  '/etc/pam.d/common-account': 'account required pam_permit.so\n',
  '/etc/pam.d/passwd': 'password required pam_unix.so\n',
  '/etc/pam.d/sshd': 'auth required pam_sshonly.so\n',
  [`${SECURITY}/pam_rootok.so`]: library('pam_rootok.so', ['libpam.so.0']),
  [`${SECURITY}/pam_unix.so`]: library('pam_unix.so', ['libpam.so.0', 'libcrypt.so.1'], ['/etc/shadow', '/etc/security/opasswd', 'passwd']),
  [`${LIBDIR}/libcrypt.so.1`]: library('libcrypt.so.1'),
  [`${SECURITY}/pam_deny.so`]: library('pam_deny.so'),
  [`${SECURITY}/pam_permit.so`]: library('pam_permit.so'),
  [`${SECURITY}/pam_env.so`]: library('pam_env.so', [], ['/etc/security/pam_env.conf', '/etc/environment', '/etc/security/limits.d']),
  [`${SECURITY}/pam_sshonly.so`]: library('pam_sshonly.so'),
  '/etc/security/pam_env.conf': '# nothing\n',
  '/etc/security/limits.d/app.conf': '* soft nofile 1024\n',
  '/etc/environment': 'LANG=C\n',
  '/etc/shadow': 'root:*:19000:0:99999:7:::\n',
});

describe('PAM stacks', () => {
  it('keeps the services a PAM program names, the fallback stack, includes and modules, with their lines', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['su', '-c', 'id', 'nobody'] });
    expect(reasonsOf(analysis, '/etc/pam.d/su', 'pam-config')).not.toEqual([]);
    expect(reasonsOf(analysis, '/etc/pam.d/other', 'pam-config')[0].detail).toMatch(/fallback/);
    expect(reasonsOf(analysis, '/etc/pam.d/common-auth', 'pam-config')).toContainEqual(expect.objectContaining({ origin: { path: '/etc/pam.d/su', line: 2 } }));
    expect(reasonsOf(analysis, '/etc/pam.d/common-account', 'pam-config')).toContainEqual(expect.objectContaining({ origin: { path: '/etc/pam.d/other', line: 1 } }));
    expect(reasonsOf(analysis, `${SECURITY}/pam_unix.so`, 'pam-module')).toContainEqual(expect.objectContaining({ by: '/etc/pam.d/common-auth', origin: { path: '/etc/pam.d/common-auth', line: 2 } }));
    expect(reasonsOf(analysis, `${SECURITY}/pam_env.so`, 'pam-module')[0].origin).toEqual({ path: '/etc/pam.d/su', line: 3 });
    expect(keptPath(analysis, `${LIBDIR}/libcrypt.so.1`)).toBeDefined();
  });

  it('keeps the /etc files modules name, and no service the program does not name', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['su', '-c', 'id', 'nobody'] });
    expect(reasonsOf(analysis, '/etc/security/pam_env.conf', 'pam-module-config')[0].by).toBe(`${SECURITY}/pam_env.so`);
    expect(reasonsOf(analysis, '/etc/environment', 'pam-module-config')).not.toEqual([]);
    expect(reasonsOf(analysis, '/etc/security/limits.d/app.conf', 'pam-module-config')).not.toEqual([]);
    expect(reasonsOf(analysis, '/etc/shadow', 'pam-module-config')[0].detail).toMatch(/pam_unix\.so reads \/etc\/shadow/);
    // `passwd` is a string of pam_unix and id, but neither is a PAM program: modules and non-PAM programs start no service.
    expect(keptPath(analysis, '/etc/pam.d/passwd')).toBeUndefined();
    expect(keptPath(analysis, '/etc/pam.d/sshd')).toBeUndefined();
    expect(keptPath(analysis, `${SECURITY}/pam_sshonly.so`)).toBeUndefined();
  });

  it('warns about a required module that is missing, not about an optional -type one', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['su'] });
    expect(analysis.warnings.join('\n')).not.toMatch(/pam_systemd/);
    const broken = buildRoot({
      [`${LIBDIR}/libpam.so.0`]: library('libpam.so.0', [], ['/lib/x86_64-linux-gnu/security/']),
      '/usr/bin/login': program(['libpam.so.0'], ['login']),
      '/etc/pam.d/login': 'auth required pam_gone.so\n',
    });
    expect((await analyzeRoot(broken, { Cmd: ['login'] })).warnings.join('\n')).toMatch(/\/etc\/pam.d\/login: line 1 loads pam_gone.so, which is not in the image/);
  });

  it.each([
    ['auth required pam_unix.so', { modules: [{ module: 'pam_unix.so', optional: false, line: 1 }], includes: [] }],
    ['-session optional pam_systemd.so', { modules: [{ module: 'pam_systemd.so', optional: true, line: 1 }], includes: [] }],
    ['auth [success=2 default=ignore] /opt/pam/pam_x.so a b', { modules: [{ module: '/opt/pam/pam_x.so', optional: false, line: 1 }], includes: [] }],
    ['@include common-auth\naccount substack x\n#auth required pam_y.so', { modules: [], includes: [{ name: 'common-auth', line: 1 }, { name: 'x', line: 2 }] }],
    ['auth \\\n required pam_z.so', { modules: [{ module: 'pam_z.so', optional: false, line: 1 }], includes: [] }],
    ['nonsense line here\nauth required', { modules: [], includes: [] }],
  ])('parses %j', (text, expected) => {
    expect(parsePamStack(text)).toEqual(expected);
  });

  it('reads the lines of one service from pam.conf', () => {
    expect(parsePamStack('su auth required pam_a.so\nlogin auth required pam_b.so\n', 'su').modules.map((m) => m.module)).toEqual(['pam_a.so']);
  });
});
