/**
 * Build tools left in the final image: compilers and toolchains, `-dev`/`-devel` packages (headers and
 * static libraries), language package managers installed as system packages, and version-control clients.
 * A program needs them to be built, not to run. Reported per RUN of the final lineage for the packages it
 * installs with a system package manager (apt, apk, yum, dnf, microdnf, zypper) that no RUN removes
 * (a removal in a later RUN is `cleanup-in-separate-layer`'s), and once for a final base image that is a
 * toolchain itself (golang, rust, gcc, maven, gradle, a JDK, the .NET SDK, the buildpack-deps-based
 * variants of node, python and ruby).
 */
import type { DockerfileLintRule } from '../types';
import { baseImageNote } from './support/base-image-purpose';
import { classifyBase } from './support/base-images';
import { keptSystemPackages, lineageRuns } from './support/final-lineage';

const COMPILERS = /^(?:gcc|g\+\+|gcc-c\+\+|cpp|c\+\+|clang|clang\+\+|llvm|gfortran|tcc)(?:-\d+(?:\.\d+)*)?$/;
const TOOLCHAINS = new Set([
  'build-essential', 'build-base', 'alpine-sdk', 'make', 'cmake', 'ninja-build', 'ninja', 'meson', 'autoconf', 'automake', 'libtool',
  'pkg-config', 'pkgconf', 'pkgconfig', 'bison', 'flex', 'golang', 'golang-go', 'go', 'rustc', 'cargo', 'rust', 'default-jdk',
  'default-jdk-headless', 'maven', 'gradle', 'ant', 'nasm', 'yasm',
]);
const JDK = /^(?:openjdk-?\d+-jdk(?:-headless)?|java-[\d.]+-openjdk-devel|temurin-\d+-jdk)$/;
const DEV_PACKAGE = /-(?:dev|devel|headers)$/;
const PACKAGE_MANAGERS = new Set(['python3-pip', 'python-pip', 'py3-pip', 'py-pip', 'npm', 'yarn', 'yarnpkg', 'composer', 'pipx']);
const VCS_CLIENTS = new Set(['git', 'git-core', 'git-lfs', 'subversion', 'mercurial', 'bzr', 'breezy', 'cvs']);

/** What kind of build tool package `name` is, or undefined when it is not one. */
export function buildToolKind(name: string): string | undefined {
  if (COMPILERS.test(name) || TOOLCHAINS.has(name) || JDK.test(name)) return 'compiler or build tool';
  if (DEV_PACKAGE.test(name)) return 'development package';
  if (PACKAGE_MANAGERS.has(name)) return 'package manager';
  if (VCS_CLIENTS.has(name)) return 'version-control client';
  return undefined;
}

export const buildToolsInFinalStage: DockerfileLintRule = {
  meta: {
    id: 'build-tools-in-final-stage',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'Compilers, -dev packages, language package managers or VCS clients are installed in the final image.',
    rationale:
      'Build tools are needed to build the program, not to run it: a compiler toolchain or a JDK is hundreds of ' +
      'megabytes, -dev packages add headers and static libraries, and compilers, package managers and git in a ' +
      'running container are what an attacker uses to fetch and build tools. Build stages are not judged.',
    fix: 'Install build tools in a build stage and copy only the build output into the final stage; if the same RUN must build, remove them at its end (`apk add --virtual .build-deps …` then `apk del .build-deps`, or `apt-get purge -y --auto-remove …`).',
    related: { other: ['dockle CIS-DI-0003 (unnecessary packages)'] },
    example: {
      bad: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*\nRUN gcc -o /app main.c',
      good: 'FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev\nRUN gcc -static -o /app main.c\nFROM scratch\nCOPY --from=build /app /app',
    },
  },
  check(context) {
    // A build environment's own Dockerfile (golang, buildpack-deps) carries the tools on purpose.
    const quiet = baseImageNote(context);
    const root = context.finalLineage[0];
    const base = context.finalBase;
    const toolchain = base.kind === 'image' ? classifyBase(base.reference)?.toolchain : undefined;
    if (base.kind === 'image' && toolchain) {
      context.report({
        instruction: root.from,
        near: root.from.image,
        defaultSeverity: quiet.defaultSeverity,
        message: `the final image is built on ${base.reference}, which carries ${toolchain}; build in a stage and copy the program into a smaller final stage${quiet.note}`,
        data: { base: base.reference },
      });
    }
    for (const { lineageRun, packages } of keptSystemPackages(lineageRuns(context))) {
      const tools = packages.filter(({ pkg }) => buildToolKind(pkg.name) !== undefined);
      if (tools.length === 0) continue;
      const names = [...new Set(tools.map(({ pkg }) => pkg.name))];
      const kinds = [...new Set(tools.map(({ pkg }) => buildToolKind(pkg.name)))];
      context.report({
        instruction: lineageRun.run,
        location: context.locateCommand(lineageRun.run, tools[0].operation.command, tools[0].pkg.index),
        defaultSeverity: quiet.defaultSeverity,
        message: `installs build tools that stay in the final image: ${names.join(', ')} (${kinds.join(', ')})${quiet.note}`,
        data: { packages: names },
      });
    }
  },
};
