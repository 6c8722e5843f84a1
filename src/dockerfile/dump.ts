/**
 * BuildKit's `Node.Dump()` format, the format of its parser golden files (testfiles/NAME/result):
 * `(keyword ["--flag" …] "arg" …)`, one line per instruction, ONBUILD's trigger nested.
 */
import { goQuote } from '../expand/go-quote';
import type { SyntaxNode, SyntaxTree } from './syntax';

/** One node; ONBUILD's trigger nests in parentheses, built in a loop however deep the chain. */
export function dumpNode(node: SyntaxNode): string {
  const heads: string[] = [];
  const tails: string[] = [];
  for (let current: SyntaxNode | undefined = node; current !== undefined; current = current.child) {
    let head = current.keyword;
    if (current.flags.length > 0) head += ` [${current.flags.map(goQuote).join(' ')}]`;
    let tail = '';
    for (const arg of current.args) tail += ` ${goQuote(arg)}`;
    heads.push(head);
    tails.push(tail);
  }
  // Inside out: each trigger's text goes in parentheses between its parent's flags and arguments. Only the
  // innermost can have blanks to trim: every outer node starts with `onbuild` and ends in `)` or a quote.
  let text = `${heads[heads.length - 1]}${tails[tails.length - 1]}`.trim();
  for (let index = heads.length - 2; index >= 0; index--) text = `${heads[index]} (${text})${tails[index]}`;
  return text;
}

/** The whole tree, one `(…)` line per instruction, newline-terminated like the golden files. */
export function dumpSyntaxTree(tree: SyntaxTree): string {
  return tree.nodes.map((node) => `(${dumpNode(node)})\n`).join('');
}
