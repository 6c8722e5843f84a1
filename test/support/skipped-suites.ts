/**
 * A folder where gated suites note that they were skipped (test/support/gate.ts), made by the global setup, and at
 * the end of the run one line that lists the skipped tiers, why, and what sets them up. It is the run's last line:
 * jest runs the top-level global teardown after every project's own.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_NOTES_VARIABLE, type SkipNote, type Tier } from './gate';

export function startSkipNotes(): void {
  // Set before jest starts its workers, which inherit it.
  process.env[SKIP_NOTES_VARIABLE] = mkdtempSync(join(tmpdir(), 'scratchify-skips-'));
}

export function reportSkippedSuites(): void {
  const dir = process.env[SKIP_NOTES_VARIABLE];
  if (!dir) return;
  const notes = readdirSync(dir).flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SkipNote),
  );
  rmSync(dir, { recursive: true, force: true });
  delete process.env[SKIP_NOTES_VARIABLE];
  const line = skippedLine(notes);
  if (line) process.stdout.write(`\n${line}\n`);
}

const TIER_ORDER: readonly Tier[] = ['e2e', 'host', 'fast'];

/** One line for the notes of a run, or undefined when nothing was skipped. */
export function skippedLine(notes: readonly SkipNote[]): string | undefined {
  if (notes.length === 0) return undefined;
  const parts = TIER_ORDER.flatMap((tier) => {
    const ofTier = notes.filter((note) => note.tier === tier);
    if (ofTier.length === 0) return [];
    const files = new Set(ofTier.map((note) => note.file));
    const items = [...new Set(ofTier.flatMap((note) => note.items ?? []))].sort();
    const reasons = [...new Set(ofTier.filter((note) => !note.items).map((note) => note.reason))];
    if (items.length > 0) reasons.push(`not found: ${items.join(', ')}`);
    return [{ count: files.size, tier, why: reasons.join('; ') }];
  });
  const phrases = parts.map(({ count, tier, why }, index) =>
    index === 0 ? `${count} test file${count === 1 ? '' : 's'} of the ${tier} tier (${why})` : `${count} of the ${tier} tier (${why})`,
  );
  const remedies = [...new Set(notes.map((note) => note.remedy))];
  const listed = phrases.length > 1 ? `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}` : phrases[0];
  return `scratchify tests skipped ${listed}. ${remedies.join(' ')}`;
}
