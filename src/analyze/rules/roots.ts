/**
 * The roots of the analysis: what the container runs (ENTRYPOINT + CMD, resolved with the image's PATH and
 * working directory), its healthcheck, the application the final stage copied in, the working directory and
 * volumes, what the user asks to keep, and roots the caller gives with their own reasons (a trace's files).
 */
import { posix } from 'node:path';
import type { AnalysisContext, ApplicationCopy, ImageRule } from '../types';
import { keepCommandLine } from './commands';

export const containerCommandRule: ImageRule = {
  id: 'entrypoint',
  description: 'following the entrypoint and cmd',
  async apply(context) {
    const entrypoint = context.config.Entrypoint ?? [];
    const cmd = context.config.Cmd ?? [];
    const argv = [...entrypoint, ...cmd];
    if (argv.length === 0) {
      context.warn('the image has neither ENTRYPOINT nor CMD: nothing to run');
      return;
    }
    keepCommandLine(argv, { rule: entrypoint.length > 0 ? 'entrypoint' : 'cmd', detail: `the container runs ${JSON.stringify(argv)}` }, context);
    // With an entrypoint, CMD is its arguments, but entrypoint scripts (`exec "$@"`), tini, dumb-init and
    // gosu run them as a command: when CMD names a program of the image, keep that command line too.
    if (entrypoint.length > 0 && cmd.length > 0 && context.which(cmd[0]) !== undefined) {
      keepCommandLine(cmd, { rule: 'cmd', detail: `CMD ${JSON.stringify(cmd)}, run by the entrypoint` }, context);
    }
  },
};

export const healthcheckRule: ImageRule = {
  id: 'healthcheck',
  description: 'following the healthcheck',
  async apply(context) {
    const test = context.config.Healthcheck?.Test;
    if (!test || test.length === 0 || test[0] === 'NONE') return;
    if (test[0] === 'CMD') keepCommandLine(test.slice(1), { rule: 'healthcheck', detail: `HEALTHCHECK ${JSON.stringify(test.slice(1))}` }, context);
    else if (test[0] === 'CMD-SHELL') {
      const shell = context.config.Shell && context.config.Shell.length > 0 ? context.config.Shell : ['/bin/sh', '-c'];
      keepCommandLine([...shell, test[1] ?? ''], { rule: 'healthcheck', detail: `HEALTHCHECK CMD ${test[1] ?? ''}` }, context);
    }
  },
};

/**
 * The image paths one COPY wrote. Into a directory destination, a named file or directory lands under its
 * own name — unless it was a directory, whose *contents* land there; without the build context we cannot
 * tell, so a source whose name exists under the destination is taken as that path, and anything else
 * (`.`, globs, URLs, directory contents) as the whole destination.
 */
function copyTargets(copy: ApplicationCopy, context: AnalysisContext): string[] {
  const destination = copy.destination.replace(/\/+$/, '') || '/';
  const intoDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
  if (!intoDirectory) return [destination];
  const targets = new Set<string>();
  for (const source of copy.sources) {
    const name = posix.basename(source.replace(/\/+$/, ''));
    const candidate = posix.join(destination, name);
    const literal = name !== '' && name !== '.' && name !== '..' && !/[*?[\]]/.test(name) && !/^[a-z]+:\/\//i.test(source);
    targets.add(literal && context.tree.lstat(candidate) ? candidate : destination);
  }
  return [...targets];
}

export const applicationRule: ImageRule = {
  id: 'application',
  description: "keeping what the final stage's COPY and ADD put in",
  async apply(context, options) {
    for (const copy of options.application ?? []) {
      for (const path of copyTargets(copy, context)) {
        const detail = `COPY/ADD at line ${copy.line} to ${copy.destination}`;
        if (!context.keepTree(path, { rule: 'application', detail })) context.warn(`line ${copy.line} copies to ${path}, but the image has nothing there`);
      }
    }
  },
};

export const directoriesRule: ImageRule = {
  id: 'runtime-directories',
  description: 'keeping the working directory and volumes',
  async apply(context) {
    if (context.config.WorkingDir) context.keep(context.config.WorkingDir, { rule: 'workdir', detail: `WORKDIR ${context.config.WorkingDir}` });
    for (const volume of context.config.Volumes) {
      // Docker creates a missing volume path itself, so only an existing directory (and its owner) matters.
      context.keep(volume, { rule: 'volume', detail: `VOLUME ${volume}` });
    }
  },
};

export const keepGlobsRule: ImageRule = {
  id: 'keep',
  description: 'keeping paths asked for with --keep',
  async apply(context, options) {
    const globs = options.keep ?? [];
    if (globs.length === 0) return;
    const picomatch = require('picomatch') as typeof import('picomatch');
    const matchers = globs.map((glob) => ({ glob, matches: picomatch(glob.startsWith('/') ? glob : `/${glob}`, { dot: true }) }));
    const found = new Set<string>();
    for (const entry of context.tree.entries()) {
      for (const { glob, matches } of matchers) {
        if (matches(entry.path)) {
          found.add(glob);
          if (entry.type === 'dir') context.keepTree(entry.path, { rule: 'keep', detail: `--keep ${glob}` });
          else context.keep(entry.path, { rule: 'keep', detail: `--keep ${glob}` });
        }
      }
    }
    for (const { glob } of matchers) if (!found.has(glob)) context.warn(`--keep ${glob} matches nothing in the image`);
  },
};

export const givenRootsRule: ImageRule = {
  id: 'given-roots',
  description: 'keeping the roots given with their reasons',
  async apply(context, options) {
    for (const root of options.roots ?? []) {
      if (context.keep(root.path, root.reason) === undefined) context.warn(`${root.path} (${root.reason.detail}) is not in the image`);
    }
  },
};
