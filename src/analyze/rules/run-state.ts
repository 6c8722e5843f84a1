/**
 * What rules share: state kept per analysis run (rules are module singletons, runs are not), and a path
 * lookup that treats a symlink loop like a missing file, as the kernel's ELOOP does for the program.
 */
import type { FileEntry } from '../../tree/types';
import type { AnalysisContext } from '../types';

/** A function giving each analysis run its own state, created on first use. */
export function perRun<T>(create: () => T): (context: AnalysisContext) => T {
  const states = new WeakMap<AnalysisContext, T>();
  return (context) => {
    let state = states.get(context);
    if (state === undefined) states.set(context, (state = create()));
    return state;
  };
}

/** The entry a path leads to, following symlinks; undefined when missing or looping. */
export function entryAt(context: AnalysisContext, path: string): FileEntry | undefined {
  try {
    return context.tree.resolve(path).entry;
  } catch {
    return undefined;
  }
}
