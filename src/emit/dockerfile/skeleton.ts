/**
 * The skeleton stage: symlinks, directories with their owners and modes, and paths COPY cannot carry, made by
 * a shell in a stage built FROM the original image, then copied into the scratch stage in one layer.
 *
 * No shell ever parses an image byte here. The stage runs one fixed script of ours in exec form, and every
 * path and link target is a separate JSON argument after it: `RUN ["/bin/sh", "-c", SCRIPT, "scratchify-
 * skeleton", op, arg, …, op, arg, …]`. The script reads the arguments as (op, operands) steps and quotes every
 * expansion, so a name with spaces, quotes, `$`, a newline or a leading `-` stays one operand.
 */
import type { EscapeChar } from '../../dockerfile';
import { rangesOperand } from '../../packages';
import type { SlimPlan } from '../../plan';
import { execWord, refuse, visible, type Field } from './quoting';

export const SKELETON_STAGE = 'scratchify-skeleton';
export const SKELETON_DIR = '/.scratchify-skeleton';

/**
 * The steps, each `op operand…`. Paths are relative (to / for `copy`, to the skeleton otherwise); every
 * operand after "$s/" starts with `/`, so only `ln`'s target and `cp`'s source need `--` against a leading
 * `-`. GNU cp wants `--parents` sources relative to the current directory, hence `cd /`. PATH is set so the
 * image's own environment decides nothing but which files exist.
 */
const SCRIPT =
  `set -eu; PATH=/usr/sbin:/usr/bin:/sbin:/bin; s=${SKELETON_DIR}; mkdir -p "$s"; cd /; ` +
  'while [ "$#" -gt 0 ]; do case $1 in ' +
  'copy) cp -a --parents -- "$2" "$s/"; shift 2 ;; ' +
  'mkdir) mkdir -p "$s/$2"; shift 2 ;; ' +
  'symlink) ln -s -- "$2" "$s/$3"; shift 3 ;; ' +
  'chown) chown "$2" "$s/$3"; shift 3 ;; ' +
  'chmod) chmod "$2" "$s/$3"; shift 3 ;; ' +
  '*) echo "scratchify-skeleton: unknown step $1" >&2; exit 1 ;; ' +
  'esac; done';

/**
 * The package database (src/packages): each file is whole lines of a file of the original image, copied here by
 * line number, so no byte of the image's database is ever written into the Dockerfile. Operands: the source's
 * absolute path, the destination relative to the skeleton, and the line ranges `from-to,from-to` (numbers we
 * computed). A line is what `read -r` returns, a last line without a line feed included, written back with one:
 * the same rule as src/packages/line-selection.ts, so the image built from this Dockerfile and the archive
 * written directly hold the same bytes. Only shell builtins run.
 */
export const LINES_SCRIPT =
  `set -eu; PATH=/usr/sbin:/usr/bin:/sbin:/bin; s=${SKELETON_DIR}; ` +
  'while [ "$#" -gt 0 ]; do case $1 in ' +
  'lines) r=$4,; n=0; lo=1; hi=0; ' +
  'while IFS= read -r l || [ -n "$l" ]; do n=$((n + 1)); ' +
  'while [ "$n" -gt "$hi" ] && [ -n "$r" ]; do c=${r%%,*}; r=${r#*,}; lo=${c%-*}; hi=${c#*-}; done; ' +
  'if [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ]; then printf \'%s\\n\' "$l"; fi; ' +
  'done < "$2" > "$s/$3"; shift 4 ;; ' +
  '*) echo "scratchify-skeleton: unknown step $1" >&2; exit 1 ;; ' +
  'esac; done';

/**
 * Arguments per RUN, in bytes: far below Linux's 128 KiB per argument (MAX_ARG_STRLEN) and 2 MiB or more for
 * all of them (ARG_MAX), so a skeleton of any size runs as a few RUNs.
 */
const MAX_RUN_ARGUMENT_BYTES = 64 * 1024;

/** One step: an op and its operands, each already checked and written as a JSON string. */
type Step = string[];

function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

function pathField(path: string): Field {
  return { label: `image path ${visible(path)}`, kind: 'image' };
}

