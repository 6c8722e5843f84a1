/** The output formats of `scratchify lint`. Formatters see only the result, never the rules' code (ESLint). */
import type { LintResult } from '../types';
import { formatCheckstyle } from './checkstyle';
import { formatGithub } from './github';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import type { FormatOptions } from './support';
import { formatText } from './text';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'checkstyle'] as const;
export type FormatName = (typeof FORMATS)[number];

const FORMATTERS: Record<FormatName, (result: LintResult, options: FormatOptions) => string> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  checkstyle: formatCheckstyle,
};

export function formatResult(format: FormatName, result: LintResult, options: FormatOptions): string {
  return FORMATTERS[format](result, options);
}

export { lintJson, JSON_SCHEMA_VERSION } from './json';
export { sarifLog } from './sarif';
export { lineHashes } from './line-hash';
export type { FormatOptions } from './support';
