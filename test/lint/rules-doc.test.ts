import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_DOCS_PATH } from '../../scripts/generate-rule-docs';
import { SYNTAX_RULE } from '../../src/lint/linter';
import { documentedRules, rulesMarkdown } from '../../src/lint/rules-doc';
import { ALL_RULES } from '../../src/lint/rules';
import type { RuleMeta } from '../../src/lint/types';

const ROOT = join(__dirname, '..', '..');

describe('docs/lint-rules.md', () => {
  it('is what the rule metadata generates (regenerate with `npm run docs:rules`)', () => {
    const committed = readFileSync(join(ROOT, RULE_DOCS_PATH), 'utf8');
    const generated = rulesMarkdown(documentedRules());
    // A plain string comparison, so that a failure says how to fix it instead of printing two long documents.
    expect(committed === generated ? 'current' : `${RULE_DOCS_PATH} is out of date: run \`npm run docs:rules\` and commit it`).toBe('current');
  });

  it('documents every registered rule and the parse-error pseudo-rule', () => {
    expect(documentedRules().map((meta) => meta.id)).toEqual([...ALL_RULES.map((rule) => rule.meta.id), SYNTAX_RULE.id]);
  });
});

describe('rulesMarkdown', () => {
  const dockerfileRule: RuleMeta = {
    id: 'example-rule',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'Finds a | pipe\nacross lines.',
    rationale: 'Because.',
    fix: 'Do the other thing.',
    related: { buildkit: 'SomeCheck', hadolint: ['DL3009', 'DL3015'], other: ['dockerfilelint `apt-get_missing_rm`'] },
    example: { bad: 'RUN apt-get install x\n', good: 'RUN apt-get install --no-install-recommends x' },
  };
  const imageRule: RuleMeta = { id: 'image-example', kind: 'image', category: 'security', severity: 'info', description: 'Finds files.', rationale: 'R.', fix: 'F.' };
  // The image rule comes first in the input: the generator still puts Dockerfile rules first.
  const markdown = rulesMarkdown([imageRule, dockerfileRule]);

  it('indexes each rule in one table row linking to its section, escaping cell text', () => {
    expect(markdown).toContain('| [example-rule](#example-rule) | dockerfile | size | warning | Finds a \\| pipe across lines. | BuildKit `SomeCheck`; hadolint `DL3009`, `DL3015` |');
    expect(markdown).toContain('| [image-example](#image-example) | image | security | info | Finds files. | – |');
  });

  it('groups sections by kind, Dockerfile rules first, headed by the rule id', () => {
    const order = ['## Dockerfile rules', '### example-rule', '## Image rules', '### image-example'].map((heading) => markdown.indexOf(`\n${heading}\n`));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('renders rationale, fix, the example as dockerfile code blocks and the related checks', () => {
    expect(markdown).toContain('**Why.** Because.');
    expect(markdown).toContain('**How to fix.** Do the other thing.');
    expect(markdown).toContain('Flagged:\n\n```dockerfile\nRUN apt-get install x\n```\n\nNot flagged:\n\n```dockerfile\nRUN apt-get install --no-install-recommends x\n```');
    expect(markdown).toContain('- BuildKit build check: `SomeCheck`\n- hadolint: `DL3009`, `DL3015`\n- dockerfilelint `apt-get_missing_rm`');
  });
});
