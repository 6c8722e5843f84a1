/**
 * Names as bytes, in the convention image readers use for names that are not UTF-8 (Python's
 * surrogateescape): each byte of an invalid sequence is the lone surrogate U+DC80+byte.
 */

const strict = new TextDecoder('utf-8', { fatal: true });

/** Bytes → string: valid UTF-8 sequences decoded, every other byte as U+DC80+byte. */
export function surrogateEscape(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    let decoded: string | undefined;
    let width = 1;
    for (; width <= 4 && i + width <= bytes.length; width++) {
      try {
        const candidate = strict.decode(bytes.subarray(i, i + width));
        if ([...candidate].length === 1) {
          decoded = candidate;
          break;
        }
      } catch {
        continue;
      }
    }
    if (decoded === undefined) {
      text += String.fromCharCode(0xdc00 + bytes[i]);
      i += 1;
    } else {
      text += decoded;
      i += width;
    }
  }
  return text;
}

/** String → bytes: the inverse of surrogateEscape. */
export function escapedBytes(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    parts.push(ch.length === 1 && code >= 0xdc80 && code <= 0xdcff ? Buffer.from([code - 0xdc00]) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}
