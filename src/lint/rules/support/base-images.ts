/**
 * What a base image reference says about the image, from its name alone (no registry is asked): whether it
 * is scratch, a distroless-style image, a Linux distribution, or a language, toolchain or server image built
 * on one. Images this module does not know are `unknown`, and rules stay quiet about them.
 */
import { parseImageReference, type ImageReference } from './image-reference';

export type BaseKind =
  /** No file system at all. */
  | 'scratch'
  /** Only what a program needs to run (no shell, no package manager): distroless, Chainguard, chiseled. */
  | 'minimal'
  /** A Linux distribution: shell, package manager, core utilities and libraries. */
  | 'distribution'
  /** A language runtime, toolchain or server installed on a distribution. */
  | 'runtime';

export interface BaseClass {
  kind: BaseKind;
  /** For distributions and runtimes: the tag names a slimmed variant (`-slim`, alpine, `-minimal`). */
  slim: boolean;
  /** For runtimes: the image carries compilers or a build toolchain, and which. */
  toolchain?: string;
}

const DISTRIBUTIONS = new Set([
  'debian', 'ubuntu', 'alpine', 'centos', 'fedora', 'rockylinux', 'rockylinux/rockylinux', 'almalinux', 'amazonlinux', 'oraclelinux',
  'opensuse/leap', 'opensuse/tumbleweed', 'archlinux', 'photon', 'mageia', 'clearlinux', 'kalilinux/kali-rolling', 'gentoo/stage3',
  'redhat/ubi8', 'redhat/ubi9', 'ubi8', 'ubi9', 'ubi8/ubi', 'ubi9/ubi', 'ubi8/ubi-minimal', 'ubi9/ubi-minimal',
  'ubi8-minimal', 'ubi9-minimal', 'chainguard/wolfi-base', 'buildpack-deps',
]);

/** Docker Hub language, server and toolchain images, all built on Debian, Alpine or another distribution. */
const RUNTIMES = new Set([
  'node', 'python', 'ruby', 'php', 'perl', 'openjdk', 'eclipse-temurin', 'amazoncorretto', 'sapmachine', 'ibm-semeru-runtimes', 'golang',
  'rust', 'gcc', 'maven', 'gradle', 'nginx', 'httpd', 'tomcat', 'jetty', 'haproxy', 'elixir', 'erlang', 'haskell', 'julia', 'swift',
  'dotnet/sdk', 'dotnet/aspnet', 'dotnet/runtime', 'dotnet/runtime-deps', 'clojure', 'groovy', 'kotlin', 'pypy', 'bun', 'oven/bun', 'denoland/deno',
]);

/** Images that are the toolchain themselves, whatever the tag. */
const TOOLCHAIN_IMAGES: Readonly<Record<string, string>> = {
  golang: 'the Go toolchain', rust: 'the Rust toolchain (rustc, cargo)', gcc: 'GCC', maven: 'Maven and a JDK', gradle: 'Gradle and a JDK',
  'dotnet/sdk': 'the .NET SDK', 'buildpack-deps': 'gcc, make and git', haskell: 'GHC and Cabal', swift: 'the Swift toolchain',
};

/** Images whose default (non-slim, non-alpine) Debian variant is built FROM buildpack-deps and so carries gcc, make and git. */
const BUILDPACK_BASED = new Set(['node', 'python', 'ruby', 'pypy', 'erlang', 'elixir']);

const JDK_IMAGES = new Set(['openjdk', 'eclipse-temurin', 'amazoncorretto', 'sapmachine', 'ibm-semeru-runtimes']);

function repositoryKey(reference: ImageReference): string {
  // mcr.microsoft.com/dotnet/sdk, registry.access.redhat.com/ubi9/ubi-minimal: the path names the image.
  return reference.path.toLowerCase();
}

/** What kind of base `reference` is, or undefined when the name says nothing this module knows. */
export function classifyBase(reference: string): BaseClass | undefined {
  if (reference === 'scratch') return { kind: 'scratch', slim: true };
  const parsed = parseImageReference(reference);
  const key = repositoryKey(parsed);
  // No tag means `latest`, unless a digest pins the image.
  const tag = (parsed.tag ?? (parsed.digest === undefined ? 'latest' : '')).toLowerCase();
  if (/\bdistroless\b|chiseled/.test(`${key}:${tag}`) || (parsed.registry === 'cgr.dev' && key !== 'chainguard/wolfi-base')) {
    return { kind: 'minimal', slim: true };
  }
  if (parsed.registry === 'registry.access.redhat.com' && /ubi-micro$|ubi\d+-micro$/.test(key)) return { kind: 'minimal', slim: true };
  const slim = /(?:^|-)(?:slim|alpine|minimal)/.test(tag) || /-minimal$|^alpine$/.test(key);
  if (DISTRIBUTIONS.has(key)) return { kind: 'distribution', slim, ...(key === 'buildpack-deps' ? { toolchain: TOOLCHAIN_IMAGES[key] } : {}) };
  if (RUNTIMES.has(key)) {
    const toolchain =
      TOOLCHAIN_IMAGES[key] ??
      (JDK_IMAGES.has(key) && /jdk/.test(tag) ? 'a JDK (javac)' : undefined) ??
      (BUILDPACK_BASED.has(key) && !slim && !/windows|nanoserver/.test(tag) ? 'gcc, make and git (this variant is built on buildpack-deps)' : undefined);
    return { kind: 'runtime', slim, ...(toolchain ? { toolchain } : {}) };
  }
  return undefined;
}
