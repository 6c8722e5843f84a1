/**
 * The headline number of a fat image: bytes the run-time analysis finds no use for. It is always reported
 * (so CI logs show the measurement), at the rule's severity, and as an error when the user's gate
 * (`--max-waste-percent`, `--max-waste-bytes`, or the config file) is exceeded.
 */
import type { ImageLintRule } from '../types';
import { megabytes } from './support/image-files';

export const unneededBytes: ImageLintRule = {
  meta: {
    id: 'unneeded-bytes',
    kind: 'image',
    category: 'size',
    severity: 'info',
    description: 'Bytes of the final image that the program does not need at run time.',
    rationale:
      'Everything the program never reads — shells, package managers, documentation, build leftovers — costs ' +
      'pull time, disk and attack surface. scratchify follows the entrypoint through ELF dependencies, ' +
      'interpreters, language runtimes and configuration to find what is needed; the rest is waste.',
    fix: 'Run `scratchify slim` to rewrite the final stage FROM scratch with only the needed files, or use a smaller base image.',
    related: { other: ['dive (efficiency)', 'SlimToolkit (minification)'] },
    example: { bad: 'FROM debian:12\nCOPY app /app\nCMD ["/app"]', good: 'FROM scratch\nCOPY --from=build /app /app\nCMD ["/app"]' },
  },
  check(context) {
    const { imageBytes, keptBytes } = context.analysis.totals;
    const unneeded = Math.max(0, imageBytes - keptBytes);
    const percent = imageBytes === 0 ? 0 : (unneeded / imageBytes) * 100;
    const { maxWastePercent, maxWasteBytes } = context.thresholds;
    const exceeded = [
      maxWastePercent !== undefined && percent > maxWastePercent ? `more than the allowed ${maxWastePercent}%` : undefined,
      maxWasteBytes !== undefined && unneeded > maxWasteBytes ? `more than the allowed ${megabytes(maxWasteBytes)}` : undefined,
    ].filter((text): text is string => text !== undefined);
    const message =
      `${megabytes(unneeded)} of ${megabytes(imageBytes)} (${percent.toFixed(1)}%) are not needed at run time; ` +
      `scratchify slim would reach ${megabytes(keptBytes)}` +
      (exceeded.length > 0 ? ` — ${exceeded.join(' and ')}` : '');
    context.report({
      message,
      severity: exceeded.length > 0 ? 'error' : undefined,
      data: { imageBytes, keptBytes, unneededBytes: unneeded, unneededPercent: Math.round(percent * 10) / 10, maxWastePercent, maxWasteBytes },
    });
  },
};
