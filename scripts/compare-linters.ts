/**
 * Writes docs/lint-comparison.md (`npm run compare-linters`): what `scratchify lint` finds in the samples and
 * in small fixtures, next to what the two Dockerfile linters on npm that users have today find —
 * replicatedhq's dockerfilelint and projectatomic's dockerfile_lint, each with its default rules.
 *
 * Each tool's findings are mapped through one table (FINDING_PROBLEMS) to a shared list of problems, and
 * compared per file with the problems each Dockerfile really has (PRESENT_PROBLEMS, judged by reading it).
 * Matching is per file, not per line. test/lint/compare-linters.test.ts fails when the committed document
 * differs from what this produces, so the document stays the output of this script.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import DockerfileLint = require('dockerfile_lint');
import * as dockerfilelint from 'dockerfilelint';
import { BUILDKIT_CHECKS, HADOLINT_RULES, type ExternalCheck } from '../src/lint/coverage';
import { lint } from '../src/lint/linter';

export const COMPARISON_PATH = join('docs', 'lint-comparison.md');

/** Where the compared Dockerfiles are, relative to the repository root: every `<dir>/<name>/Dockerfile`. */
const DOCKERFILE_DIRS = ['samples', join('test', 'lint', 'fixtures', 'compare')];

export const TOOLS = ['scratchify', 'dockerfilelint', 'dockerfile_lint'] as const;
export type Tool = (typeof TOOLS)[number];

/** The shared problem list: what a user wants a Dockerfile linter to catch about fat or unsafe images. */
export const PROBLEMS = {
  'full-distribution': 'Final stage on a full distribution where scratch or distroless could hold the program',
  'build-tools': 'Compilers, -dev packages, package managers or VCS clients installed into the final stage',
  'download-tools': 'curl or wget left in the final stage',
  'package-cache': 'Package-manager cache (apt lists, apk, pip, npm) not removed in the layer that wrote it',
  'install-recommends': '`apt-get install` without `--no-install-recommends` in the final stage',
  'cleanup-separate-layer': 'Files deleted by a later RUN than the one that wrote them (the bytes stay)',
  'copy-whole-context': 'Whole build context copied into the final stage',
  'add-instead-of-copy': 'ADD of a URL or a plain file where COPY would do',
  'shell-form-command': 'Shell-form CMD or ENTRYPOINT',
  'root-user': 'Final stage runs as root',
  'secret-in-arg-env': 'Secret-looking ARG or ENV',
  'base-image-tag': 'Base image tagged `latest` or not tagged',
  'unused-stage': 'Stage the built target never uses',
  'missing-dockerignore': '`COPY .` without a `.dockerignore`',
} as const;
export type Problem = keyof typeof PROBLEMS;

/** A finding saying the tool could not read an instruction; every compared file is valid BuildKit syntax. */
const PARSE_ERROR = 'parse error';
type Mapped = Problem | typeof PARSE_ERROR;

/**
 * The mapping table: each tool's finding code (rule id, rule name, or label) → shared problem. Codes not
 * listed are findings outside the shared list and are counted separately. dockerfile_lint's built-in checks
 * have no label; those about a line are its parser rejecting the instruction (see `mapFinding`).
 */
export const FINDING_PROBLEMS: Record<Tool, Record<string, Mapped>> = {
  scratchify: {
    'final-stage-distribution': 'full-distribution',
    'build-tools-in-final-stage': 'build-tools',
    'download-tools-in-final-stage': 'download-tools',
    'package-cache-not-cleaned': 'package-cache',
    'apt-install-recommends': 'install-recommends',
    'cleanup-in-separate-layer': 'cleanup-separate-layer',
    'copy-whole-context': 'copy-whole-context',
    'add-instead-of-copy': 'add-instead-of-copy',
    'shell-form-command': 'shell-form-command',
    'final-stage-root': 'root-user',
    'secret-in-arg-env': 'secret-in-arg-env',
    'base-image-tag': 'base-image-tag',
    'unused-stage': 'unused-stage',
    'missing-dockerignore': 'missing-dockerignore',
    'dockerfile-syntax': PARSE_ERROR,
  },
  dockerfilelint: {
    'apt-get_missing_rm': 'package-cache',
    'apkadd-missing_nocache_or_updaterm': 'package-cache',
    'apt-get_recommends': 'install-recommends',
    latest_tag: 'base-image-tag',
    missing_tag: 'base-image-tag',
    invalid_command: PARSE_ERROR,
    invalid_line: PARSE_ERROR,
    invalid_format: PARSE_ERROR,
    from_first: PARSE_ERROR,
    required_params: PARSE_ERROR,
    missing_args: PARSE_ERROR,
    extra_args: PARSE_ERROR,
  },
  dockerfile_lint: {
    'no_apt-get_clean': 'package-cache',
    no_yum_clean_all: 'package-cache',
    no_dnf_clean_all: 'package-cache',
    no_gem_clean_all: 'package-cache',
    no_rvm_cleanup_all: 'package-cache',
    is_latest_tag: 'base-image-tag',
    no_tag: 'base-image-tag',
  },
};

