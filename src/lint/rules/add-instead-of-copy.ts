/**
 * ADD where COPY would do. ADD does more than copy: it extracts local tar archives and downloads URLs. For a
 * local file that is not an archive that magic only surprises (hadolint DL3020). A URL downloaded into the
 * final image leaves the download in a layer, where a later RUN that unpacks, installs or deletes it cannot
 * take it out again.
 *
 * Decisions, to keep findings precise:
 * - archives are judged by name, conservatively: ADD detects them by content, so any tar or compression
 *   suffix (`.tar`, `.tgz`, `.gz`, `.zst`…), or a glob or variable that could name one, is left alone;
 * - an explicit `--unpack` (BuildKit 1.17+) states the intent and is never reported for local sources;
 *   `ADD --unpack=true <url>` keeps only the extracted files, which is what was wanted;
 * - a remote file that is not an archive and has `--checksum` is a pinned, verified artifact used as is
 *   (Docker documents `ADD --checksum=sha256:… <url>` for this): not reported. Without `--checksum` it is
 *   reported, as is any remote archive, with or without a checksum, since the archive bytes stay;
 * - Git sources (`https://…/x.git#ref`, `git@…`, `--keep-git-dir`) and heredocs are not copies of files.
 * Local sources are reported in every stage (replacing ADD by COPY is always safe and explicit); remote
 * ones only in the final image's lineage, since a build stage's layers are not shipped.
 */
import type { AddInstruction } from '../../dockerfile/ir';
import type { DockerfileLintContext, DockerfileLintRule } from '../types';

/** Names ADD may extract: tar and the compressions it detects (a `.gz` may hold a tar). */
const MAYBE_TAR = /\.(?:tar|tgz|taz|tbz2?|tb2|tz2|txz|tzst|tlz|gz|bz2|xz|zst|lz4|lzma|lz|z)$/i;
/** Downloads that are typically unpacked or installed, then deleted, by a later RUN. */
const OTHER_ARCHIVE = /\.(?:zip|7z|rar|deb|rpm)$/i;

type SourceName = 'archive' | 'plain' | 'unknown';

function unquoted(source: string): string {
  return source.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
}

