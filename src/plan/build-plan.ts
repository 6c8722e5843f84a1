/**
 * Analysis → slim plan. Four facts of COPY shape it (checked with Docker 20.10, BuildKit and legacy builder):
 * - COPY of a symlink source copies its target, so symlinks come from a skeleton made by a shell in a helper
 *   stage; copying a whole directory keeps the symlinks inside it.
 * - Hardlinks survive only within one COPY, so fully kept directories are copied whole.
 * - Files keep their owners and modes when copied from a stage (from the build context they would be 0:0),
 *   but directories COPY creates are root 0755: directories with other metadata go into the skeleton.
 * - overlay2 allows at most 128 layers and each COPY is one, so groups are coarsened past a limit.
 * - A source naming `[`, `*`, `?` or `\` is a pattern, and no form of it copies exactly that path in BuildKit,
 *   the legacy builder and buildah alike (see isCopyPattern): such paths are carried by the skeleton stage.
 */
import { posix } from 'node:path';
import type { Analysis, KeptPath, Reason } from '../analyze';
import type { FileTree } from '../tree/types';
import { runtimeConfig } from './runtime-config';
import type { CopyGroup, SkeletonDirectory, SkeletonSymlink, SlimPlan } from './types';

/** COPY instructions allowed in the slim stage, leaving room under overlay2's 128 layers. */
export const MAX_COPY_GROUPS = 100;

/**
 * Sources allowed in one COPY. Docker 20.10's BuildKit (Debian 12, Ubuntu 22.04) failed COPY instructions with
 * about a hundred sources with "flightcontrol: exceeded retry timeout", on a loaded machine and on a quiet one:
 * a larger group is assembled in the skeleton stage (one COPY of one directory) when the image has GNU cp, and
 * split into several COPY instructions otherwise.
 */
export const MAX_SOURCES_PER_COPY = 32;

/**
 * True when COPY would read `path` as a pattern rather than a name. BuildKit (fsutil `copy`) and the legacy
 * builder treat a source with `*`, `?` or `[` as a pattern and take one without them literally, `\` included,
 * so `\[` escapes nothing; `[[]` does escape `[` for both, but buildah matches the names it found a second
 * time as patterns, so `[[]id].js` gives `i.js` and `d.js` there (all checked with real builds). No spelling
 * works in all three, so such paths are never COPY sources.
 */
