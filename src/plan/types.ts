/**
 * The slim image as a plan: which directories and symlinks make its skeleton, which COPY groups bring the
 * files, and the runtime config it carries. Emitters (Dockerfile, image archive) print or build from it.
 */

import type { SynthesizedFile } from '../packages';
import type { HealthcheckConfig } from '../stages';

/** A directory the slim image needs with exact metadata (empty run-time dirs, non-root owners, 1777 /tmp). */
export interface SkeletonDirectory {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

export interface SkeletonSymlink {
  path: string;
  target: string;
}

/** One COPY: sources from the original stage into one destination. */
export interface CopyGroup {
  /** Why the group is there, for a `#` comment above it. */
  comment: string;
  /** Absolute image paths in the original stage. */
  sources: string[];
  /** A directory with a trailing `/` (files keep their names), or the exact path for a whole directory. */
  destination: string;
  /** `uid:gid` when the files are not owned by root (BuildKit keeps owners; the legacy builder and buildah want it spelled out). */
  chown?: string;
  /** True when the source is one directory copied whole (its symlinks and hardlinks survive the COPY). */
  wholeDirectory: boolean;
  /** Bytes of regular files in the group. */
  bytes: number;
}

/** The runtime contract as Dockerfile instructions take it, in exec form where possible. */
export interface RuntimeConfig {
  /** Name and value; no value when the image's entry has no `=` (which ENV cannot write). */
  env: [string, string | undefined][];
  workdir?: string;
  user?: string;
  exposedPorts: string[];
  volumes: string[];
  labels: [string, string][];
  stopSignal?: string;
  healthcheck?: HealthcheckConfig;
  entrypoint?: string[];
  cmd?: string[];
  /** What was rewritten from shell form to exec form, proven equivalent by the shell grammar. */
  rewrites: string[];
}

export interface SlimPlan {
  /** Directories and symlinks created by a helper stage, because COPY cannot create a symlink. */
  skeleton: {
    directories: SkeletonDirectory[];
    symlinks: SkeletonSymlink[];
    /**
     * Paths copied into the skeleton with `cp -a --parents` (owners, modes, symlinks and hardlinks kept) when
     * there are more COPY groups than layers allow: exact, where coarsening would copy whole directories.
     */
    assembled: string[];
  };
  /**
   * How the skeleton is made: `shell` runs mkdir/ln/chmod/chown in a helper stage built from the original
   * image (it has /bin/sh); `dereference` is the fallback without a shell: symlinked files are copied as
   * regular files and empty directories are copied from the original stage.
   */
  skeletonMode: 'shell' | 'dereference';
  copies: CopyGroup[];
  /**
   * Files the original image does not have — the package database limited to the kept packages — each made of
   * whole lines of one of its files. The archive emitter writes their content; the Dockerfile's skeleton stage
   * copies the same lines out of the original files (it cannot when `skeletonMode` is `dereference`; a note
   * says so).
   */
  synthesized?: SynthesizedFile[];
  config: RuntimeConfig;
  /** Things a reviewer should know (fallbacks taken, paths that could not be copied faithfully). */
  notes: string[];
}
