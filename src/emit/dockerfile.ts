/**
 * Slim plan → Dockerfile. The original text is kept byte for byte except for an alias added to the target
 * stage's FROM when it has none; the slim stages are appended. Only instructions the legacy builder, BuildKit
 * and buildah all understand are used (no heredocs, no --chmod, no --link, no --exclude).
 */
import type { Dockerfile, EscapeChar } from '../dockerfile';
import type { CopyGroup, RuntimeConfig, SlimPlan } from '../plan';
import { VERSION } from '../version';

export interface DockerfileEmitInput {
  /** The original Dockerfile text. */
  text: string;
  dockerfile: Dockerfile;
  /** Index of the stage that produced the analyzed image. */
  target: number;
  plan: SlimPlan;
  /** How the user can ask `why` about this image, for the header comment (e.g. `--image-archive app.tar`). */
  imageArgument?: string;
}

export const SKELETON_STAGE = 'scratchify-skeleton';
const SKELETON_DIR = '/.scratchify-skeleton';

/** A name for the target stage that no other stage uses. */
export function targetAlias(dockerfile: Dockerfile, target: number): { alias: string; added: boolean } {
  const existing = dockerfile.stages[target].name;
  if (existing) return { alias: existing, added: false };
  const taken = new Set(dockerfile.stages.flatMap((stage) => (stage.name ? [stage.name] : [])));
  for (const candidate of ['original', 'scratchify-original']) if (!taken.has(candidate)) return { alias: candidate, added: true };
  let n = 2;
  while (taken.has(`scratchify-original-${n}`)) n++;
  return { alias: `scratchify-original-${n}`, added: true };
}

/** The original text with ` AS alias` added at the end of the target's FROM (its last physical line). */
export function withAlias(text: string, dockerfile: Dockerfile, target: number, alias: string): string {
  const lines = text.split('\n');
  const index = dockerfile.stages[target].from.range.endLine - 1;
  const line = lines[index];
  const match = /^(.*?)([ \t]*\r?)$/.exec(line) as RegExpExecArray;
  lines[index] = `${match[1]} AS ${alias}${match[2].replace(/^[ \t]*/, '')}`;
  return lines.join('\n');
}

