/**
 * A one-line rendering of a shell AST for table-driven tests: simple commands in brackets, every expansion in
 * braces, structure spelled out, so a table row shows at a glance how a script was understood.
 */
import type { Command, CommandList, Pipeline, Redirect, ShellScript, ShellWord, WordPart } from '../../src/shell/ast';

function part(p: WordPart): string {
  switch (p.kind) {
    case 'literal':
      return p.value;
    case 'escaped':
      return `\\${p.value}`;
    case 'single':
      return `'${p.value}'`;
    case 'double':
      return `"${p.parts.map(part).join('')}"`;
    case 'glob':
      return `{glob ${p.value}}`;
    case 'tilde':
      return `{~${p.user}}`;
    case 'parameter':
      return p.operator === undefined
        ? `{$${p.name}}`
        : `{$${p.name} ${p.operator}${p.argument ? ' ' + p.argument.map(part).join('') : ''}}`;
    case 'command':
      return `{$(${sketchShell(p.script)})}`;
    case 'arithmetic':
      return `{$((${p.expression}))}`;
    case 'dollar-quoted':
      return `{${p.text}}`;
    case 'array':
      return `{array ${p.text}}`;
  }
}

export function sketchWord(word: ShellWord): string {
  return word.parts.map(part).join('');
}

function redirect(r: Redirect): string {
  const base = `${r.fd ?? ''}${r.operator}${sketchWord(r.target)}`;
  return r.heredoc ? `${base}<<body ${JSON.stringify(r.heredoc.body)}>>` : base;
}

function redirects(list: Redirect[]): string {
  return list.map((r) => ' ' + redirect(r)).join('');
}

function command(c: Command): string {
  switch (c.kind) {
    case 'simple':
      return `[${[
        ...c.assignments.map((a) => `${a.name}${a.append ? '+' : ''}=${sketchWord(a.value)}`),
        ...c.words.map(sketchWord),
        ...c.redirects.map(redirect),
      ].join(' ')}]`;
    case 'subshell':
      return `( ${list(c.body)} )${redirects(c.redirects)}`;
    case 'group':
      return `{ ${list(c.body)} }${redirects(c.redirects)}`;
    case 'if':
      return (
        c.clauses.map((cl, i) => `${i === 0 ? 'if' : 'elif'} ${list(cl.condition)} then ${list(cl.body)}`).join(' ') +
        (c.elseBody ? ` else ${list(c.elseBody)}` : '') +
        ` fi${redirects(c.redirects)}`
      );
    case 'for':
      return `for ${c.variable}${c.words ? ' in ' + c.words.map(sketchWord).join(' ') : ''} do ${list(c.body)} done${redirects(c.redirects)}`;
    case 'while':
      return `${c.until ? 'until' : 'while'} ${list(c.condition)} do ${list(c.body)} done${redirects(c.redirects)}`;
    case 'case':
      return `case ${sketchWord(c.subject)} in ${[...c.items
        .map((i) => [`${i.patterns.map(sketchWord).join('|')})`, list(i.body), i.terminator ?? ''].filter((s) => s !== '').join(' '))
        , 'esac'].join(' ')}${redirects(c.redirects)}`;
    case 'function':
      return `${c.name}() ${command(c.body)}${redirects(c.redirects)}`;
  }
}

function pipeline(p: Pipeline): string {
  return `${p.negated ? '! ' : ''}${p.commands.map(command).join(' | ')}`;
}

function list(l: CommandList): string {
  return l.items
    .map((item) => {
      const text = [pipeline(item.command.first), ...item.command.rest.map((r) => `${r.operator} ${pipeline(r.pipeline)}`)].join(' ');
      return item.separator === '&' ? `${text} &` : item.separator === undefined ? text : `${text};`;
    })
    .join(' ');
}

export function sketchShell(script: ShellScript): string {
  return list(script.body);
}
