/**
 * SARIF 2.1.0 as GitHub code scanning consumes it: the rules that ran with short and full descriptions and
 * help, results with real start and end columns, and `primaryLocationLineHash` fingerprints so alerts are
 * tracked across commits. Findings about a whole file or an image alone have a location without a region.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, LintResult, RuleMeta, Severity } from '../types';
import { lineHashes } from './line-hash';
import { displayPath, type FormatOptions } from './support';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** Where the rule docs live in the source tree, for help text (a URL is not known for every install). */
const RULE_DOCS = 'docs/lint-rules.md';
/** Files larger than this are not hashed (a Dockerfile is small; anything else is not a source file). */
const MAX_HASHED_BYTES = 1 << 20;

function reportingDescriptor(meta: RuleMeta): Record<string, unknown> {
  const related = [meta.related?.buildkit && `BuildKit check ${meta.related.buildkit}`, ...(meta.related?.hadolint ?? []).map((id) => `hadolint ${id}`)].filter(Boolean);
  const markdown = [
    meta.rationale,
    '',
    `**How to fix:** ${meta.fix}`,
    ...(meta.example ? ['', 'Instead of:', '```dockerfile', meta.example.bad, '```', 'write:', '```dockerfile', meta.example.good, '```'] : []),
    ...(related.length > 0 ? ['', `Same as: ${related.join(', ')}.`] : []),
    '',
    `See ${RULE_DOCS}#${meta.id}.`,
  ].join('\n');
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase()),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.rationale },
    help: { text: `${meta.fix} See ${RULE_DOCS}#${meta.id}.`, markdown },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { tags: meta.category === 'security' ? ['security', meta.kind] : [meta.category, meta.kind], precision: 'high' },
  };
}

/** A relative URI against %SRCROOT% when the file is under the working directory, else a file: URI. */
function artifactLocation(file: string, cwd: string): Record<string, string> {
  const shown = displayPath(file, cwd);
  if (isAbsolute(shown)) return { uri: pathToFileURL(shown).href };
  return { uri: shown.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** The text of a finding's file for fingerprints: given by the caller, or a small regular file on disk. */
function sourceText(file: string, options: FormatOptions, cwd: string): string | undefined {
  const given = options.sources?.get(file);
  if (given !== undefined) return given;
  const path = resolve(cwd, file);
  try {
    if (!existsSync(path) || !statSync(path).isFile() || statSync(path).size > MAX_HASHED_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function sarifLog(result: LintResult, options: FormatOptions): Record<string, unknown> {
  const cwd = options.cwd ?? process.cwd();
  const ruleIndex = new Map(result.rules.map((meta, index) => [meta.id, index]));
  const hashesByFile = new Map<string, Map<number, string> | undefined>();
  const hashFor = (finding: Finding): string | undefined => {
    const { file, line } = finding.location;
    if (line === undefined) return undefined;
    if (!hashesByFile.has(file)) {
      const text = sourceText(file, options, cwd);
      hashesByFile.set(file, text === undefined ? undefined : lineHashes(text));
    }
    return hashesByFile.get(file)?.get(line);
  };
  const results = result.findings.map((finding) => {
    const { file, line, column, endLine, endColumn } = finding.location;
    const region = line === undefined ? undefined : { startLine: line, startColumn: column ?? 1, ...(endLine !== undefined ? { endLine } : {}), ...(endColumn !== undefined ? { endColumn } : {}) };
    const hash = hashFor(finding);
    return {
      ruleId: finding.ruleId,
      ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
      level: LEVEL[finding.severity],
      message: { text: `${finding.message}. Fix: ${finding.fix}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(file, cwd), ...(region ? { region } : {}) } }],
      ...(hash ? { partialFingerprints: { primaryLocationLineHash: hash } } : {}),
      ...(finding.data ? { properties: { data: finding.data } } : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'scratchify', semanticVersion: options.toolVersion, rules: result.rules.map(reportingDescriptor) } },
        automationDetails: { id: 'scratchify/lint/' },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${cwd.replace(/\/?$/, '/')}`).href } },
        invocations: [{ executionSuccessful: !result.fatal }],
        results,
        ...(result.image ? { properties: { image: result.image } } : {}),
      },
    ],
  };
}

export function formatSarif(result: LintResult, options: FormatOptions): string {
  return `${JSON.stringify(sarifLog(result, options), null, 2)}\n`;
}
