/**
 * Which operating system a stage is built for, which decides how BuildKit reads its paths (see paths.ts).
 * BuildKit takes it from `FROM --platform`, else from the build's target platform (`--platform`, default the
 * builder's own). A Dockerfile read on Linux without `--platform` may still be meant for Windows: only Windows
 * Dockerfiles use `# escape=\`` (a backslash is their path separator) or start from Microsoft's Windows base
 * images, and BuildKit on Linux could not build from those at all. Such a Dockerfile is read for
 * `windows/<this machine's architecture>`, as the Windows builder it is written for would.
 */
import type { Dockerfile } from '../dockerfile';
import { defaultPlatform } from './scope';

/** Base images that exist only for Windows: Microsoft's Windows images and tags naming a Windows release. */
const WINDOWS_IMAGE = /(?:^|\/)(?:windows|nanoserver|servercore|windowsservercore)(?:[/:@-]|$)|[:-](?:windowsservercore|nanoserver|servercore|ltsc20\d\d|1809|20h2)(?:[-.@]|$)/i;

/** The target platform to read a Dockerfile for when the user gave none. */
export function inferredPlatform(dockerfile: Dockerfile): string {
  const [, arch] = defaultPlatform().split('/');
  const windows = dockerfile.escape === '`' || dockerfile.stages.some((stage) => WINDOWS_IMAGE.test(stage.from.image));
  return windows ? `windows/${arch}` : defaultPlatform();
}

/** The OS part of a platform string (`windows/amd64` → `windows`), `linux` when empty. */
export function platformOS(platform: string | undefined): string {
  const os = (platform ?? '').split('/')[0].toLowerCase();
  return os === '' ? 'linux' : os;
}
