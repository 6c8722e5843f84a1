/**
 * COPY and ADD instructions that take the whole build context (`COPY . /app`), shared by
 * `copy-whole-context` (what ends up in the image) and `missing-dockerignore` (what the context holds).
 */
import { posix } from 'node:path';
import type { AddInstruction, CopyInstruction, Stage } from '../../../dockerfile/ir';

/** Surrounding quotes as written in shell form (`COPY "." /app`); BuildKit removes them. */
function unquoted(source: string): string {
  return source.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
}

/**
 * Whether a COPY/ADD source names the whole build context: `.`, `./`, `/` (sources are relative to the
 * context root, so a leading slash changes nothing), `*`, `./*`, `**`. A source with a variable is not
 * judged: an ARG without a default may be set to anything at build time.
 */
export function isWholeContextSource(source: string): boolean {
  const text = unquoted(source);
  if (text === '' || text.includes('$') || text.startsWith('<<')) return false;
  const normalized = posix.normalize(`/${text}`);
  return normalized === '/' || normalized === '/*' || normalized === '/**';
}

export interface WholeContextCopy {
  instruction: CopyInstruction | AddInstruction;
  /** The source as written, for pointing at it. */
  source: string;
  stage: Stage;
}

/** COPY/ADD instructions of `stages` that read the build context (no `--from`) and copy all of it. */
export function wholeContextCopies(stages: readonly Stage[]): WholeContextCopy[] {
  const copies: WholeContextCopy[] = [];
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      if (instruction.keyword === 'COPY' && instruction.from !== undefined) continue;
      const source = instruction.sources.find(isWholeContextSource);
      if (source !== undefined) copies.push({ instruction, source, stage });
    }
  }
  return copies;
}
