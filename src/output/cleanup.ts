/**
 * Removing what scratchify made for itself — temporary files beside its outputs, its temporary directories —
 * however the process ends. Whoever makes such a path registers it and removes it when the work is done; if the
 * process is stopped first by SIGINT, SIGTERM or SIGHUP, the handler here removes every registered path,
 * synchronously, says so in one line, and exits with the code a shell gives for that signal (128 + its number:
 * 130, 143, 129). The same removal runs on any other exit (`process.exit` on a closed pipe, say).
 *
 * What is not a path — containers and networks a run made in the container engine — registers a synchronous stop
 * action (`atStop`); actions run before the paths are removed, since a container may still hold a directory
 * mounted. One handler for every kind of leftover, so no handler can end the process before another has run.
 *
 * The handlers are installed only while something is registered, so a library user's process keeps its own
 * signal behaviour otherwise. Paths are registered before they are created, and created by synchronous calls:
 * a signal's handler runs between two turns of the event loop, so it never meets a path half-made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const registered = new Set<string>();
const actions = new Set<() => void>();

function pending(): number {
  return registered.size + actions.size;
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Nothing more can be done for this path at exit; the others are still removed.
  }
}

function removeAll(): void {
  for (const action of [...actions]) {
    try {
      action();
    } catch {
      // The other actions and the paths are still removed.
    }
  }
  actions.clear();
  for (const path of registered) removeQuietly(path);
  registered.clear();
  uninstall();
}

function onStopSignal(signal: NodeJS.Signals): void {
  removeAll();
  process.stderr.write(`scratchify: stopped by ${signal}; temporary files removed\n`);
  process.exit(128 + constants.signals[signal]);
}

function install(): void {
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
  process.on('exit', removeAll);
}

function uninstall(): void {
  for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal);
  process.off('exit', removeAll);
}

/** Registers `path` (a file or a directory) for removal should the process stop before it is removed. */
export function removeOnStop(path: string): void {
  if (pending() === 0) install();
  registered.add(path);
}

/** Removes `path` now (recursively; gone already is fine) and forgets it. */
export function removeNow(path: string): void {
  removeQuietly(path);
  forget(path);
}

/** Forgets `path` without removing it: it has become an output (renamed into place). */
export function forget(path: string): void {
  if (registered.delete(path) && pending() === 0) uninstall();
}

/**
 * Registers a synchronous `action` to run should the process stop (a signal, or an exit) before the returned
 * function is called; calling it forgets the action without running it, once the work has been undone normally.
 */
export function atStop(action: () => void): () => void {
  if (pending() === 0) install();
  actions.add(action);
  return () => {
    if (actions.delete(action) && pending() === 0) uninstall();
  };
}

/** A new directory under the OS temporary directory, removed on stop; `remove` removes it when the work is done. */
export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  // mkdtemp picks the name, so it is registered right after creation, in the same synchronous turn.
  const path = mkdtempSync(join(tmpdir(), prefix));
  removeOnStop(path);
  return { path, remove: () => removeNow(path) };
}
