/** `os-release(5)`: shell-like `KEY=value` lines, values optionally in double or single quotes. */
import type { OsRelease } from './types';

export function parseOsRelease(text: string): OsRelease | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2];
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    values.set(match[1], value);
  }
  const id = values.get('ID');
  if (!id) return undefined;
  return { id, versionId: values.get('VERSION_ID'), name: values.get('PRETTY_NAME') ?? values.get('NAME') };
}
