/**
 * Scripts: the `#!` interpreter (with `#!/usr/bin/env X` resolved through PATH, as env does), and for shell
 * scripts the commands they run, found with the project's shell grammar.
 */
import { posix } from 'node:path';
import type { FileRule } from '../types';
import { isShellProgram, keepScriptCommands } from './commands';

/** The kernel reads at most this much of the `#!` line (BINPRM_BUF_SIZE since Linux 5.1). */
const SHEBANG_LIMIT = 256;

export function parseShebang(head: Buffer): { interpreter: string; argument?: string } | undefined {
  if (head.length < 3 || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const end = head.indexOf(0x0a);
  const line = head.subarray(2, end === -1 ? Math.min(head.length, SHEBANG_LIMIT) : Math.min(end, SHEBANG_LIMIT)).toString('utf8').trim();
  // Linux passes everything after the interpreter as one argument.
  const match = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!match) return undefined;
  return { interpreter: match[1], argument: match[2]?.trim() || undefined };
}

export const scriptsRule: FileRule = {
  id: 'script',
  description: 'interpreters and commands of scripts',
  async inspect(file, context) {
    const shebang = parseShebang(file.head);
    if (!shebang) return;
    const interpreter = context.keep(shebang.interpreter, { rule: 'shebang', by: file.path, detail: `#!${shebang.interpreter}` });
    if (interpreter === undefined) {
      context.warn(`${file.path}: interpreter ${shebang.interpreter} is not in the image`);
      return;
    }
    let language = shebang.interpreter;
    if (posix.basename(shebang.interpreter) === 'env' && shebang.argument) {
      const words = shebang.argument.split(/\s+/).filter((word) => !word.startsWith('-') && !word.includes('='));
      const name = words[0];
      if (name) {
        const program = context.which(name);
        if (program === undefined) context.warn(`${file.path}: #!${shebang.interpreter} ${name}: ${name} is not in the image's PATH`);
        else context.keep(program, { rule: 'shebang-env', by: file.path, detail: `#!/usr/bin/env ${name}` });
        language = program ?? name;
      }
    }
    if (isShellProgram(language)) {
      context.keep('/bin/sh', { rule: 'shell-script', by: file.path, detail: 'shell scripts and the commands they start use /bin/sh' });
      const text = (await context.read(file.path)).toString('utf8');
      keepScriptCommands(text, file.path, context, 'script-command');
    }
  },
};
