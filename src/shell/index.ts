/**
 * The shell language: parser, typed AST and the analyses over it.
 */
export * from './ast';
export { parseShell } from './parse';
export { toExecForm } from './exec-form';
export type { ExecFormResult } from './exec-form';
export { invokedCommands, invokedCommandsReport } from './invoked-commands';
export type { InvokedCommand, InvokedCommandsReport, CommandResolution, ShellSpan } from './invoked-commands';
export { ShellSyntaxError } from './shell-syntax-error';
export { wordValue, literalWordValue, expansionParts } from './words';
export { isShellBuiltin } from './builtins';
