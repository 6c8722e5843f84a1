/**
 * Removing what scratchify made for itself — temporary files beside its outputs, its temporary directories —
 * however the process ends. Whoever makes such a path registers it and removes it when the work is done; if the
 * process is stopped first by SIGINT, SIGTERM or SIGHUP, the handler here removes every registered path,
 * synchronously, says so in one line, and exits with the code a shell gives for that signal (128 + its number:
 * 130, 143, 129). The same removal runs on any other exit (`process.exit` on a closed pipe, say).
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

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Nothing more can be done for this path at exit; the others are still removed.
  }
}

function removeAll(): void {
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
  if (registered.size === 0) install();
  registered.add(path);
}

/** Removes `path` now (recursively; gone already is fine) and forgets it. */
export function removeNow(path: string): void {
  removeQuietly(path);
  forget(path);
}

/** Forgets `path` without removing it: it has become an output (renamed into place). */
export function forget(path: string): void {
  if (registered.delete(path) && registered.size === 0) uninstall();
}

/** A new directory under the OS temporary directory, removed on stop; `remove` removes it when the work is done. */
export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  // mkdtemp picks the name, so it is registered right after creation, in the same synchronous turn.
  const path = mkdtempSync(join(tmpdir(), prefix));
  removeOnStop(path);
  return { path, remove: () => removeNow(path) };
}
