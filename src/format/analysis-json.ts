/**
 * The `analyze --json` document (schema in docs/analysis-schema.md). Versioned so consumers can check it.
 */
import type { Analysis } from '../analyze';

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
      reasons: kept.reasons,
      ...(kept.reasonCounts !== undefined ? { reasonCounts: kept.reasonCounts } : {}),
    })),
    warnings: analysis.warnings,
    imageWarnings: analysis.imageWarnings,
  };
}
