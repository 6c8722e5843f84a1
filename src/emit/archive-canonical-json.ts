/**
 * Canonical JSON for the blobs of an image: object keys sorted (by UTF-16 code units, as JavaScript sorts),
 * no whitespace, arrays in their order. Blobs are named by their sha256, so one spelling per value is what
 * makes the same image give the same digests.
 */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      if (record[key] !== undefined) sorted[key] = canonical(record[key]);
    }
    return sorted;
  }
  return value;
}

/** `value` as canonical JSON bytes (UTF-8). `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(canonical(value)), 'utf8');
}