/** A word for a COPY/WORKDIR/USER/VOLUME argument: the builder expands `$`, so escape it and the escape char. */
function literal(word: string, escape: EscapeChar): string {
  return word.replace(escape === '\\' ? /[\\$]/g : /[`$]/g, (ch) => `${escape}${ch}`);
}

function needsJson(words: string[]): boolean {
  return words.some((word) => /[\s"'[\]]/.test(word) || word === '');
}

function copyLine(group: CopyGroup, from: string, escape: EscapeChar): string {
  const flags = [`--from=${from}`, ...(group.chown ? [`--chown=${group.chown}`] : [])].join(' ');
  const words = [...group.sources, group.destination].map((word) => literal(word, escape));
  if (needsJson(words)) return `COPY ${flags} [${words.map((word) => JSON.stringify(word)).join(', ')}]`;
  if (words.length <= 2) return `COPY ${flags} ${words.join(' ')}`;
  return `COPY ${flags} ${words.join(` ${escape}\n     `)}`;
}

/** A double-quoted ENV/LABEL value; inside double quotes only `"`, `$` and the escape char are special. */
function quoted(value: string, escape: EscapeChar): string {
  const special = escape === '\\' ? /["$\\]/g : /["$`]/g;
  return `"${value.replace(special, (ch) => `${escape}${ch}`)}"`;
}

function jsonArray(words: string[]): string {
  return `[${words.map((word) => JSON.stringify(word)).join(', ')}]`;
}

function shellQuote(path: string): string {
  return /^[\w./+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

function skeletonStage(plan: SlimPlan, alias: string, escape: EscapeChar): string[] {
  const { directories, symlinks } = plan.skeleton;
  const steps: string[] = [`mkdir -p ${SKELETON_DIR}`];
  const parents = new Set<string>(directories.map((dir) => relative(dir.path)));
  for (const link of symlinks) {
    const parent = relative(link.path.slice(0, link.path.lastIndexOf('/')));
    if (parent !== '') parents.add(parent);
  }
  // cp --parents needs absolute sources, so cd into the skeleton only after it.
  const afterCopies: string[] = [`cd ${SKELETON_DIR}`];
  if (parents.size > 0) afterCopies.push(`mkdir -p ${[...parents].sort().map(shellQuote).join(' ')}`);
  for (const link of symlinks) afterCopies.push(`ln -s ${shellQuote(link.target)} ${shellQuote(relative(link.path))}`);
  // Groups over the layer limit: copied with owners, modes and links, parents included. GNU cp --parents
  // wants sources relative to the current directory (absolute ones fail), hence `cd /` first.
  if (plan.skeleton.assembled.length > 0) steps.push('cd /');
  for (let i = 0; i < plan.skeleton.assembled.length; i += 20) {
    steps.push(`cp -a --parents ${plan.skeleton.assembled.slice(i, i + 20).map((path) => shellQuote(relative(path))).join(' ')} ${SKELETON_DIR}/`);
  }
  steps.push(...afterCopies);
  const byMode = new Map<string, string[]>();
  const byOwner = new Map<string, string[]>();
  for (const dir of directories) {
    const mode = dir.mode.toString(8).padStart(4, '0');
    byMode.set(mode, [...(byMode.get(mode) ?? []), relative(dir.path)]);
    if (dir.uid !== 0 || dir.gid !== 0) {
      const owner = `${dir.uid}:${dir.gid}`;
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), relative(dir.path)]);
    }
  }
  // Owners and modes last, so a read-only or foreign-owned directory does not stop the steps before it.
  for (const [owner, paths] of [...byOwner].sort()) steps.push(`chown ${owner} ${paths.map(shellQuote).join(' ')}`);
  for (const [mode, paths] of [...byMode].sort()) steps.push(`chmod ${mode} ${paths.map(shellQuote).join(' ')}`);
  return [
    '# Symlinks and directories with their owners and modes: COPY cannot make a symlink, and the directories',
    '# COPY creates are root-owned 0755.',
    `FROM ${alias} AS ${SKELETON_STAGE}`,
    'USER 0',
    'SHELL ["/bin/sh", "-c"]',
    `RUN ${steps.join(` ${escape}\n && `)}`,
    '',
  ];
}

/** ENV … CMD restating a runtime config; values are literal, so `$` and the escape character are escaped. */
export function runtimeLines(config: RuntimeConfig, escape: EscapeChar): string[] {
  const lines: string[] = [];
  if (config.env.length > 0) lines.push(`ENV ${config.env.map(([key, value]) => `${key}=${quoted(value, escape)}`).join(` ${escape}\n    `)}`);
  for (const [key, value] of config.labels) lines.push(`LABEL ${quoted(key, escape)}=${quoted(value, escape)}`);
  if (config.exposedPorts.length > 0) lines.push(`EXPOSE ${config.exposedPorts.join(' ')}`);
  if (config.volumes.length > 0) lines.push(`VOLUME ${jsonArray(config.volumes.map((v) => literal(v, escape)))}`);
  if (config.workdir) lines.push(`WORKDIR ${literal(config.workdir, escape)}`);
  if (config.user) lines.push(`USER ${literal(config.user, escape)}`);
  if (config.stopSignal) lines.push(`STOPSIGNAL ${config.stopSignal}`);
  const health = config.healthcheck;
  if (health) {
    if (health.test[0] === 'NONE') lines.push('HEALTHCHECK NONE');
    else {
      const flags = [
        health.interval && `--interval=${health.interval}`,
        health.timeout && `--timeout=${health.timeout}`,
        health.startPeriod && `--start-period=${health.startPeriod}`,
        health.startInterval && `--start-interval=${health.startInterval}`,
        health.retries !== undefined && `--retries=${health.retries}`,
      ].filter(Boolean);
      const command = health.test[0] === 'CMD-SHELL' ? health.test[1] : jsonArray(health.test.slice(1));
      lines.push(`HEALTHCHECK ${[...flags, 'CMD', command].join(' ')}`);
    }
  }
  if (config.entrypoint) lines.push(`ENTRYPOINT ${jsonArray(config.entrypoint)}`);
  if (config.cmd) lines.push(`CMD ${jsonArray(config.cmd)}`);
  return lines;
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

export function emitDockerfile(input: DockerfileEmitInput): string {
  const { dockerfile, plan, target } = input;
  const escape = dockerfile.escape;
  const { alias, added } = targetAlias(dockerfile, target);
  const original = added ? withAlias(input.text, dockerfile, target, alias) : input.text;
  const total = plan.copies.reduce((sum, group) => sum + group.bytes, 0);
  const header = [
    '',
    '# ----------------------------------------------------------------------------------------------------',
    `# Slim runtime image, generated by scratchify ${VERSION}: FROM scratch with only the files the analysis of`,
    `# stage "${alias}" found its program needs (${megabytes(total)} of files). Each COPY says why.`,
    ...(input.imageArgument ? [`# Ask about any path: scratchify why ${input.imageArgument} PATH`] : []),
    ...plan.config.rewrites.map((rewrite) => `# Exec form, proven equivalent: ${rewrite}`),
    ...plan.notes.map((note) => `# Note: ${note}`),
    '# ----------------------------------------------------------------------------------------------------',
  ];
  const lines: string[] = [...header];
  const useSkeleton =
    plan.skeletonMode === 'shell' && (plan.skeleton.directories.length > 0 || plan.skeleton.symlinks.length > 0 || plan.skeleton.assembled.length > 0);
  if (useSkeleton) lines.push(...skeletonStage(plan, alias, escape));
  lines.push('FROM scratch');
  if (useSkeleton) lines.push(`COPY --from=${SKELETON_STAGE} ${SKELETON_DIR}/ /`);
  for (const group of plan.copies) {
    lines.push(`# ${group.comment}`);
    lines.push(copyLine(group, alias, escape));
  }
  lines.push(...runtimeLines(plan.config, escape));
  const separator = original.endsWith('\n') ? '' : '\n';
  return `${original}${separator}${lines.join('\n')}\n`;
}
