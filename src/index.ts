/**
 * scratchify's library API. The CLI (`src/cli`) is a thin layer over these functions.
 *
 * Flow: Dockerfile text → `parseDockerfile` (typed IR) → `resolveStages` (stage graph, scoping, runtime
 * contract); shell commands → `parseShell` / `toExecForm` / `invokedCommands`; words → `expandWord`.
 */
export * from './errors';
export {
  parseDockerfile, parseSyntax, dumpSyntaxTree, printDockerfile, printInstruction, chompedContent,
  type ParseOptions, type ParseResult,
} from './dockerfile';
export type * from './dockerfile/ir';
export type { Directive, EscapeChar, Heredoc, SyntaxNode, SyntaxTree } from './dockerfile/syntax';
export * from './stages';
export * from './expand';
export { VERSION } from './version';
export {
  parseShell, toExecForm, invokedCommands, invokedCommandsReport, ShellSyntaxError, isShellBuiltin,
  type ExecFormResult, type InvokedCommand, type InvokedCommandsReport,
} from './shell';
export * from './analyze';
export { openImage, detectImageSource, type LoadedImage, type ImageConfig, type ImageSource, type ImageFormat } from './image';
export type { FileTree, FileEntry, Resolution } from './tree/types';
export type { LayerWaste, WastedFile } from './tree/layer-waste';
export * from './lint';
