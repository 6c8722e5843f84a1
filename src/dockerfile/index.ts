/**
 * Dockerfile text → typed IR, the way BuildKit reads it. See `syntax-parser.ts` for the parse itself and
 * `typed.ts` for the checks of BuildKit's typed layer.
 */
import { DockerfileSyntaxError } from '../errors';
import type { Dockerfile, Problem } from './ir';
import { parseSyntax } from './syntax-parser';
import { buildDockerfile } from './typed';

export interface ParseOptions {
  /** File name for error locations. */
  file?: string;
  /**
   * Throw the first problem BuildKit's typed layer would report (unknown flag, bad arity…). Default true.
   * With false, problems are returned and the affected instructions are left out or kept as far as possible.
   */
  strict?: boolean;
}

export interface ParseResult {
  dockerfile: Dockerfile;
  problems: Problem[];
}

/** Parses a Dockerfile. Syntax errors BuildKit's parser raises always throw `DockerfileSyntaxError`. */
export function parseDockerfile(text: string, options: ParseOptions = {}): ParseResult {
  const tree = parseSyntax(text, options.file);
  const result = buildDockerfile(tree, options.file);
  if (options.strict !== false && result.problems.length > 0) {
    const first = result.problems[0];
    throw new DockerfileSyntaxError(first.message, { file: options.file, line: first.line, column: first.column });
  }
  return result;
}

export { parseSyntax } from './syntax-parser';
export { MAX_DOCKERFILE_BYTES, MAX_LINE_BYTES } from './limits';
export { dumpSyntaxTree, dumpNode } from './dump';
export { printDockerfile, printInstruction } from './print';
export type * from './ir';
export type { Directive, EscapeChar, Heredoc, SyntaxNode, SyntaxTree } from './syntax';
export { chompedContent } from './syntax';
export { editDistance } from './suggest';