/**
 * The problems each compared Dockerfile really has, judged by reading it (path relative to the repository
 * root). A Dockerfile found on disk without an entry here stops the script: someone has to judge it first.
 */
export const PRESENT_PROBLEMS: Record<string, { present: Problem[]; note?: string }> = {
  'samples/c-openssl-zlib/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/entrypoint-script/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/go-server/Dockerfile': { present: ['full-distribution'] },
  'samples/nginx-nonroot/Dockerfile': { present: ['full-distribution'] },
  'samples/node-express/Dockerfile': {
    present: ['full-distribution', 'build-tools', 'root-user', 'copy-whole-context'],
    note: 'Installs `npm` (a package manager) into the final stage with apt-get; has a `.dockerignore`.',
  },
  'samples/python-app/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/apache-modules/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/graphviz-svg/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/imagemagick-thumbnail/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/locale-de-messages/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/perl-json-encode/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/php-pdo-sqlite/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/postgres-initdb/Dockerfile': { present: ['full-distribution'], note: 'Runs as `postgres`.' },
  'samples/python-ctypes-libmagic/Dockerfile': { present: ['full-distribution', 'root-user'] },
  'samples/python-gunicorn/Dockerfile': { present: ['full-distribution'], note: 'Runs as a user it creates.' },
  'samples/ruby-rackup/Dockerfile': { present: ['full-distribution'], note: 'Runs as a user it creates.' },
  'samples/runtime-plugin/Dockerfile': { present: ['full-distribution'], note: 'Runs as a user it creates.' },
  'samples/shell-in-strings/Dockerfile': {
    present: ['full-distribution', 'root-user'],
    note: 'Starts as root; its entrypoint script drops to `nobody` with gosu only for the command.',
  },
  'test/lint/fixtures/compare/add-instead-of-copy/Dockerfile': { present: ['add-instead-of-copy'] },
  'test/lint/fixtures/compare/apt-install-recommends/Dockerfile': { present: ['install-recommends', 'full-distribution'] },
  'test/lint/fixtures/compare/apt-lists-not-cleaned/Dockerfile': { present: ['package-cache', 'full-distribution'] },
  'test/lint/fixtures/compare/buildkit-syntax/Dockerfile': {
    present: [],
    note: 'Clean: heredocs, `RUN --mount=type=cache` for apt (a cache mount is not in the image), `COPY --link`, `COPY --exclude`, a `FROM scratch` final stage.',
  },
  'test/lint/fixtures/compare/cleanup-in-separate-layer/Dockerfile': { present: ['cleanup-separate-layer', 'package-cache', 'full-distribution'] },
  'test/lint/fixtures/compare/compiler-in-final-stage/Dockerfile': { present: ['build-tools', 'full-distribution'] },
  'test/lint/fixtures/compare/copy-whole-context/Dockerfile': { present: ['copy-whole-context'], note: 'Has a `.dockerignore`.' },
  'test/lint/fixtures/compare/download-tool-in-final-stage/Dockerfile': { present: ['download-tools', 'full-distribution'] },
  'test/lint/fixtures/compare/latest-or-missing-tag/Dockerfile': { present: ['base-image-tag'] },
  'test/lint/fixtures/compare/missing-dockerignore/Dockerfile': { present: ['missing-dockerignore'] },
  'test/lint/fixtures/compare/root-user/Dockerfile': { present: ['root-user'], note: 'Switches the non-root distroless base back to root.' },
  'test/lint/fixtures/compare/secret-in-env/Dockerfile': { present: ['secret-in-arg-env'] },
  'test/lint/fixtures/compare/shell-form-cmd/Dockerfile': { present: ['shell-form-command', 'full-distribution'] },
  'test/lint/fixtures/compare/unused-stage/Dockerfile': {
    present: ['unused-stage'],
    note: 'The unused stage leaves its apt lists, but nothing of it reaches the image.',
  },
};

