/**
 * Files one layer writes and a later layer deletes or overwrites: the image still carries the first copy.
 * This is dive's "wasted space"; the usual cause is cleanup in a separate RUN.
 */
import type { ImageLintRule } from '../types';
import { listSome, megabytes } from './support/image-files';

/**
 * dive's CI defaults (highestWastedBytes 20 MB, lowestEfficiency 0.9): below both, layer waste is bookkeeping
 * every later install causes (debconf templates, dpkg status, the CA bundle rewritten), not a fixable mistake.
 */
const MIN_WASTE_BYTES = 20e6;
const MIN_WASTE_SHARE = 0.1;

export const layerWaste: ImageLintRule = {
  meta: {
    id: 'layer-waste',
    kind: 'image',
    category: 'size',
    severity: 'warning',
    description: 'Files written in one layer and removed or overwritten in a later one.',
    rationale:
      'Layers only add: deleting or replacing a file in a later layer hides it but the earlier layer still ' +
      `ships its bytes. Reported, as dive's CI mode does by default, when the hidden bytes exceed ${megabytes(MIN_WASTE_BYTES)} ` +
      `or ${MIN_WASTE_SHARE * 100}% of all layer bytes (efficiency below ${100 - MIN_WASTE_SHARE * 100}%).`,
    fix: 'Delete files in the same RUN that creates them, or build in an earlier stage and COPY only the result.',
    related: { other: ['dive (wasted space, efficiency)'] },
    example: {
      bad: 'RUN curl -fsSLO https://example.com/tool.tgz\nRUN tar xzf tool.tgz && rm tool.tgz',
      good: 'RUN curl -fsSLO https://example.com/tool.tgz && tar xzf tool.tgz && rm tool.tgz',
    },
  },
  check(context) {
    const waste = context.layerWaste;
    if (waste.wastedBytes <= MIN_WASTE_BYTES && waste.wastedBytes <= waste.writtenBytes * MIN_WASTE_SHARE) return;
    const efficiency = waste.writtenBytes === 0 ? 1 : 1 - waste.wastedBytes / waste.writtenBytes;
    const largest = waste.largest.slice(0, 3).map((file) => `${file.path} (${megabytes(file.bytes)}, layer ${file.writtenIn + 1} → ${file.how} in ${file.hiddenIn + 1})`);
    context.report({
      message: `${megabytes(waste.wastedBytes)} in ${waste.wastedFiles} files are written by one layer and removed or replaced by a later one (efficiency ${(efficiency * 100).toFixed(1)}%); largest: ${listSome(largest, 3)}`,
      data: { wastedBytes: waste.wastedBytes, wastedFiles: waste.wastedFiles, writtenBytes: waste.writtenBytes, efficiency, largest: waste.largest },
    });
  },
};
