/**
 * Progress for long work: an ora spinner on an interactive terminal, nothing at all otherwise (CI logs,
 * pipes, `--json` consumers), so machine-readable output is never mixed with spinner frames. Its text can quote
 * a path or a build's output, so it is made printable (src/format/printable.ts).
 */
import ora, { type Ora } from 'ora';
import { printable } from '../format/printable';

export interface Progress {
  start(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
}

const SILENT: Progress = { start() {}, succeed() {}, fail() {} };

export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI;
}

export function createProgress(enabled = isInteractive()): Progress {
  if (!enabled) return SILENT;
  let spinner: Ora | undefined;
  return {
    start(text) {
      spinner = ora({ text: printable(text), stream: process.stderr }).start();
    },
    succeed(text) {
      spinner?.succeed(text === undefined ? undefined : printable(text));
      spinner = undefined;
    },
    fail(text) {
      spinner?.fail(text === undefined ? undefined : printable(text));
      spinner = undefined;
    },
  };
}
