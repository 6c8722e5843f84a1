/**
 * BuildKit's `Node.Dump()` format, the format of its parser golden files (testfiles/NAME/result):
 * `(keyword ["--flag" …] "arg" …)`, one line per instruction, ONBUILD's trigger nested.
 */
import { goQuote } from '../expand/go-quote';
import type { SyntaxNode, SyntaxTree } from './syntax';

export function dumpNode(node: SyntaxNode): string {
  let text = node.keyword;
  if (node.flags.length > 0) text += ` [${node.flags.map(goQuote).join(' ')}]`;
  if (node.child) text += ` (${dumpNode(node.child)})`;
  for (const arg of node.args) text += ` ${goQuote(arg)}`;
  return text.trim();
}

/** The whole tree, one `(…)` line per instruction, newline-terminated like the golden files. */
export function dumpSyntaxTree(tree: SyntaxTree): string {
  return tree.nodes.map((node) => `(${dumpNode(node)})\n`).join('');
}
