/**
 * SARIF 2.1.0 as GitHub code scanning consumes it: the rules that ran with short and full descriptions and
 * help, results with real start and end columns, and `primaryLocationLineHash` fingerprints so alerts are
 * tracked across commits. Findings about a whole file or an image alone have a location without a region.
 *
 * Rules carry no `helpUri`: GitHub does not use it (it shows `help.markdown`), and the package names no repository
 * whose rendered docs a URL could point at; `help` carries the rule's documentation itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, LintResult, RuleMeta, Severity } from '../types';
import { lineHashes } from './line-hash';
import { displayPath, type FormatOptions } from './support';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** Where the rule docs live in the source tree, for help text (a URL is not known for every install). */
const RULE_DOCS = 'docs/lint-rules.md';
const INFORMATION_URI = 'https://www.npmjs.com/package/scratchify';
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

/**
 * The fingerprint of a finding whose line cannot be hashed: its file is unreadable, or it has no line (a whole
 * file, an image). codeql-action computes nothing for those, and without a fingerprint an alert is not
 * tracked across runs. It hashes the rule, the file and, for a finding on a line, the message — not the line
 * number, so the finding keeps it when lines move; not a whole-file finding's message, which for image rules
 * carries sizes that change with every build. `:n` numbers repeats, as in the line hash.
 */
function fallbackFingerprint(finding: Finding, uri: string): string {
  const identity = [finding.ruleId, uri, finding.location.line === undefined ? '' : finding.message].join('\0');
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
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
  const fallbackCounts = new Map<string, number>();
  const fingerprint = (finding: Finding, uri: string): string => {
    const { file, line } = finding.location;
    if (line !== undefined && !hashesByFile.has(file)) {
      const text = sourceText(file, options, cwd);
      hashesByFile.set(file, text === undefined ? undefined : lineHashes(text));
    }
    const lineHash = line === undefined ? undefined : hashesByFile.get(file)?.get(line);
    if (lineHash !== undefined) return lineHash;
    const fallback = fallbackFingerprint(finding, uri);
    const count = (fallbackCounts.get(fallback) ?? 0) + 1;
    fallbackCounts.set(fallback, count);
    return `${fallback}:${count}`;
  };
  const results = result.findings.map((finding) => {
    const { file, line, column, endLine, endColumn } = finding.location;
    const region = line === undefined ? undefined : { startLine: line, startColumn: column ?? 1, ...(endLine !== undefined ? { endLine } : {}), ...(endColumn !== undefined ? { endColumn } : {}) };
    const artifact = artifactLocation(file, cwd);
    return {
      ruleId: finding.ruleId,
      ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
      level: LEVEL[finding.severity],
      message: { text: `${finding.message}. Fix: ${finding.fix}` },
      locations: [{ physicalLocation: { artifactLocation: artifact, ...(region ? { region } : {}) } }],
      partialFingerprints: { primaryLocationLineHash: fingerprint(finding, artifact.uri) },
      ...(finding.data ? { properties: { data: finding.data } } : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'scratchify', semanticVersion: options.toolVersion, informationUri: INFORMATION_URI, rules: result.rules.map(reportingDescriptor) } },
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
