/**
 * The hadolint and BuildKit coverage tables in docs/lint-rules.md agree with the rules' own `related` metadata:
 * a check the table maps to a rule is one that rule names, and every check a rule names is in the table.
 */
import { BUILDKIT_CHECKS, HADOLINT_RULES } from '../../src/lint/coverage';
import { ALL_RULES } from '../../src/lint/rules';

const byId = new Map(ALL_RULES.map((rule) => [rule.meta.id, rule.meta]));

describe('coverage of hadolint DL rules and BuildKit checks', () => {
  it('lists each check once, and maps only to rules that exist', () => {
    for (const checks of [HADOLINT_RULES, BUILDKIT_CHECKS]) {
      const ids = checks.map((check) => check.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const check of checks) if ('rules' in check.coverage) for (const id of check.coverage.rules) expect(byId.has(id)).toBe(true);
    }
  });

  it('agrees with each rule’s related metadata, both ways', () => {
    for (const check of HADOLINT_RULES) {
      if (!('rules' in check.coverage)) continue;
      for (const id of check.coverage.rules) expect([id, byId.get(id)?.related?.hadolint ?? []]).toEqual([id, expect.arrayContaining([check.id])]);
    }
    for (const check of BUILDKIT_CHECKS) {
      if (!('rules' in check.coverage)) continue;
      for (const id of check.coverage.rules) expect([id, byId.get(id)?.related?.buildkit]).toEqual([id, check.id]);
    }
    for (const rule of ALL_RULES) {
      for (const code of rule.meta.related?.hadolint ?? []) {
        const entry = HADOLINT_RULES.find((check) => check.id === code);
        expect([code, entry && 'rules' in entry.coverage && entry.coverage.rules.includes(rule.meta.id)]).toEqual([code, true]);
      }
      const buildkit = rule.meta.related?.buildkit;
      if (buildkit) {
        const entry = BUILDKIT_CHECKS.find((check) => check.id === buildkit);
        expect([buildkit, entry && 'rules' in entry.coverage && entry.coverage.rules.includes(rule.meta.id)]).toEqual([buildkit, true]);
      }
    }
  });

  it('covers the issue’s list: every DL rule and BuildKit check has a rule, a parser verdict or a reason', () => {
    expect(HADOLINT_RULES).toHaveLength(71);
    expect(BUILDKIT_CHECKS).toHaveLength(22);
    const covered = [...HADOLINT_RULES, ...BUILDKIT_CHECKS].filter((check) => !('notCovered' in check.coverage)).length;
    expect(covered).toBeGreaterThanOrEqual(73);
  });
});
