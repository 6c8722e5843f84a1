/**
 * The shell grammar, loaded on first use. Loading chevrotain and building the grammar costs about 180 ms,
 * which commands that never parse a script (analyzing an image whose entrypoint is a binary) should not pay.
 */
type GrammarModule = typeof import('../../grammar/shell');

let grammar: GrammarModule | undefined;

export function parseShellText(text: string, lineOffset?: number): ReturnType<GrammarModule['parseShellText']> {
  grammar ??= require('../../grammar/shell') as GrammarModule;
  return grammar.parseShellText(text, lineOffset);
}