/** One tool's run over one Dockerfile: the codes it reported (one entry per finding). */
interface ToolRun {
  codes: string[];
}

function runScratchify(text: string, file: string, contextDir: string): ToolRun {
  const result = lint({ dockerfile: { text, file }, contextDir });
  return { codes: result.findings.map((finding) => finding.ruleId) };
}

function runDockerfilelint(text: string, contextDir: string): ToolRun {
  // The directory is where dockerfilelint looks for a .dockerfilelintrc; none exists, so its defaults apply.
  return { codes: dockerfilelint.run(contextDir, text).map((item) => item.rule) };
}

/** dockerfile_lint's findings: the rule label, else the message of the built-in check. */
function runDockerfileLint(text: string): ToolRun {
  const result = new DockerfileLint().validate(text);
  const messages = [...result.error.data, ...result.warn.data, ...result.info.data];
  return { codes: messages.map((message) => message.label ?? (message.line > 0 ? `${PARSE_ERROR}: ${message.message}` : message.message)) };
}

function mapFinding(tool: Tool, code: string): Mapped | undefined {
  if (tool === 'dockerfile_lint' && code.startsWith(`${PARSE_ERROR}: `)) return PARSE_ERROR;
  return FINDING_PROBLEMS[tool][code];
}

export interface FileComparison {
  file: string;
  present: Problem[];
  note?: string;
  /** Per tool: the shared problems it reported, whether it misread the file, and its other finding codes. */
  tools: Record<Tool, { found: Set<Problem>; parseError: boolean; other: string[] }>;
}

function compareFile(root: string, file: string): FileComparison {
  const truth = PRESENT_PROBLEMS[file];
  const text = readFileSync(join(root, file), 'utf8');
  const contextDir = dirname(join(root, file));
  const runs: Record<Tool, ToolRun> = {
    scratchify: runScratchify(text, file, contextDir),
    dockerfilelint: runDockerfilelint(text, contextDir),
    dockerfile_lint: runDockerfileLint(text),
  };
  const tools = {} as FileComparison['tools'];
  for (const tool of TOOLS) {
    const found = new Set<Problem>();
    const other: string[] = [];
    let parseError = false;
    for (const code of runs[tool].codes) {
      const mapped = mapFinding(tool, code);
      if (mapped === PARSE_ERROR) parseError = true;
      else if (mapped) found.add(mapped);
      else other.push(code);
    }
    tools[tool] = { found, parseError, other };
  }
  return { file, present: truth.present, note: truth.note, tools };
}

/** Every compared Dockerfile, sorted; fails when the files on disk and PRESENT_PROBLEMS disagree. */
export function comparedFiles(root: string): string[] {
  const found = DOCKERFILE_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, dir, entry.name, 'Dockerfile')))
      .map((entry) => [...dir.split(/[\\/]/), entry.name, 'Dockerfile'].join('/')),
  ).sort();
  const unjudged = found.filter((file) => !(file in PRESENT_PROBLEMS));
  if (unjudged.length > 0) throw new Error(`add the problems of ${unjudged.join(', ')} to PRESENT_PROBLEMS in scripts/compare-linters.ts`);
  const missing = Object.keys(PRESENT_PROBLEMS).filter((file) => !found.includes(file));
  if (missing.length > 0) throw new Error(`PRESENT_PROBLEMS names files that do not exist: ${missing.join(', ')}`);
  return found;
}

export function compareLinters(root: string): FileComparison[] {
  return comparedFiles(root).map((file) => compareFile(root, file));
}

/** ✓ found, – missed, ✗ reported although absent; empty when absent and not reported. */
function verdict(present: boolean, found: boolean): string {
  if (present) return found ? '✓' : '–';
  return found ? '✗' : '';
}

