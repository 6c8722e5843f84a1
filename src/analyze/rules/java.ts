/**
 * Java: a kept `java` launcher (`<JAVA_HOME>/bin/java`) needs its whole runtime image — `lib/modules`
 * (the jimage of every class), `lib/server/libjvm.so` chosen through `lib/jvm.cfg`, the `lib/*.so` it
 * dlopens on demand, `conf/`, `lib/security/`, `release` — none of which the ELF headers name. On Debian
 * many of those are symlinks out of JAVA_HOME (`conf/*` → `/etc/java-17-openjdk/*`, `lib/security/cacerts`
 * → `/etc/ssl/certs/java/cacerts`), so every symlink inside is followed (runtime-deps.md §3.11).
 *
 * Jars on the command line come from `-jar`/`-cp` (the roots rule keeps argument paths; `-cp` lists and
 * `dir/*` wildcards are expanded here), and the `CLASSPATH` variable.
 */
import { posix } from 'node:path';
import type { FileEntry } from '../../tree/types';
import type { AnalysisContext, FileRule, ImageRule, Reason } from '../types';

/** JDK parts that only compile, link or document: `jlink` input, sources, headers, man pages, demos. */
const BUILD_ONLY = new Set(['jmods', 'include', 'man', 'demo', 'sample']);

const homes = new WeakMap<AnalysisContext, Set<string>>();

function entryAt(context: AnalysisContext, path: string): FileEntry | undefined {
  try {
    return context.tree.resolve(path).entry;
  } catch {
    return undefined;
  }
}

/** Whether `dir` looks like a Java runtime image (a JDK or JRE home). */
function isJavaHome(context: AnalysisContext, dir: string): boolean {
  return ['lib/modules', 'release', 'lib/jvm.cfg'].some((landmark) => entryAt(context, posix.join(dir, landmark)) !== undefined);
}

/** Keeps JAVA_HOME and, for every symlink in it, what the link leads to (trees for directories). */
function keepJavaHome(context: AnalysisContext, home: string, by: string): void {
  const reason: Reason = { rule: 'java-runtime', by, detail: `runtime image ${home} of the java launcher` };
  const links: string[] = [];
  context.keepTree(home, reason, (entry) => {
    const relative = entry.path.slice(home.length + 1);
    if (BUILD_ONLY.has(relative) || relative === 'lib/src.zip') return false;
    if (entry.type === 'symlink') links.push(entry.path);
    return true;
  });
  for (const link of links) {
    const target = entryAt(context, link);
    const linkReason: Reason = { rule: 'java-runtime', by, detail: `target of ${link} in the runtime image` };
    if (target?.type === 'dir') context.keepTree(link, linkReason);
    else if (target) context.keep(link, linkReason);
    else context.warn(`${link}: symlink in the Java runtime image leads nowhere in the image`);
  }
}

export const javaRule: FileRule = {
  id: 'java',
  description: 'the runtime image of java launchers',
  async inspect(file, context) {
    if (posix.basename(file.path) !== 'java' || (file.entry.mode & 0o111) === 0) return;
    let done = homes.get(context);
    if (!done) homes.set(context, (done = new Set()));
    const home = posix.dirname(posix.dirname(file.path));
    if (done.has(home)) return;
    done.add(home);
    if (!isJavaHome(context, home)) {
      context.warn(`${file.path}: ${home} has neither lib/modules, release nor lib/jvm.cfg; the Java runtime is not kept`);
      return;
    }
    keepJavaHome(context, home, file.path);
  },
};

/** Keeps the entries of a class path (`a.jar:lib/*:classes`), relative ones from `cwd`. */
function keepClassPath(context: AnalysisContext, classPath: string, cwd: string, reason: Reason): void {
  for (const element of classPath.split(':')) {
    if (element === '') continue;
    const path = posix.resolve(cwd, element);
    if (posix.basename(path) === '*') {
      // `dir/*` means every .jar/.JAR in dir (java launcher wildcard expansion), not subdirectories.
      const dir = posix.dirname(path);
      const real = entryAt(context, dir)?.type === 'dir' ? context.tree.resolve(dir).path : undefined;
      if (real === undefined) {
        context.warn(`class path ${element}: no directory ${dir} in the image`);
        continue;
      }
      context.keep(dir, reason);
      for (const name of context.tree.list(real)) if (/\.jar$/i.test(name)) context.keep(posix.join(dir, name), reason);
      continue;
    }
    const entry = entryAt(context, path);
    if (entry?.type === 'dir') context.keepTree(path, reason);
    else if (entry) context.keep(path, reason);
    else context.warn(`class path ${element}: ${path} is not in the image`);
  }
}

/** `java -cp …`/`-classpath`/`--class-path` and `CLASSPATH` of the container command. */
export const javaClassPathRule: ImageRule = {
  id: 'java-classpath',
  description: 'keeping the class path of java commands',
  async apply(context) {
    const argv = [...(context.config.Entrypoint ?? []), ...(context.config.Cmd ?? [])];
    const at = argv.findIndex((arg) => posix.basename(arg) === 'java');
    if (at === -1) return;
    const by = context.which(argv[at]);
    if (by === undefined) return;
    let explicit = false;
    for (let index = at + 1; index < argv.length; index++) {
      const arg = argv[index];
      // Options end at the main class or -jar: what follows belongs to the program.
      if (!arg.startsWith('-')) break;
      if (arg === '-jar') break;
      const value = ['-cp', '-classpath', '--class-path'].includes(arg) ? argv[index + 1] : arg.startsWith('--class-path=') ? arg.slice('--class-path='.length) : undefined;
      if (value === undefined) continue;
      explicit = true;
      keepClassPath(context, value, context.workdir, { rule: 'java-classpath', by, detail: `${arg} ${value}` });
    }
    const variable = context.env.get('CLASSPATH');
    // The launcher ignores CLASSPATH when -cp or -jar is given.
    if (!explicit && !argv.includes('-jar') && variable) keepClassPath(context, variable, context.workdir, { rule: 'java-classpath', by, detail: `CLASSPATH=${variable}` });
  },
};
