/**
 * Reading shell words after parsing: quote removal, and whether a word's value is known without running a shell.
 */
import type { ShellWord, WordPart } from './ast';

function partValue(part: WordPart): string {
  switch (part.kind) {
    case 'literal':
    case 'escaped':
    case 'single':
    case 'glob':
      return part.value;
    case 'double':
      return part.parts.map(partValue).join('');
    case 'tilde':
      return `~${part.user}`;
    case 'parameter':
    case 'command':
    case 'arithmetic':
    case 'dollar-quoted':
    case 'array':
      return part.text;
  }
}

/**
 * The word after quote removal (quotes and backslashes resolved), with every expansion kept as its source
 * text: `"$HOME"/bin` gives `$HOME/bin`, `'a b'` gives `a b`.
 */
export function wordValue(word: ShellWord | readonly WordPart[]): string {
  const parts = 'parts' in word ? word.parts : word;
  return parts.map(partValue).join('');
}

/** The parts of a word that the shell expands at run time (in order, looking inside double quotes). */
export function expansionParts(word: ShellWord | readonly WordPart[]): WordPart[] {
  const parts = 'parts' in word ? word.parts : word;
  const found: WordPart[] = [];
  for (const part of parts) {
    if (part.kind === 'double') found.push(...expansionParts(part.parts));
    else if (part.kind !== 'literal' && part.kind !== 'escaped' && part.kind !== 'single') found.push(part);
  }
  return found;
}

/** The word's value when the shell would produce exactly that one string; undefined if anything expands. */
export function literalWordValue(word: ShellWord): string | undefined {
  return expansionParts(word).length === 0 ? wordValue(word) : undefined;
}

/** True when the word is one unquoted literal written exactly as its value (how reserved words must appear). */
export function isPlainWord(word: ShellWord): boolean {
  return word.parts.length === 1 && word.parts[0].kind === 'literal' && word.parts[0].value === word.text;
}