function summaryCell(comparisons: readonly FileComparison[], tool: Tool, problem: Problem): string {
  const withProblem = comparisons.filter((comparison) => comparison.present.includes(problem));
  const caught = withProblem.filter((comparison) => comparison.tools[tool].found.has(problem)).length;
  const falseFindings = comparisons.filter((comparison) => !comparison.present.includes(problem) && comparison.tools[tool].found.has(problem)).length;
  const parts = [`${caught > 0 ? '✓' : '–'} ${caught}/${withProblem.length}`];
  if (falseFindings > 0) parts.push(`✗ ${falseFindings}`);
  return parts.join(' ');
}

function toolVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const HEADER = [row(['Problem', ...TOOLS]), row(['---', ...TOOLS.map(() => '---')])];

/** The documented checks (hadolint DL rules, BuildKit build checks) that cover what `rules` of scratchify cover. */
function documentedChecks(checks: readonly ExternalCheck[], rules: readonly string[]): string {
  const ids = checks.filter((check) => 'rules' in check.coverage && check.coverage.rules.some((rule) => rules.includes(rule))).map((check) => `\`${check.id}\``);
  return ids.length === 0 ? 'none' : ids.join(', ');
}

/** scratchify's rules that report `problem`. */
function rulesFor(problem: Problem): string[] {
  return Object.entries(FINDING_PROBLEMS.scratchify).filter(([, mapped]) => mapped === problem).map(([rule]) => rule);
}

