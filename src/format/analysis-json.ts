/**
 * The `analyze --json` document (schema in docs/analysis-schema.md). Versioned so consumers can check it.
 */
import type { Analysis } from '../analyze';
import type { SlimPlan } from '../plan';

export const ANALYSIS_SCHEMA_VERSION = 1;

export function analysisJson(analysis: Analysis): Record<string, unknown> {
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    command: analysis.command,
    totals: analysis.totals,
    paths: analysis.kept.map((kept) => ({
      path: kept.path,
      type: kept.type,
      size: kept.size,
      mode: `0${kept.mode.toString(8)}`,
      uid: kept.uid,
      gid: kept.gid,
      ...(kept.linkTarget !== undefined ? { linkTarget: kept.linkTarget } : {}),
      ...(kept.synthesized ? { synthesized: true } : {}),
      reasons: kept.reasons,
      ...(kept.reasonCounts !== undefined ? { reasonCounts: kept.reasonCounts } : {}),
    })),
    warnings: analysis.warnings,
    imageWarnings: analysis.imageWarnings,
    ...(analysis.packages ? { packages: packagesJson(analysis.packages) } : {}),
  };
}

/** The package summary without file contents (the database files are listed in `paths`). */
function packagesJson(packages: NonNullable<Analysis['packages']>): Record<string, unknown> {
  return {
    manager: packages.manager,
    ...(packages.os ? { os: packages.os } : {}),
    installed: packages.installed,
    kept: packages.kept.map(({ name, version, architecture, licenses }) => ({ name, version, architecture, licenses })),
    database: packages.database.map(({ path, source, lines }) => ({ path, source, lines })),
  };
}

/** The plan as `--report` writes it: synthesized files by their source lines, not their bytes. */
export function planJson(plan: SlimPlan): Record<string, unknown> {
  return { ...plan, synthesized: (plan.synthesized ?? []).map(({ path, source, lines }) => ({ path, source, lines })) };
}