/** The steps the plan asks for: copies first, then parents and directories, links, owners, modes. */
function steps(plan: SlimPlan): Step[] {
  const { directories, symlinks, assembled } = plan.skeleton;
  const word = (value: string, path: string): string => execWord(value, pathField(path));
  const result: Step[] = [];
  for (const path of assembled) result.push(['"copy"', word(relative(path), path)]);
  const parents = new Map<string, string>(directories.map((dir) => [relative(dir.path), dir.path]));
  for (const link of [...symlinks, ...(plan.synthesized ?? [])]) {
    const parent = link.path.slice(0, link.path.lastIndexOf('/'));
    if (parent !== '') parents.set(relative(parent), parent);
  }
  for (const [path, original] of [...parents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) result.push(['"mkdir"', word(path, original)]);
  for (const link of symlinks) {
    if (link.target === '') refuse({ label: `image symlink ${visible(link.path)}`, kind: 'image' }, 'has an empty target, which ln cannot make');
    const target = execWord(link.target, { label: `image symlink ${visible(link.path)} target`, kind: 'image' });
    result.push(['"symlink"', target, word(relative(link.path), link.path)]);
  }
  // Owners and modes last, so a read-only or foreign-owned directory does not stop the steps before it.
  const owned = directories.filter((dir) => dir.uid !== 0 || dir.gid !== 0);
  const byOwner = (dir: { uid: number; gid: number }): string => `${dir.uid}:${dir.gid}`;
  const mode = (dir: { mode: number }): string => (dir.mode & 0o7777).toString(8).padStart(4, '0');
  for (const dir of [...owned].sort((a, b) => byOwner(a).localeCompare(byOwner(b)))) {
    result.push(['"chown"', numeric(byOwner(dir), dir.path), word(relative(dir.path), dir.path)]);
  }
  for (const dir of [...directories].sort((a, b) => mode(a).localeCompare(mode(b)))) {
    result.push(['"chmod"', numeric(mode(dir), dir.path), word(relative(dir.path), dir.path)]);
  }
  return result;
}

/** Owners and modes come from numbers in the image's tar headers; anything else is a bug upstream. */
function numeric(value: string, path: string): string {
  if (!/^[0-9]+(:[0-9]+)?$/.test(value)) refuse(pathField(path), `has owner or mode ${visible(value)}, not numbers`);
  return `"${value}"`;
}

/** The package database's steps: each file as line ranges of an original file. */
function lineSteps(plan: SlimPlan): Step[] {
  return (plan.synthesized ?? []).map((file) => {
    const ranges = rangesOperand(file.lines);
    if (!/^[0-9]+-[0-9]+(,[0-9]+-[0-9]+)*$/.test(ranges)) refuse(pathField(file.path), `has line ranges ${visible(ranges)}, not numbers`);
    return ['"lines"', execWord(file.source, pathField(file.source)), execWord(relative(file.path), pathField(file.path)), `"${ranges}"`];
  });
}

/** `RUN [...]` instructions running the steps, split to keep each one's arguments small. */
function runs(all: Step[], escape: EscapeChar, script: string = SCRIPT): string[] {
  const head = `RUN ["/bin/sh", "-c", ${JSON.stringify(script)}, ${escape}\n     "${SKELETON_STAGE}"`;
  const result: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (lines.length > 0) result.push(`${head}, ${escape}\n     ${lines.join(`, ${escape}\n     `)}]`);
    lines = [];
    bytes = 0;
  };
  for (const step of all) {
    const size = step.reduce((sum, word) => sum + Buffer.byteLength(word), 0);
    if (bytes + size > MAX_RUN_ARGUMENT_BYTES) flush();
    lines.push(step.join(', '));
    bytes += size;
  }
  flush();
  return result;
}

/** The skeleton stage, or nothing when the plan needs none. */
export function skeletonStage(plan: SlimPlan, alias: string, escape: EscapeChar): string[] {
  const all = steps(plan);
  const database = lineSteps(plan);
  if (all.length === 0 && database.length === 0) return [];
  return [
    '# Symlinks, directories with their owners and modes, and paths COPY cannot name exactly: COPY cannot',
    '# make a symlink, the directories it creates are root-owned 0755, and it reads [ * ? \\ as patterns.',
    `FROM ${alias} AS ${SKELETON_STAGE}`,
    'USER 0',
    ...runs(all, escape),
    ...(database.length > 0 ? ['# The package database limited to the kept packages: lines of its files, chosen by number.', ...runs(database, escape, LINES_SCRIPT)] : []),
    '',
  ];
}