/** The document, from comparisons; deterministic (no dates, sorted inputs). */
export function comparisonMarkdown(comparisons: readonly FileComparison[]): string {
  const problems = Object.keys(PROBLEMS) as Problem[];
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const summary = [
    row(['Problem', ...TOOLS, 'hadolint rule (documented)', 'BuildKit check (documented)']),
    row(['---', ...TOOLS.map(() => '---'), '---', '---']),
    ...problems.map((problem) =>
      row([PROBLEMS[problem], ...TOOLS.map((tool) => summaryCell(comparisons, tool, problem)), documentedChecks(HADOLINT_RULES, rulesFor(problem)), documentedChecks(BUILDKIT_CHECKS, rulesFor(problem))]),
    ),
    row([
      'Parse errors on these valid Dockerfiles',
      ...TOOLS.map((tool) => {
        const count = comparisons.filter((comparison) => comparison.tools[tool].parseError).length;
        return count === 0 ? 'none' : `${PARSE_ERROR} in ${plural(count, 'file')}`;
      }),
      '',
      '',
    ]),
    row(['Findings outside this list (below)', ...TOOLS.map((tool) => String(comparisons.reduce((sum, comparison) => sum + comparison.tools[tool].other.length, 0))), '', '']),
  ];

  // scratchify's rules outside the shared list (most of them the hadolint and BuildKit checks users expect).
  const outsideRules = [...new Set(comparisons.flatMap((comparison) => comparison.tools.scratchify.other))].sort();
  const newRules = outsideRules.map((rule) =>
    row([
      `\`${rule}\``,
      String(comparisons.filter((comparison) => comparison.tools.scratchify.other.includes(rule)).length),
      documentedChecks(HADOLINT_RULES, [rule]),
      documentedChecks(BUILDKIT_CHECKS, [rule]),
    ]),
  );

  const perFile = comparisons.flatMap((comparison) => {
    const shown = problems.filter((problem) => comparison.present.includes(problem) || TOOLS.some((tool) => comparison.tools[tool].found.has(problem)));
    const lines = [`### ${comparison.file}`, ''];
    if (comparison.note) lines.push(comparison.note, '');
    const parseErrors = TOOLS.some((tool) => comparison.tools[tool].parseError);
    if (shown.length === 0 && !parseErrors) return [...lines, 'No problem present, none reported.'];
    lines.push(...HEADER, ...shown.map((problem) => row([PROBLEMS[problem], ...TOOLS.map((tool) => verdict(comparison.present.includes(problem), comparison.tools[tool].found.has(problem)))])));
    if (parseErrors) lines.push(row(['Reads the file', ...TOOLS.map((tool) => (comparison.tools[tool].parseError ? PARSE_ERROR : 'ok'))]));
    return lines;
  });

  const otherCounts = TOOLS.flatMap((tool) => {
    const files = new Map<string, number>();
    for (const comparison of comparisons) for (const code of new Set(comparison.tools[tool].other)) files.set(code, (files.get(code) ?? 0) + 1);
    return [...files].sort(([a], [b]) => a.localeCompare(b)).map(([code, count]) => row([tool, `\`${code}\``, String(count)]));
  });

  const mapping = TOOLS.flatMap((tool) =>
    Object.entries(FINDING_PROBLEMS[tool]).map(([code, mapped]) => row([tool, `\`${code}\``, mapped === PARSE_ERROR ? PARSE_ERROR : `${mapped}: ${PROBLEMS[mapped]}`])),
  );

  return (
    [
      '<!-- Generated by `npm run compare-linters` (scripts/compare-linters.ts); do not edit. -->',
      '',
      '# scratchify lint compared with the npm Dockerfile linters, hadolint and BuildKit',
      '',
      `What \`scratchify lint\` (Dockerfile rules of this checkout, no image) finds in the ${plural(comparisons.length, 'Dockerfile')} of \`samples/\` ` +
        `and \`test/lint/fixtures/compare/\`, next to what the two Dockerfile linters on npm find with their default rules: ` +
        `[dockerfilelint](https://www.npmjs.com/package/dockerfilelint) ${toolVersion('dockerfilelint')} (replicatedhq) and ` +
        `[dockerfile_lint](https://www.npmjs.com/package/dockerfile_lint) ${toolVersion('dockerfile_lint')} (projectatomic).`,
      '',
      'Each fixture holds one problem of the list below (and whatever else comes with it, e.g. a Debian final stage); `buildkit-syntax` holds none and uses current BuildKit syntax. ' +
        'Which problems each Dockerfile really has was judged by reading it and is written down in the script, with a note where it is not obvious.',
      '',
      '## Summary',
      '',
      '`✓ n/m`: found in n of the m Dockerfiles that have the problem (`–` when n is 0); `✗ k`: reported in k Dockerfiles that do not have it. ' +
        'A finding counts when it is anywhere in the file (matching is per file, not per line).',
      '',
      ...summary,
      '',
      '## Per Dockerfile',
      '',
      '`✓` found, `–` not found, `✗` false finding (reported, not present); `parse error`: the tool rejected an instruction of this valid Dockerfile. ' +
        'Rows list the problems present or reported.',
      '',
      perFile.join('\n').replace(/\n(### )/g, '\n\n$1'),
      '',
      '## scratchify’s other rules, and the hadolint and BuildKit checks they match',
      '',
      'scratchify’s findings on these Dockerfiles outside the shared list, with the number of Dockerfiles each rule reported, and the hadolint DL rule or BuildKit check ' +
        'that finds the same problem according to those tools’ documentation (hadolint and BuildKit are not run here; docs/lint-rules.md lists every one of their checks and how scratchify covers it). ' +
        'The hadolint and BuildKit columns of the summary come from the same documentation.',
      '',
      row(['scratchify rule', 'Dockerfiles', 'hadolint rule (documented)', 'BuildKit check (documented)']),
      row(['---', '---', '---', '---']),
      ...newRules,
      '',
      '## Findings outside the shared list',
      '',
      'Codes the mapping below does not place in the shared list (label policies, style, other checks), with the number of Dockerfiles they appear in.',
      '',
      row(['Tool', 'Finding', 'Dockerfiles']),
      row(['---', '---', '---']),
      ...otherCounts,
      '',
      '## How this was produced',
      '',
      '`npm run compare-linters` builds the project and runs `node dist/scripts/compare-linters.js`, which lints each Dockerfile with scratchify’s library API (`lint()` from `src/lint`, ' +
        'the build context being the Dockerfile’s directory), dockerfilelint’s `run()` and dockerfile_lint’s `Linter#validate()` (their JavaScript APIs, default rules, installed as dev dependencies at the versions above), ' +
        'maps every finding through the table below, and writes this file. `test/lint/compare-linters.test.ts` fails when this file is not what the script produces.',
      '',
      'dockerfile_lint’s built-in checks have no label: those about a line (`Invalid instruction`, `Invalid parameters for command.`, its parser’s messages) count as parse errors; the others (required labels and instructions) fall outside the list.',
      '',
      row(['Tool', 'Finding', 'Problem']),
      row(['---', '---', '---']),
      ...mapping,
    ].join('\n') + '\n'
  );
}

if (require.main === module) {
  writeFileSync(COMPARISON_PATH, comparisonMarkdown(compareLinters(process.cwd())));
  console.log(`wrote ${COMPARISON_PATH}`);
}
