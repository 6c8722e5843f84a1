/**
 * The shell text a RUN hands to the shell, and where each of its characters is in the Dockerfile, so that a
 * finding about one command of a long `RUN a && b && c` points at that command's words, not at the RUN.
 *
 * BuildKit joins an instruction's physical lines before the shell sees them (parser.go: the first line left-
 * trimmed, a trailing escape character and the newline removed, comment lines and empty lines inside the
 * continuation dropped); the map below replays that join keeping each character's line and column. Heredoc
 * bodies follow the instruction's last joined line, line for line.
 */
import type { EscapeChar, RunInstruction } from '../dockerfile';
import { chompedContent } from '../dockerfile/syntax';
import { trimContinuation, trimLeadingWhitespace } from '../dockerfile/scanner';

/** 1-based place in the Dockerfile. */
export interface FilePosition {
  line: number;
  column: number;
}

/** One script the shell grammar reads for a RUN, with the way back from its positions to the file. */
export interface RunScript {
  text: string;
  /** The file position of a 1-based line and column of `text`, or undefined when it has none (exec form). */
  toFile(line: number, column: number): FilePosition | undefined;
}

/** Single quotes around a word for /bin/sh, so an exec-form argv can go through the same command analysis. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The joined logical line of the instruction starting at `startLine`, each character with its file position. */
function joinedLine(lines: readonly string[], startLine: number, escape: EscapeChar): { text: string; positions: FilePosition[]; lastLine: number } {
  let text = '';
  const positions: FilePosition[] = [];
  let lastLine = startLine;
  for (let line = startLine, first = true; line <= lines.length; line++, first = false) {
    const raw = lines[line - 1];
    const start = first ? raw.length - trimLeadingWhitespace(raw).length : 0;
    const body = raw.slice(start);
    const bare = trimLeadingWhitespace(body);
    if (!first && (bare.startsWith('#') || bare === '')) continue;
    const { text: kept, continues } = trimContinuation(body, escape);
    for (let i = 0; i < kept.length; i++) positions.push({ line, column: start + i + 1 });
    text += kept;
    lastLine = line;
    if (!continues) break;
  }
  return { text, positions, lastLine };
}

/**
 * The scripts of a RUN: the shell-form line with its heredocs appended as here-documents (how the shell reads
 * them), or, for a RUN that is only heredocs, each body as its own script (BuildKit runs the body; one with a
 * non-shell `#!` is left out). Exec form is quoted back into one shell line, with no way back to the file.
 */
export function runScripts(run: RunInstruction, lines: readonly string[], escape: EscapeChar): RunScript[] {
  if (run.command.form === 'exec') return [{ text: run.command.argv.map(shellQuote).join(' '), toFile: () => undefined }];
  const script = run.command.script;
  const joined = joinedLine(lines, run.range.startLine, escape);
  const offset = joined.text.lastIndexOf(script);
  const firstLine = (column: number): FilePosition | undefined => (offset < 0 ? undefined : joined.positions[offset + column - 1]);
  if (run.heredocs.length > 0 && /^\s*(?:\d*<<-?\s*["']?[A-Za-z0-9_.-]+["']?\s*)+$/.test(script)) {
    const scripts: RunScript[] = [];
    let bodyStart = joined.lastLine + 1;
    for (const heredoc of run.heredocs) {
      const rawLines = heredoc.content.split('\n');
      const start = bodyStart;
      bodyStart += rawLines.length;
      const body = chompedContent(heredoc);
      if (/^#!/.test(body) && !/^#!\s*\S*\/(?:env\s+)?(?:ba|da|k|a)?sh\b/.test(body)) continue;
      scripts.push({
        text: body,
        toFile: (line, column) => {
          const removedTabs = heredoc.chomp ? (/^\t*/.exec(rawLines[line - 1] ?? '')?.[0].length ?? 0) : 0;
          return { line: start + line - 1, column: column + removedTabs };
        },
      });
    }
    return scripts;
  }
  const text = [script, ...run.heredocs.map((heredoc) => `${heredoc.content}${heredoc.name}`)].join('\n');
  return [{ text, toFile: (line, column) => (line === 1 ? firstLine(column) : { line: joined.lastLine + line - 1, column }) }];
}
