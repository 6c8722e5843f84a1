/**
 * Jar manifests: a jar's `META-INF/MANIFEST.MF` may name more jars in its main section's `Class-Path:`
 * attribute — space-separated URLs relative to the jar's own directory (the JAR File Specification,
 * "Class-Path Attribute") — which the class loader opens as if they were on the class path, so a kept jar
 * keeps them, and their own manifests are read in turn.
 *
 * The jar is a zip: its end-of-central-directory record leads to the central directory, whose entry for the
 * manifest gives the local header and the stored or deflated data (APPNOTE.TXT 4.3). The image is
 * hostile: jars above a size bound are not read, the manifest is inflated to a bounded length, and a
 * malformed archive is a warning for that jar.
 */
import { posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { entryAt } from './run-state';

/** Jars above this size are not opened (the manifest of a bigger one must be named with --keep). */
const JAR_READ_LIMIT = 256 * 1024 * 1024;
/** Manifests are small; a longer one is cut here. */
const MANIFEST_LIMIT = 256 * 1024;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export type ManifestResult = { ok: true; text: string | undefined } | { ok: false; message: string };

/** The text of `META-INF/MANIFEST.MF` in a zip, undefined when it has none. Never throws. */
export function readJarManifest(zip: Buffer): ManifestResult {
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  let eocd = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd === -1) return { ok: false, message: 'not a zip archive (no end of central directory)' };
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let index = 0; index < count; index++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) return { ok: false, message: 'central directory truncated' };
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('latin1');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.toUpperCase() !== 'META-INF/MANIFEST.MF') continue;
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL_SIGNATURE) return { ok: false, message: 'manifest local header missing' };
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, Math.min(zip.length, start + compressed));
    if (method === 0) return { ok: true, text: data.subarray(0, MANIFEST_LIMIT).toString('utf8') };
    if (method !== 8) return { ok: false, message: `manifest compressed with method ${method}` };
    try {
      return { ok: true, text: inflateRawSync(data, { maxOutputLength: MANIFEST_LIMIT }).toString('utf8') };
    } catch {
      return { ok: false, message: 'manifest does not inflate (or is larger than 256 KiB)' };
    }
  }
  return { ok: true, text: undefined };
}

/** The `Class-Path` entries of a manifest's main section, with the 1-based line where the attribute starts. */
export function manifestClassPath(text: string): { entries: string[]; line: number } | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    // The main section ends at the first empty line; per-entry sections follow.
    if (lines[index] === '') return undefined;
    const match = /^Class-Path:\s?(.*)$/i.exec(lines[index]);
    if (!match) continue;
    // Continuation lines start with one space, which is dropped (72-byte line limit).
    let value = match[1];
    for (let next = index + 1; next < lines.length && lines[next].startsWith(' '); next++) value += lines[next].slice(1);
    return { entries: value.split(/\s+/).filter((entry) => entry !== ''), line: index + 1 };
  }
  return undefined;
}

/** A relative URL of a Class-Path entry as a path relative to the jar's directory, or undefined (absolute URLs elsewhere). */
function entryPath(entry: string, jarDir: string): string | undefined {
  if (/^[A-Za-z][\w+.-]*:/.test(entry) && !entry.startsWith('file:')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(entry.replace(/^file:/, ''));
  } catch {
    return undefined;
  }
  return posix.resolve(jarDir, decoded);
}

export const javaManifestRule: FileRule = {
  id: 'java-manifest',
  description: "jars named by a kept jar's manifest Class-Path",
  async inspect(file, context) {
    if (!/\.jar$/i.test(file.path) || file.head.length < 4 || file.head.readUInt32LE(0) !== LOCAL_SIGNATURE) return;
    const entry = entryAt(context, file.path);
    if (!entry || entry.size > JAR_READ_LIMIT) return;
    await keepManifestClassPath(context, file.path);
  },
};

async function keepManifestClassPath(context: AnalysisContext, jar: string): Promise<void> {
  const manifest = readJarManifest(await context.read(jar));
  if (!manifest.ok) {
    context.warn(`${jar}: ${manifest.message}; its manifest Class-Path is not followed`);
    return;
  }
  const classPath = manifest.text === undefined ? undefined : manifestClassPath(manifest.text);
  if (classPath === undefined) return;
  const origin = { path: jar, line: classPath.line };
  for (const element of classPath.entries) {
    const path = entryPath(element, posix.dirname(jar));
    if (path === undefined) continue;
    const reason: Reason = { rule: 'java-manifest', by: jar, detail: `Class-Path ${element} in META-INF/MANIFEST.MF line ${classPath.line}`, origin };
    const found = entryAt(context, path);
    // A missing entry is not an error for the class loader, which skips it.
    if (found?.type === 'dir') context.keepTree(path, reason);
    else if (found !== undefined) context.keep(path, reason);
  }
}
