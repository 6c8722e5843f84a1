/**
 * The project's error family. Every failure a user can cause (bad Dockerfile, bad image archive, bad flag)
 * is one of these, so the CLI can print one line `file:line:col: message` and exit 2 without a stack trace.
 * Anything else that escapes is a bug in scratchify.
 */

/** Where in an input a problem is. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

export type ErrorKind = 'parse' | 'expand' | 'usage' | 'image' | 'analysis' | 'engine' | 'io';

export class ScratchifyError extends Error {
  readonly kind: ErrorKind;
  readonly location: SourceLocation;

  constructor(kind: ErrorKind, message: string, location: SourceLocation = {}) {
    super(message);
    this.name = 'ScratchifyError';
    this.kind = kind;
    this.location = location;
  }

  /**
   * `file:line:col: message`, leaving out the parts that are unknown. Always one line of readable length,
   * whatever input the message quotes: control characters are escaped and a long message loses its middle.
   */
  format(): string {
    const { file, line, column } = this.location;
    const where = [file, line, line !== undefined ? column : undefined].filter((part) => part !== undefined);
    const message = oneLine(this.message);
    return where.length > 0 ? `${where.join(':')}: ${message}` : message;
  }
}

/** Longest message `format` prints whole; a Dockerfile line quoted in a message can be 64 KiB. */
const FORMATTED_MESSAGE_LENGTH = 1000;

function oneLine(message: string): string {
  const escaped = message.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped.length <= FORMATTED_MESSAGE_LENGTH) return escaped;
  const half = FORMATTED_MESSAGE_LENGTH / 2;
  return `${escaped.slice(0, half)} … (${escaped.length - 2 * half} characters left out) … ${escaped.slice(-half)}`;
}

/** A Dockerfile that BuildKit would reject. */
export class DockerfileSyntaxError extends ScratchifyError {
  constructor(message: string, location: SourceLocation = {}) {
    super('parse', message, location);
    this.name = 'DockerfileSyntaxError';
  }
}

/** A word that BuildKit's variable expansion rejects (e.g. `${x:?msg}` with x unset, or a bad substitution). */
export class ExpansionError extends ScratchifyError {
  constructor(message: string, location: SourceLocation = {}) {
    super('expand', message, location);
    this.name = 'ExpansionError';
  }
}

/** Bad command-line use: unknown target, conflicting flags, missing files. */
export class UsageError extends ScratchifyError {
  constructor(message: string, location: SourceLocation = {}) {
    super('usage', message, location);
    this.name = 'UsageError';
  }
}

/** An image archive, layout or root filesystem that cannot be read safely. */
export class ImageError extends ScratchifyError {
  constructor(message: string, location: SourceLocation = {}) {
    super('image', message, location);
    this.name = 'ImageError';
  }
}

export function isScratchifyError(value: unknown): value is ScratchifyError {
  return value instanceof ScratchifyError;
}
