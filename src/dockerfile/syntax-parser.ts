/**
 * Text → BuildKit syntax tree. Line structure comes from `scanner.ts`, arguments from `line-parsers.ts`,
 * heredoc bodies from `heredoc.ts`; the result is what BuildKit's `parser.Parse` returns.
 */
import { DockerfileSyntaxError } from '../errors';
import { heredocsInLine, readHeredocBodies } from './heredoc';
import { parseArguments, splitCommand } from './line-parsers';
import { scanDockerfile, type LogicalLine } from './scanner';
import type { EscapeChar, SyntaxNode, SyntaxTree } from './syntax';

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

function nodeFromLine(text: string, escape: EscapeChar, line: LogicalLine, file?: string): SyntaxNode {
  const where = { file, line: line.startLine, column: 1 };
  const { keyword, flags, rest } = splitCommand(text);
  const parsed = parseArguments(keyword, rest, escape, where);
  const node: SyntaxNode = {
    keyword: keyword.toLowerCase(),
    flags,
    args: parsed.args,
    json: parsed.json,
    heredocs: [],
    original: text,
    startLine: line.startLine,
    endLine: line.endLine,
    comments: line.comments,
  };
  if (parsed.subCommand !== undefined) node.child = nodeFromLine(parsed.subCommand, escape, line, file);
  return node;
}

/** BuildKit canContainHeredoc: RUN, COPY, ADD (also as an ONBUILD trigger), never in exec form. */
function canContainHeredoc(node: SyntaxNode): boolean {
  const target = node.keyword === 'onbuild' && node.child ? node.child : node;
  return HEREDOC_KEYWORDS.has(target.keyword) && !target.json;
}

export function parseSyntax(text: string, file?: string): SyntaxTree {
  const nodes: SyntaxNode[] = [];
  const scan = scanDockerfile(
    text,
    (line) => {
      const node = nodeFromLine(line.text, line.escape, line, file);
      if (canContainHeredoc(node) && line.text.includes('<<')) {
        const where = { file, line: line.startLine, column: 1 };
        const opened = heredocsInLine(line.text, where);
        const bodies = readHeredocBodies(opened, line.readFollowingLine, where);
        const target = node.keyword === 'onbuild' && node.child ? node.child : node;
        target.heredocs = bodies;
        node.endLine = line.endLine;
      }
      nodes.push(node);
    },
    file,
  );
  if (nodes.length === 0) throw new DockerfileSyntaxError('file with no instructions', { file, line: 1, column: 1 });
  return { directives: scan.directives, escape: scan.escape, nodes, warnings: scan.warnings };
}
