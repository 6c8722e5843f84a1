/**
 * ELF programs and libraries: the interpreter and the shared-library closure the image's own loader would
 * load (see `loader.ts`), with every symlink on the way. Plus `libgcc_s.so.1` next to glibc: since glibc
 * 2.34, pthread_cancel, pthread_exit and backtrace dlopen it and abort when it is missing, and nothing in
 * the ELF headers says a program uses them.
 */
import { posix } from 'node:path';
import { hasElfMagic } from '../elf';
import { elfClosure } from '../loader';
import type { AnalysisContext, FileRule } from '../types';

/** Objects already loaded as part of some closure; their own closure is inside it. Per analysis run. */
const covered = new WeakMap<AnalysisContext, Set<string>>();

export const elfDependenciesRule: FileRule = {
  id: 'elf',
  description: 'shared libraries of ELF files',
  async inspect(file, context) {
    if (!hasElfMagic(file.head)) return;
    let done = covered.get(context);
    if (!done) covered.set(context, (done = new Set()));
    if (done.has(file.path)) return;
    const closure = await elfClosure(context.tree, [file.path], {
      ldLibraryPath: context.env.get('LD_LIBRARY_PATH'),
      ldPreload: context.env.get('LD_PRELOAD'),
      workingDir: context.workdir,
    });
    for (const warning of closure.warnings) context.warn(warning);
    for (const [path, reasons] of closure.kept) {
      for (const reason of reasons) {
        if (reason.reason === 'root') continue;
        // The loader lists each symlink it crossed as a path of its own: keep those as links only.
        const followFinal = reason.reason !== 'symlink';
        context.keep(path, { rule: `elf-${reason.reason}`, by: reason.by, detail: reason.detail }, { followFinal });
      }
    }
    for (const process of closure.processes) {
      for (const object of process.objects) done.add(object.realPath);
      if (process.flavor !== 'glibc') continue;
      const libc = process.objects.find((object) => object.elf.soname === 'libc.so.6');
      if (!libc) continue;
      // keep() resolves symlinked parents (/lib -> usr/lib) and keeps nothing when the file is absent.
      const gcc = posix.join(posix.dirname(libc.path), 'libgcc_s.so.1');
      context.keep(gcc, { rule: 'elf-dlopen', by: libc.realPath, detail: 'glibc dlopens libgcc_s.so.1 for pthread_cancel, pthread_exit and backtrace' });
    }
  },
};
