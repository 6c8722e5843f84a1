/**
 * Text → BuildKit syntax tree. Line structure comes from `scanner.ts`, arguments from `line-parsers.ts`,
 * heredoc bodies from `heredoc.ts`; the result is what BuildKit's `parser.Parse` returns.
 */
import { DockerfileSyntaxError } from '../errors';
import { heredocsInLine, readHeredocBodies } from './heredoc';
import { parseArguments, splitCommand, type ParsedArguments, type SplitCommand } from './line-parsers';
import { instructionPosition } from './positions';
import { scanDockerfile, type LogicalLine } from './scanner';
import type { SyntaxNode, SyntaxTree } from './syntax';

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

/**
 * The node of one logical line. ONBUILD nests its trigger as a child node, and BuildKit parses any depth
 * (`ONBUILD ONBUILD …` is only refused later, by the typed layer), so the chain is built in a loop.
 */
function nodeFromLine(line: LogicalLine, file?: string): SyntaxNode {
  const where = { file, line: line.startLine, column: 1 };
  let split = splitCommand(line.text);
  let parsed = parseArguments(split.keyword, split.rest, line.escape, where);
  const root = syntaxNode(line.text, split, parsed, line);
  root.position = instructionPosition(line, split);
  for (let parent = root; parsed.subCommand !== undefined; parent = parent.child!) {
    const text = parsed.subCommand;
    split = splitCommand(text, true);
    parsed = parseArguments(split.keyword, split.rest, line.escape, where);
    parent.child = syntaxNode(text, split, parsed, line);
  }
  return root;
}

function syntaxNode(text: string, split: SplitCommand, parsed: ParsedArguments, line: LogicalLine): SyntaxNode {
  return {
    keyword: split.keyword.toLowerCase(),
    flags: split.flags,
    args: parsed.args,
    json: parsed.json,
    heredocs: [],
    original: text,
    startLine: line.startLine,
    endLine: line.endLine,
    comments: line.comments,
  };
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
      const node = nodeFromLine(line, file);
      if (canContainHeredoc(node) && line.text.includes('<<')) {
        const where = { file, line: line.startLine, column: 1 };
        const opened = heredocsInLine(line.text, where);
        const bodies = readHeredocBodies(opened, line.readFollowingLine, where);
        const target = node.keyword === 'onbuild' && node.child ? node.child : node;
        target.heredocs = bodies;
        node.endLine = line.endLine;
        node.position!.endLine = line.endLine;
        node.position!.endColumn = line.endColumn;
      }
      nodes.push(node);
    },
    file,
  );
  if (nodes.length === 0) throw new DockerfileSyntaxError('file with no instructions', { file, line: 1, column: 1 });
  return { directives: scan.directives, escape: scan.escape, nodes, warnings: scan.warnings };
}
