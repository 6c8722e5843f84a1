import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Readers for BuildKit's lexer vector files, following how moby/buildkit's shell/lex_test.go reads them
 * (TestShellParser4EnvVars, TestShellParser4Words), so the same lines mean the same cases here.
 */

/** Lines as Go's bufio.Scanner yields them: no final empty line, a trailing `\r` dropped. */
function scanLines(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** One `PLATFORM|input|expected` line of envVarTest. */
export interface EnvVarVector {
  line: number;
  platform: 'A' | 'U' | 'W';
  input: string;
  /** The expected word, or undefined when expansion must fail (`error`). */
  expected: string | undefined;
}

/** The environment envVarTest runs with (its README and lex_test.go). */
export const ENV_VAR_TEST_ENV = ['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL='];

export function readEnvVarVectors(conformanceDir: string): EnvVarVector[] {
  const vectors: EnvVarVector[] = [];
  scanLines(readFileSync(join(conformanceDir, 'envVarTest'), 'utf8')).forEach((raw, index) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split('|');
    const platform = parts[0].trim();
    if (parts.length !== 3 || (platform !== 'A' && platform !== 'U' && platform !== 'W')) {
      throw new Error(`envVarTest line ${index + 1} is malformed: ${JSON.stringify(raw)}`);
    }
    const expected = parts[2].trim();
    vectors.push({ line: index + 1, platform, input: parts[1].trim(), expected: expected === 'error' ? undefined : expected });
  });
  return vectors;
}

/** One `input | word,word` case of wordsTest, with the `ENV` lines before it. */
export interface WordsVector {
  line: number;
  input: string;
  /** The expected fields, or undefined when splitting must fail (`error`). */
  expected: string[] | undefined;
  /** `NAME=value` entries from every `ENV` line above this case, in order. */
  env: string[];
}

export function readWordsVectors(conformanceDir: string): WordsVector[] {
  const vectors: WordsVector[] = [];
  const env: string[] = [];
  scanLines(readFileSync(join(conformanceDir, 'wordsTest'), 'utf8')).forEach((line, index) => {
    if (line.startsWith('#')) return;
    if (line.startsWith('ENV ')) {
      // Trailing spaces are part of the value ("MUST have 3 trailing spaces").
      env.push(line.slice(3).replace(/^ +/, ''));
      return;
    }
    const parts = line.split('|');
    if (parts.length !== 2) throw new Error(`wordsTest line ${index + 1} is malformed: ${JSON.stringify(line)}`);
    const expected = parts[1].replace(/^ +/, '').split(',');
    vectors.push({
      line: index + 1,
      input: parts[0].trim(),
      expected: expected.length === 1 && expected[0] === 'error' ? undefined : expected,
      env: [...env],
    });
  });
  return vectors;
}
