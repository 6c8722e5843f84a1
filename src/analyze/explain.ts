/**
 * `why PATH`: the chain of reasons from a root (the entrypoint, a --keep glob, …) down to a kept path, built
 * by following each reason's `by` back to the path that required it.
 */
import type { Analysis, KeptPath, Reason } from './types';

export interface ReasonStep {
  path: string;
  reason: Reason;
}

export interface Explanation {
  path: string;
  kept: boolean;
  /** One chain per direct reason, each from the path itself back to a root. */
  chains: ReasonStep[][];
}

export function explain(analysis: Analysis, path: string): Explanation {
  const byPath = new Map<string, KeptPath>(analysis.kept.map((kept) => [kept.path, kept]));
  const normalized = path.replace(/\/+$/, '') || '/';
  const target = byPath.get(normalized);
  if (!target) return { path: normalized, kept: false, chains: [] };
  const chains = target.reasons.map((first) => {
    const chain: ReasonStep[] = [{ path: normalized, reason: first }];
    const seen = new Set([normalized]);
    let reason: Reason | undefined = first;
    while (reason?.by && !seen.has(reason.by)) {
      seen.add(reason.by);
      const next = byPath.get(reason.by);
      if (!next) break;
      // Prefer a reason that is not itself a symlink or parent hop, so the chain reads as causes.
      const step: Reason = next.reasons.find((r) => r.rule !== 'parent' && r.rule !== 'symlink') ?? next.reasons[0];
      chain.push({ path: reason.by, reason: step });
      reason = step;
    }
    return chain;
  });
  return { path: normalized, kept: true, chains };
}
