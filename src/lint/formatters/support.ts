/** What several formatters share: counting by severity, paths relative to the working directory, the image line. */
import { isAbsolute, relative, sep } from 'node:path';
import type { Finding, ImageSummary, LintResult, Severity } from '../types';

export interface FormatOptions {
  /** ANSI colors (text only); the CLI enables them on a terminal without NO_COLOR or CI. */
  color?: boolean;
  /** Directory paths are shown relative to (SARIF artifact URIs, GitHub annotations). Default: process.cwd(). */
  cwd?: string;
  toolVersion: string;
  /** File texts by the name findings carry, for SARIF fingerprints; files not given are read from disk. */
  sources?: ReadonlyMap<string, string>;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** A path as a repository tool wants it: relative to `cwd` with forward slashes when inside it, else as given. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!isAbsolute(file)) return file.split(sep).join('/');
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** One line about the image: size, what slim would keep, unneeded share, layer waste. */
export function imageLine(image: ImageSummary): string {
  return (
    `image ${image.source}: ${mb(image.imageBytes)}; needed at run time ${mb(image.keptBytes)} (what scratchify slim would reach); ` +
    `unneeded ${mb(image.unneededBytes)} (${image.unneededPercent}%); layer waste ${mb(image.layerWasteBytes)} (efficiency ${(image.efficiency * 100).toFixed(1)}%)`
  );
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export type { LintResult };
