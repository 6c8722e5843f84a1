import { parseApacheConfig } from '../../../../src/analyze/rules/apache';
import { analyzeRoot, buildRoot, keptPath, library, program, reasonsOf } from './config-root';

const MODULES = '/usr/lib/apache2/modules';
const root = buildRoot({
  '/usr/sbin/apache2': program([], [' -D HTTPD_ROOT="/etc/apache2"', ' -D SERVER_CONFIG_FILE="apache2.conf"', ' -D AP_TYPES_CONFIG_FILE="mime.types"']),
  '/etc/apache2/apache2.conf': [
    '# main configuration',
    'PidFile ${APACHE_PID_FILE}',
    'IncludeOptional mods-enabled/*.load',
    'Include ports.conf',
    '<IfModule mod_mime.c>',
    '  TypesConfig /etc/mime.types',
    '</IfModule>',
    'IncludeOptional sites-enabled/*.conf',
    'IncludeOptional conf-enabled/*.conf',
    '',
  ].join('\n'),
  '/etc/apache2/envvars': 'export APACHE_PID_FILE=/var/run/apache2/apache2.pid\nexport APACHE_LOG_DIR=/var/log/apache2\n',
  '/etc/apache2/ports.conf': 'Listen 80\n',
  '/etc/apache2/mods-enabled/rewrite.load': { link: '../mods-available/rewrite.load' },
  '/etc/apache2/mods-available/rewrite.load': '# Depends: none\nLoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n',
  '/etc/apache2/mods-available/ssl.load': 'LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n',
  '/etc/apache2/sites-enabled/site.conf': '<VirtualHost *:80>\n  ErrorLog ${APACHE_LOG_DIR}/error.log\n  Include /etc/apache2/snippets\n</VirtualHost>\n',
  '/etc/apache2/snippets/headers.conf': 'LoadFile "/usr/lib/libextra.so.1"\n',
  '/etc/mime.types': 'application/json json\n',
  [`${MODULES}/mod_rewrite.so`]: library('mod_rewrite.so'),
  [`${MODULES}/mod_ssl.so`]: library('mod_ssl.so'),
  '/usr/lib/libextra.so.1': library('libextra.so.1'),
  '/var/lib/dpkg/status': 'Package: apache2\nStatus: install ok installed\nVersion: 2.4\n\n',
  '/var/lib/dpkg/info/apache2.list': '/usr/sbin/apache2\n/etc/apache2/mods-available/ssl.load\n/etc/apache2/apache2.conf\n',
  '/var/lib/dpkg/info/apache2.conffiles': '/etc/apache2/apache2.conf\n/etc/apache2/mods-available/ssl.load\n',
});

describe('Apache httpd configuration', () => {
  it('follows Include/IncludeOptional from the compiled-in root and keeps LoadModule modules with file and line', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/sbin/apache2', '-DFOREGROUND'] });
    expect(reasonsOf(analysis, '/etc/apache2/apache2.conf', 'apache-config')[0].detail).toMatch(/HTTPD_ROOT \/etc\/apache2/);
    expect(reasonsOf(analysis, '/etc/apache2/mods-available/rewrite.load', 'apache-config')[0].origin).toEqual({ path: '/etc/apache2/apache2.conf', line: 3 });
    expect(reasonsOf(analysis, `${MODULES}/mod_rewrite.so`, 'apache-module')).toEqual([
      {
        rule: 'apache-module',
        by: '/etc/apache2/mods-enabled/rewrite.load',
        detail: 'LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so at line 2',
        origin: { path: '/etc/apache2/mods-enabled/rewrite.load', line: 2 },
      },
    ]);
    expect(reasonsOf(analysis, '/etc/mime.types', 'apache-file')[0].origin).toEqual({ path: '/etc/apache2/apache2.conf', line: 6 });
    // An included directory is every file under it.
    expect(reasonsOf(analysis, '/usr/lib/libextra.so.1', 'apache-module')[0].origin).toEqual({ path: '/etc/apache2/snippets/headers.conf', line: 1 });
    expect(keptPath(analysis, '/etc/apache2/ports.conf')).toBeDefined();
    expect(keptPath(analysis, '/etc/apache2/envvars')).toBeDefined();
  });

  it('keeps neither the modules nor the conffiles an administrator could enable but did not', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/sbin/apache2', '-DFOREGROUND'] });
    expect(keptPath(analysis, '/etc/apache2/mods-available/ssl.load')).toBeUndefined();
    expect(keptPath(analysis, `${MODULES}/mod_ssl.so`)).toBeUndefined();
  });

  it('parses directives with continuation lines, quotes and sections', () => {
    expect(parseApacheConfig('# c\n<IfModule x>\nLoadModule a_module \\\n  "/m/a b.so"\n</IfModule>\n')).toEqual([
      { name: 'ifmodule', args: ['x'], line: 2 },
      { name: 'loadmodule', args: ['a_module', '/m/a b.so'], line: 3 },
    ]);
  });
});
