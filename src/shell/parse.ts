/**
 * parseShell: the entry point from text to the typed shell AST.
 */
import { parseShellText } from './grammar';
import type { ShellScript } from './ast';

/**
 * Parses a shell script or a Dockerfile shell-form command (the text Docker runs as `/bin/sh -c "<text>"`).
 * Throws ScratchifyError of kind 'parse', with line and column, on syntax it cannot parse; never anything else.
 */
export function parseShell(text: string): ShellScript {
  return parseShellText(text);
}
