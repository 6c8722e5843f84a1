/**
 * The gate of the host tier (`*.host.test.ts`): suites whose oracles are Debian tools (lddtree, skopeo, umoci,
 * strace, buildah, gcc, readelf…) or whose fixtures are this machine's own binaries. test/e2e/engine.sh installs
 * the tools; the binaries are those of a Debian 12 x86-64 machine.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { ENGINE_SETUP, describeGated, type Missing } from './gate';

/** Whether `tool` is a command on PATH, or, when it is an absolute path, a file that exists. */
export function hostToolAvailable(tool: string): boolean {
  if (isAbsolute(tool)) return readable(tool);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, tool)));
}

/** The tools of `tools` that are not here, in the given order. */
export function missingHostTools(tools: readonly string[]): string[] {
  return tools.filter((tool) => !hostToolAvailable(tool));
}

/**
 * `describe` for a suite that runs `tools`: commands looked up on PATH (`skopeo`), or absolute paths of files it
 * reads or runs (`/usr/bin/python3.11`). Runs when all are there; otherwise see test/support/gate.ts.
 */
export function describeWithHostTools(tools: readonly string[], name: string, fn: () => void): void {
  describeGated('host', hostToolsMissing(tools), name, fn);
}

/** Why the tools cannot be used, or undefined when all of them are here. */
export function hostToolsMissing(tools: readonly string[]): Missing | undefined {
  const missing = missingHostTools(tools);
  if (missing.length === 0) return undefined;
  return { reason: `not found: ${missing.join(', ')}`, items: missing, remedy: ENGINE_SETUP };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
