import { javaClassPathRule, javaRule } from '../../../../src/analyze/rules/java';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

const HOME = '/usr/lib/jvm/java-17-openjdk-amd64';

describe('java rule', () => {
  const root = writeRoot({
    [`${HOME}/bin/java`]: executable(),
    [`${HOME}/bin/javac`]: executable(),
    '/usr/bin/java': { link: `${HOME}/bin/java` },
    [`${HOME}/lib/modules`]: 'jimage',
    [`${HOME}/lib/server/libjvm.so`]: 'elf',
    [`${HOME}/lib/jvm.cfg`]: { link: '/etc/java-17-openjdk/jvm-amd64.cfg' },
    [`${HOME}/conf`]: { link: '/etc/java-17-openjdk' },
    [`${HOME}/lib/security/cacerts`]: { link: '/etc/ssl/certs/java/cacerts' },
    [`${HOME}/release`]: 'JAVA_VERSION="17"\n',
    [`${HOME}/jmods/java.base.jmod`]: 'jmod',
    [`${HOME}/lib/src.zip`]: 'zip',
    '/etc/java-17-openjdk/jvm-amd64.cfg': '-server KNOWN\n',
    '/etc/java-17-openjdk/security/java.security': 'x',
    '/etc/ssl/certs/java/cacerts': 'certs',
    '/app/app.jar': 'jar',
    '/app/lib/a.jar': 'jar',
    '/app/lib/b.jar': 'jar',
    '/app/lib/notes.txt': 'x',
    '/app/classes/Main.class': 'class',
    '/opt/broken/bin/java': executable(),
  });

  it('keeps the runtime image and what its symlinks lead to, not the build-only parts', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['java', '-jar', '/app/app.jar'] }, [javaRule], [javaClassPathRule]);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining([
      `${HOME}/lib/modules`, `${HOME}/lib/server/libjvm.so`, `${HOME}/release`, `${HOME}/bin/javac`, `${HOME}/conf`,
      '/etc/java-17-openjdk/jvm-amd64.cfg', '/etc/java-17-openjdk/security/java.security', '/etc/ssl/certs/java/cacerts', '/app/app.jar',
    ]));
    expect(kept).not.toContain(`${HOME}/jmods/java.base.jmod`);
    expect(kept).not.toContain(`${HOME}/lib/src.zip`);
    expect(analysis.kept.find((k) => k.path === '/etc/ssl/certs/java/cacerts')?.reasons[0]).toMatchObject({ rule: 'java-runtime', by: `${HOME}/bin/java` });
  });

  it('expands -cp lists and dir/* wildcards', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['java', '-cp', 'lib/*:classes', 'Main'], WorkingDir: '/app' }, [javaRule], [javaClassPathRule]);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining(['/app/lib/a.jar', '/app/lib/b.jar', '/app/classes/Main.class']));
    expect(kept).not.toContain('/app/lib/notes.txt');
  });

  it('warns when the launcher is not inside a runtime image', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['/opt/broken/bin/java', '-version'] }, [javaRule]);
    expect(analysis.warnings.join('\n')).toMatch(/\/opt\/broken has neither lib\/modules/);
  });
});
