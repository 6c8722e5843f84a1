/**
 * docs/lint-rules.md, rendered from the rules' metadata so the reference cannot drift from the code: an
 * index table, then one section per rule whose heading is the rule id (GitHub turns it into the anchor
 * `#<id>`, which other docs and tools link to). `scripts/generate-rule-docs.ts` writes the file and a test
 * checks it is current.
 */
import { BUILDKIT_CHECKS, HADOLINT_RULES, type ExternalCheck } from './coverage';
import { SYNTAX_RULE } from './linter';
import { ALL_RULES } from './rules';
import type { RuleKind, RuleMeta } from './types';

const KIND_TITLES: Record<RuleKind, string> = {
  dockerfile: 'Dockerfile rules',
  image: 'Image rules',
};

/** How a rule's section names its kind. */
const KIND_NAMES: Record<RuleKind, string> = {
  dockerfile: 'Dockerfile rule',
  image: 'Image rule',
};

const KIND_INTROS: Record<RuleKind, string> = {
  dockerfile: 'These read the Dockerfile alone (its instructions, stages and the commands its RUNs execute); no build is needed.',
  image:
    'These read the built image and scratchify’s run-time analysis of it, so they run only when `scratchify lint` is given an image ' +
    '(`--image-archive FILE`, `--image REF` or `--build`).',
};

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function equivalents(meta: RuleMeta): string {
  const parts: string[] = [];
  if (meta.related?.buildkit) parts.push(`BuildKit \`${meta.related.buildkit}\``);
  if (meta.related?.hadolint?.length) parts.push(`hadolint ${meta.related.hadolint.map((id) => `\`${id}\``).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : '–';
}

function fenced(code: string): string {
  return ['```dockerfile', code.replace(/\n+$/, ''), '```'].join('\n');
}

function ruleSection(meta: RuleMeta): string {
  const lines = [
    `### ${meta.id}`,
    '',
    `${KIND_NAMES[meta.kind]} · category **${meta.category}** · default severity **${meta.severity}**`,
    '',
    meta.description,
    '',
    `**Why.** ${meta.rationale}`,
    '',
    `**How to fix.** ${meta.fix}`,
  ];
  if (meta.example) lines.push('', 'Flagged:', '', fenced(meta.example.bad), '', 'Not flagged:', '', fenced(meta.example.good));
  const related: string[] = [];
  if (meta.related?.buildkit) related.push(`- BuildKit build check: \`${meta.related.buildkit}\``);
  if (meta.related?.hadolint?.length) related.push(`- hadolint: ${meta.related.hadolint.map((id) => `\`${id}\``).join(', ')}`);
  for (const other of meta.related?.other ?? []) related.push(`- ${other}`);
  if (related.length > 0) lines.push('', '**Same or similar checks elsewhere** (to map an existing configuration):', '', ...related);
  return lines.join('\n');
}

function coverageCell(check: ExternalCheck): string {
  const { coverage } = check;
  if ('rules' in coverage) return cell(`${coverage.rules.map((id) => `[${id}](#${id})`).join(', ')}${coverage.note ? ` (${coverage.note})` : ''}`);
  if ('parser' in coverage) return cell(`parse error: ${coverage.parser}`);
  return cell(`not covered: ${coverage.notCovered}`);
}

function coverageTable(title: string, intro: string, checks: readonly ExternalCheck[]): string {
  const covered = checks.filter((check) => !('notCovered' in check.coverage)).length;
  return [
    `## ${title}`,
    '',
    `${intro} ${covered} of ${checks.length} are covered by a rule or by the parser.`,
    '',
    '| Check | Finds | scratchify |',
    '| --- | --- | --- |',
    ...checks.map((check) => `| \`${check.id}\` | ${cell(check.summary)} | ${coverageCell(check)} |`),
  ].join('\n');
}

/** The Markdown of docs/lint-rules.md for `rules`, Dockerfile rules first, each group in registry order. */
export function rulesMarkdown(rules: readonly RuleMeta[]): string {
  const kinds: RuleKind[] = ['dockerfile', 'image'];
  const grouped = kinds.map((kind) => ({ kind, rules: rules.filter((meta) => meta.kind === kind) })).filter((group) => group.rules.length > 0);
  const index = grouped.flatMap((group) =>
    group.rules.map(
      (meta) => `| [${meta.id}](#${meta.id}) | ${meta.kind} | ${meta.category} | ${meta.severity} | ${cell(meta.description)} | ${cell(equivalents(meta))} |`,
    ),
  );
  const sections = grouped.flatMap((group) => [`## ${KIND_TITLES[group.kind]}`, KIND_INTROS[group.kind], ...group.rules.map(ruleSection)]);
  return (
    [
      '<!-- Generated from the rules’ metadata by `npm run docs:rules`; edit the rule modules in src/lint/rules, not this file. -->',
      '',
      '# scratchify lint rules',
      '',
      'Every rule `scratchify lint` runs, generated from the rules’ own metadata. `scratchify lint --list-rules` prints the same list. ' +
        'How to run the linter, turn rules off or change their severity (config file, `# scratchify-ignore` pragmas): [lint.md](lint.md).',
      '',
      '| Rule | Kind | Category | Default severity | Finds | BuildKit / hadolint equivalent |',
      '| --- | --- | --- | --- | --- | --- |',
      ...index,
      '',
      sections.join('\n\n'),
      '',
      coverageTable(
        'hadolint DL rules',
        'Every DL rule of hadolint 2.15 (its README’s table; IDs hadolint retired are left out), with the scratchify rule that finds the same problem, or why none does. hadolint’s ShellCheck (SC) findings are not mapped: scratchify reads RUN lines with its own shell grammar.',
        HADOLINT_RULES,
      ),
      '',
      coverageTable(
        'BuildKit build checks',
        'Every check of `docker build --check` (BuildKit’s frontend/dockerfile/linter/ruleset.go), with its status in scratchify.',
        BUILDKIT_CHECKS,
      ),
    ].join('\n') + '\n'
  );
}

/** What docs/lint-rules.md documents: every registered rule, and the parse-error pseudo-rule, which outputs carry too. */
export function documentedRules(): RuleMeta[] {
  return [...ALL_RULES.map((rule) => rule.meta), SYNTAX_RULE];
}