export function isCopyPattern(path: string): boolean {
  return /[[*?\\]/.test(path);
}

export interface PlanOptions {
  /** Whether the original image has a POSIX shell with mkdir/ln/chmod/chown for the skeleton stage. */
  hasShell: boolean;
  /** Whether its `cp` is GNU cp, whose `-a --parents` can assemble overflow groups in the skeleton. */
  hasCpParents?: boolean;
}

function isRegular(kept: KeptPath): boolean {
  return kept.type === 'file' || kept.type === 'hardlink';
}

function hasDefaultDirectoryMetadata(kept: KeptPath): boolean {
  return kept.mode === 0o755 && kept.uid === 0 && kept.gid === 0;
}

/** The program a reason chain leads back to: for library reasons, the first non-library needer. */
function rootOf(reason: Reason, byPath: Map<string, KeptPath>): string | undefined {
  let by = reason.by;
  const seen = new Set<string>();
  while (by && !seen.has(by)) {
    seen.add(by);
    const next = byPath.get(by);
    const elfReason = next?.reasons.find((r) => r.rule.startsWith('elf-') && r.by);
    const rules = next?.reasonCounts ? Object.keys(next.reasonCounts) : next?.reasons.map((r) => r.rule);
    if (!elfReason || !rules?.every((rule) => rule.startsWith('elf-') || rule === 'symlink' || rule === 'parent')) return by;
    by = elfReason.by;
  }
  return by;
}

function phrase(reason: Reason, byPath: Map<string, KeptPath>): string {
  const rule = reason.rule;
  if (rule.startsWith('elf-')) return `libraries of ${rootOf(reason, byPath) ?? 'the program'}`;
  if (rule === 'entrypoint' || rule === 'cmd') return 'the program the container runs';
  if (rule.endsWith('-argument')) return `files named on the command line of ${reason.by ?? 'the container'}`;
  if (rule === 'healthcheck') return 'the healthcheck';
  if (rule === 'application') {
    const line = /line (\d+)/.exec(reason.detail);
    return line ? `the application (Dockerfile line ${line[1]})` : 'the application';
  }
  if (rule === 'keep') return `kept on request (${reason.detail})`;
  if (rule === 'trace') {
    const check = /by (check \d+ of .+)$/.exec(reason.detail);
    return check ? `used at run time by ${check[1]}` : 'used at run time by a traced check';
  }
  if (rule === 'script-command' || rule.endsWith('-shell-command')) return `commands run by ${reason.by ?? 'a script'}`;
  if (rule.startsWith('shebang') || rule === 'shell-script') return `interpreter of ${reason.by ?? 'a script'}`;
  return reason.by ? `${rule} for ${reason.by}` : rule;
}

/** A comment naming the main reasons of a group's files (at most two, most frequent first). */
function groupComment(members: KeptPath[], byPath: Map<string, KeptPath>): string {
  const counts = new Map<string, number>();
  for (const member of members) {
    // A file the static closure keeps is described by that reason even when a trace saw it too, so a traced
    // Dockerfile differs from the static one only where the trace added files.
    const named = member.reasons.filter((r) => r.rule !== 'parent' && r.rule !== 'symlink');
    const reason = named.find((r) => r.rule !== 'trace') ?? named[0] ?? member.reasons[0];
    const text = phrase(reason, byPath);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([text]) => text);
  return ranked.length > 2 ? `${ranked.slice(0, 2).join('; ')} (and more)` : ranked.join('; ');
}

function ownerOf(members: KeptPath[]): string | undefined {
  const owners = new Set(members.map((member) => `${member.uid}:${member.gid}`));
  if (owners.size !== 1) return undefined;
  const owner = [...owners][0];
  return owner === '0:0' ? undefined : owner;
}

export async function buildPlan(fullAnalysis: Analysis, tree: FileTree, options: PlanOptions): Promise<SlimPlan> {
  // Synthesized paths (the package database) are not in the original stage: COPY cannot name them.
  const analysis: Analysis = { ...fullAnalysis, kept: fullAnalysis.kept.filter((kept) => !kept.synthesized) };
  const synthesized = fullAnalysis.packages?.database ?? [];
  const byPath = new Map(analysis.kept.map((kept) => [kept.path, kept]));
  const notes: string[] = [];

  // A directory is copied whole when every entry under it is kept and it holds at least one non-directory.
  const fullyKept = new Map<string, boolean>();
  const holdsContent = new Map<string, boolean>();
  const visit = (dir: string): boolean => {
    const known = fullyKept.get(dir);
    if (known !== undefined) return known;
    let full = true;
    let content = false;
    for (const name of tree.list(dir)) {
      const child = dir === '/' ? `/${name}` : `${dir}/${name}`;
      const kept = byPath.get(child);
      if (!kept) {
        full = false;
        continue;
      }
      if (kept.type === 'dir') {
        if (!visit(child)) full = false;
        if (holdsContent.get(child)) content = true;
      } else content = true;
    }
    fullyKept.set(dir, full);
    holdsContent.set(dir, content);
    return full;
  };
  for (const kept of analysis.kept) if (kept.type === 'dir') visit(kept.path);

  const wholeDirectories = analysis.kept
    .filter((kept) => kept.type === 'dir' && kept.path !== '/' && fullyKept.get(kept.path) && holdsContent.get(kept.path))
    .filter((kept) => {
      const parent = posix.dirname(kept.path);
      return parent === '/' || !(fullyKept.get(parent) && holdsContent.get(parent));
    })
    .map((kept) => kept.path);
  const wholeSet = new Set(wholeDirectories);
  const insideWhole = (path: string): boolean => {
    for (let dir = posix.dirname(path); dir !== '/'; dir = posix.dirname(dir)) if (wholeSet.has(dir)) return true;
    return false;
  };

  // Paths COPY cannot name go to the skeleton stage's `cp -a --parents` when the image has the tools for it;
  // otherwise they stay COPY sources and the emitter refuses them.
  const carriesPatterns = options.hasShell && options.hasCpParents === true;
  const assembled: string[] = [];
  const patternPaths: string[] = [];
  const carried = (path: string): boolean => {
    if (!carriesPatterns || !isCopyPattern(path)) return false;
    patternPaths.push(path);
    return true;
  };

  const copies: CopyGroup[] = [];
  for (const dir of wholeDirectories) {
    if (carried(dir)) continue;
    const members = analysis.kept.filter((kept) => kept.path.startsWith(`${dir}/`));
    copies.push({
      comment: groupComment(members.filter((member) => member.type !== 'dir'), byPath),
      sources: [dir],
      destination: dir,
      wholeDirectory: true,
      bytes: members.filter((m) => m.type === 'file').reduce((sum, m) => sum + m.size, 0),
    });
  }

  const directories: SkeletonDirectory[] = [];
  const symlinks: SkeletonSymlink[] = [];
  const fileGroups = new Map<string, KeptPath[]>();
  let dereferenced = false;
  for (const kept of analysis.kept) {
    if (kept.path === '/' || insideWhole(kept.path)) continue;
    if (kept.type === 'dir') {
      const hasKeptContent = holdsContent.get(kept.path) ?? false;
      if (!hasDefaultDirectoryMetadata(kept) || !hasKeptContent) directories.push({ path: kept.path, mode: kept.mode, uid: kept.uid, gid: kept.gid });
      continue;
    }
    if (kept.type === 'symlink') {
      if (options.hasShell) {
        symlinks.push({ path: kept.path, target: kept.linkTarget ?? '' });
        continue;
      }
      // Without a shell, a symlink to a file becomes a copy of the file under the link's name.
      dereferenced = true;
      const target = tree.resolve(kept.path, { followFinal: true });
      if (target.entry?.type === 'file' || target.entry?.type === 'hardlink') {
        const key = `${posix.dirname(kept.path)}\u0000${kept.uid}:${kept.gid}`;
        addToGroup(fileGroups, key, { ...kept, type: 'file', size: target.entry.size });
      } else notes.push(`${kept.path} is a symlink to a directory; without a shell in the image it is not recreated`);
      continue;
    }
    if (!isRegular(kept)) {
      notes.push(`${kept.path} is a ${kept.type}; COPY cannot create it, so it is left out`);
      continue;
    }
    if (carried(kept.path)) continue;
    const key = `${posix.dirname(kept.path)}\u0000${kept.uid}:${kept.gid}`;
    addToGroup(fileGroups, key, kept);
  }
  for (const [key, members] of fileGroups) {
    const dir = key.split('\u0000')[0];
    copies.push({
      comment: groupComment(members, byPath),
      sources: members.map((member) => member.path),
      destination: dir === '/' ? '/' : `${dir}/`,
      chown: ownerOf(members),
      wholeDirectory: false,
      bytes: members.reduce((sum, m) => sum + m.size, 0),
    });
  }
  copies.sort((a, b) => (a.sources[0] < b.sources[0] ? -1 : 1));

  if (!options.hasShell) {
    // No skeleton stage: an empty run-time directory is copied from the original stage instead (its
    // metadata then defaults to root 0755, and whatever it held comes along).
    for (const dir of directories.filter((d) => !holdsContent.get(d.path))) {
      copies.push({ comment: 'run-time directory', sources: [dir.path], destination: dir.path, wholeDirectory: true, bytes: 0 });
    }
  }
  assembled.push(...patternPaths);
  if (patternPaths.length > 0) {
    notes.push(`${patternPaths.length} paths whose names COPY reads as patterns ([ * ? \\) are assembled in the skeleton stage with cp -a --parents`);
  }
  // Groups with more sources than one COPY carries reliably: assembled in the skeleton, or split.
  let remaining = capSources(copies, options.hasShell && options.hasCpParents === true, { assembled, notes, byPath });
  // Over the layer limit, the smallest groups move into the skeleton stage when its cp can carry them exactly.
  const capped = remaining;
  if (options.hasShell && options.hasCpParents && capped.length > MAX_COPY_GROUPS) {
    const bySize = [...capped].sort((a, b) => a.bytes - b.bytes || (a.sources[0] < b.sources[0] ? -1 : 1));
    const moved = new Set(bySize.slice(0, capped.length - MAX_COPY_GROUPS));
    for (const group of moved) assembled.push(...group.sources);
    remaining = capped.filter((group) => !moved.has(group));
    notes.push(`${moved.size} small groups are assembled in the skeleton stage with cp -a --parents to stay under ${MAX_COPY_GROUPS} COPY layers`);
  }
  // GNU cp --parents creates the parent directories 0700: list them so the skeleton sets their real metadata.
  const listed = new Set(directories.map((dir) => dir.path));
  for (const source of assembled) {
    for (let dir = posix.dirname(source); dir !== '/'; dir = posix.dirname(dir)) {
      const kept = byPath.get(dir);
      if (listed.has(dir) || !kept) continue;
      listed.add(dir);
      directories.push({ path: dir, mode: kept.mode, uid: kept.uid, gid: kept.gid });
    }
  }
  const coarsened = coarsen(remaining, analysis, tree, notes);
  if (!options.hasShell && synthesized.length > 0) {
    notes.push('the original image has no /bin/sh to write the package database in a skeleton stage: this Dockerfile leaves it out; --oci-archive and --docker-archive carry it');
  }
  if (!options.hasShell && (directories.length > 0 || dereferenced)) {
    notes.push('the original image has no /bin/sh: symlinks are copied as files and run-time directories keep default metadata');
  }
  return {
    skeleton: { directories: options.hasShell ? directories : [], symlinks, assembled: assembled.sort() },
    skeletonMode: options.hasShell ? 'shell' : 'dereference',
    copies: coarsened,
    synthesized,
    config: await runtimeConfig(analysis, tree, notes),
    notes,
  };
}

function addToGroup(groups: Map<string, KeptPath[]>, key: string, member: KeptPath): void {
  const members = groups.get(key);
  if (members) members.push(member);
  else groups.set(key, [member]);
}

/** Keeps every COPY at MAX_SOURCES_PER_COPY sources or fewer (see there for why). */
function capSources(copies: CopyGroup[], canAssemble: boolean, into: { assembled: string[]; notes: string[]; byPath: Map<string, KeptPath> }): CopyGroup[] {
  const { assembled, notes, byPath } = into;
  const result: CopyGroup[] = [];
  let movedGroups = 0;
  let splitGroups = 0;
  for (const group of copies) {
    if (group.sources.length <= MAX_SOURCES_PER_COPY) {
      result.push(group);
    } else if (canAssemble) {
      assembled.push(...group.sources);
      movedGroups++;
    } else {
      splitGroups++;
      const parts = Math.ceil(group.sources.length / MAX_SOURCES_PER_COPY);
      for (let part = 0; part < parts; part++) {
        const sources = group.sources.slice(part * MAX_SOURCES_PER_COPY, (part + 1) * MAX_SOURCES_PER_COPY);
        const bytes = sources.reduce((sum, source) => sum + (byPath.get(source)?.size ?? 0), 0);
        result.push({ ...group, comment: `${group.comment} (part ${part + 1} of ${parts})`, sources, bytes });
      }
    }
  }
  if (movedGroups > 0) notes.push(`${movedGroups} groups of more than ${MAX_SOURCES_PER_COPY} files are assembled in the skeleton stage with cp -a --parents, so no COPY has more sources than builders copy reliably`);
  if (splitGroups > 0) notes.push(`${splitGroups} groups of more than ${MAX_SOURCES_PER_COPY} files are split into several COPY instructions, so no COPY has more sources than builders copy reliably`);
  return result;
}

/**
 * Past MAX_COPY_GROUPS, replaces all groups under one directory with a single whole-directory COPY, again and
 * again. Each time it picks the directory that copies the fewest bytes the analysis did not ask for per COPY
 * saved, so a crowded `node_modules` is merged long before `/usr` would be. The notes say what was merged.
 */
function coarsen(copies: CopyGroup[], analysis: Analysis, tree: FileTree, notes: string[]): CopyGroup[] {
  if (copies.length <= MAX_COPY_GROUPS) return copies;
  const imageBytes = new Map<string, number>();
  for (const entry of tree.entries()) {
    if (entry.type !== 'file') continue;
    for (let dir = posix.dirname(entry.path); dir !== '/'; dir = posix.dirname(dir)) imageBytes.set(dir, (imageBytes.get(dir) ?? 0) + entry.size);
  }
  const keptBytes = new Map<string, number>();
  for (const kept of analysis.kept) {
    if (kept.type !== 'file') continue;
    for (let dir = posix.dirname(kept.path); dir !== '/'; dir = posix.dirname(dir)) keptBytes.set(dir, (keptBytes.get(dir) ?? 0) + kept.size);
  }
  let groups = copies;
  while (groups.length > MAX_COPY_GROUPS) {
    const counts = new Map<string, number>();
    for (const group of groups) {
      for (let dir = posix.dirname(group.sources[0]); dir !== '/'; dir = posix.dirname(dir)) counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
    let best: { dir: string; cost: number } | undefined;
    for (const [dir, count] of counts) {
      if (count < 2) continue;
      const cost = ((imageBytes.get(dir) ?? 0) - (keptBytes.get(dir) ?? 0)) / (count - 1);
      if (!best || cost < best.cost || (cost === best.cost && dir.length > best.dir.length)) best = { dir, cost };
    }
    if (!best) break;
    const dir = best.dir;
    const inside = groups.filter((group) => group.sources[0].startsWith(`${dir}/`));
    const rest = groups.filter((group) => !group.sources[0].startsWith(`${dir}/`));
    rest.push({ comment: `${inside.length} groups merged to stay under the layer limit`, sources: [dir], destination: dir, wholeDirectory: true, bytes: imageBytes.get(dir) ?? 0 });
    const extra = (imageBytes.get(dir) ?? 0) - (keptBytes.get(dir) ?? 0);
    notes.push(`${dir} is copied whole (${(extra / 1e6).toFixed(1)} MB more than the analysis needs) to stay under ${MAX_COPY_GROUPS} COPY layers`);
    groups = rest.sort((a, b) => (a.sources[0] < b.sources[0] ? -1 : 1));
  }
  return groups;
}