/** The last path segment, query and fragment removed (`https://host/a/b.tar.gz?x=1` → `b.tar.gz`). */
function lastSegment(path: string): string {
  const withoutQuery = path.replace(/[?#].*$/, '');
  return withoutQuery.slice(withoutQuery.lastIndexOf('/') + 1);
}

/**
 * What a source's name says: `archive` when it may be one, `plain` when it cannot, `unknown` when a glob or
 * variable decides (`*`, `dist/${NAME}`). A name ending in `/` or `.` is a directory, which ADD copies as is.
 */
function sourceName(path: string): SourceName {
  if (path.endsWith('/')) return 'plain';
  const name = lastSegment(path);
  if (name === '' || name === '.' || name === '..') return 'plain';
  if (MAYBE_TAR.test(name)) return 'archive';
  if (!/[$*?[]/.test(name)) return 'plain';
  // `${NAME}.json` or `*.txt`: the variable part cannot make the literal extension an archive one.
  return /\.[A-Za-z0-9]+$/.test(name) ? 'plain' : 'unknown';
}

function isRemote(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** What BuildKit clones instead of downloading. An http(s) URL with a `#ref` fragment is a repository too. */
function isGitSource(source: string, instruction: AddInstruction): boolean {
  if (instruction.keepGitDir) return true;
  if (/^git@/.test(source) || /^(?:git|ssh|git\+ssh|git\+https?):\/\//i.test(source)) return true;
  return isRemote(source) && (/\.git(?:[#?]|\/?$)/.test(source) || source.includes('#'));
}

/** A URL added to the final image: reported unless it is unpacked, or a single file pinned by checksum. */
function reportDownload(context: DockerfileLintContext, instruction: AddInstruction, written: string, url: string): void {
  if (instruction.unpack === true) return;
  const report = (message: string, fix: string, archive: boolean): void =>
    context.report({ instruction, near: written, message, fix, data: { url, archive } });
  if (sourceName(url) === 'archive') {
    report(
      `ADD ${url} downloads an archive into the final image: the archive stays in this layer even if a later RUN extracts and deletes it`,
      'Use `ADD --unpack=true <url> <dir>` (Dockerfile syntax 1.17+) to keep only the extracted files, or download and extract in a build stage and `COPY --from` the result.',
      true,
    );
  } else if (OTHER_ARCHIVE.test(lastSegment(url))) {
    report(
      `ADD ${url} downloads a package or archive into the final image: it stays in this layer even if a later RUN installs or extracts it and then deletes it`,
      'Download, verify and install or extract it in a build stage, and `COPY --from` only the files the image needs.',
      true,
    );
  } else if (instruction.checksum === undefined) {
    report(
      `ADD ${url} downloads into the final image without --checksum: the content is not verified, and the download stays in this layer whatever a later RUN does with it`,
      'Pin the file with `ADD --checksum=sha256:<digest> <url>` if the image uses it as is; otherwise download and process it in a build stage and `COPY --from` the result.',
      false,
    );
  }
}

export const addInsteadOfCopy: DockerfileLintRule = {
  meta: {
    id: 'add-instead-of-copy',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'ADD is used where COPY would do: a local file that is not an archive, or a download into the final image.',
    rationale:
      'ADD extracts local tar archives and downloads URLs; for anything else it is COPY with surprises (a file that turns out ' +
      'to be a tar is unpacked). A URL added to the final image stays in that layer: a later RUN that extracts, installs or ' +
      'deletes the download adds a layer but cannot remove the bytes, and without `--checksum` the content is not verified. ' +
      'Remote downloads in build stages are not reported; their layers are not shipped.',
    fix:
      'Use COPY for local files and directories. For a download, fetch and verify it in a build stage and `COPY --from` what the ' +
      'image needs; for a tar archive, `ADD --unpack=true <url> <dir>` (Dockerfile syntax 1.17+) keeps only the extracted files; ' +
      'for a single file used as is, pin it with `ADD --checksum=sha256:… <url>`.',
    related: { hadolint: ['DL3020'], other: ['Docker build best practices ("ADD or COPY")', 'CIS Docker Benchmark 4.9 (use COPY instead of ADD)'] },
    example: {
      bad: 'FROM debian:12-slim\nADD config.json /etc/app/\nADD https://example.com/tool-1.2.tar.gz /tmp/\nRUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt && rm /tmp/tool-1.2.tar.gz',
      good: 'FROM debian:12-slim\nCOPY config.json /etc/app/\nADD --unpack=true --checksum=sha256:… https://example.com/tool-1.2.tar.gz /opt/',
    },
  },
  check(context) {
    const finalStages = new Set(context.finalLineage);
    for (const stage of context.dockerfile.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'ADD') continue;
        // Heredoc sources (`<<EOF`, `<<-"EOF"`) are inline files, not paths.
        const sources = instruction.sources.filter((source) => !(instruction.heredocs.length > 0 && source.startsWith('<<')));
        const local: string[] = [];
        let onlyPlainLocal = sources.length > 0;
        for (const written of sources) {
          const source = unquoted(written);
          if (isGitSource(source, instruction)) {
            onlyPlainLocal = false;
          } else if (isRemote(source)) {
            onlyPlainLocal = false;
            if (finalStages.has(stage)) reportDownload(context, instruction, written, source);
          } else {
            // `${BASE}/file` may be a URL once expanded: only a literal first segment says it is local.
            const plain = !/^[^/]*\$/.test(source) && sourceName(source) === 'plain';
            if (plain) local.push(written);
            else onlyPlainLocal = false;
          }
        }
        if (onlyPlainLocal && instruction.unpack === undefined) {
          context.report({
            instruction,
            message: `ADD ${local.join(' ')}: ${local.length > 1 ? 'these are' : 'this is'} not an archive ADD would extract; COPY does the same without ADD's extraction and download behaviour`,
            fix: 'Write `COPY` instead of `ADD` here.',
            data: { sources: local },
          });
        }
      }
    }
  },
};
