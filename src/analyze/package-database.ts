/**
 * After the rules: the image's package database, limited to what was kept. A vulnerability scanner finds no OS
 * and no packages in a FROM-scratch image without one (Trivy, Syft and Grype read dpkg's and apk's databases,
 * and the OS from `etc/debian_version`, `etc/lsb-release`, `etc/alpine-release`, `os-release`), so the slim
 * image keeps the OS files and carries a database listing exactly the packages that still own a kept file.
 */
import { posix } from 'node:path';
import { keptDatabaseFiles, keptPackages, OS_FILES, readPackageInventory, type InstalledPackage } from '../packages';
import type { AnalysisContext, AnalysisPackages, KeptPath, Reason } from './types';

export const PACKAGE_DATABASE_RULE = 'package-database';

/** What the step needs of the analysis run beyond a rule's context. */
export interface PackageDatabaseRun extends AnalysisContext {
  readonly kept: Map<string, KeptPath>;
  /** Runs the file rules over files kept since the last drain. */
  drainAgain(): Promise<void>;
}

function publicPackage(pkg: InstalledPackage): InstalledPackage {
  const { name, key, version, architecture, licenses, paths } = pkg;
  return { name, key, version, architecture, licenses, paths };
}

export async function addPackageDatabase(run: PackageDatabaseRun, carry: boolean): Promise<AnalysisPackages | undefined> {
  const warnings: string[] = [];
  const inventory = await readPackageInventory(run.tree, warnings);
  for (const warning of warnings) run.warn(warning);
  if (!inventory) return undefined;
  const isKept = (path: string): boolean => {
    const kept = run.kept.get(path);
    return kept !== undefined && kept.type !== 'dir' && !kept.synthesized;
  };
  const database: AnalysisPackages['database'] = [];
  if (carry && keptPackages(inventory.installed as InstalledPackage[], isKept).length > 0) {
    for (const path of OS_FILES[inventory.manager]) {
      if (!run.tree.lstat(path)) continue;
      // The link itself first, so a symlinked os-release carries this reason too, then what it leads to.
      const reason: Reason = { rule: PACKAGE_DATABASE_RULE, detail: 'tells scanners which OS the image is' };
      run.keep(path, reason, { followFinal: false });
      run.keep(path, reason);
    }
    await run.drainAgain();
    database.push(...(await keptDatabaseFiles(run.tree, inventory, isKept)));
    for (const file of database) {
      const reason: Reason = { rule: PACKAGE_DATABASE_RULE, detail: file.detail, origin: { path: file.source, line: file.lines[0]?.[0] ?? 1 } };
      for (let dir = posix.dirname(file.path); dir !== '/' && !run.kept.has(dir); dir = posix.dirname(dir)) {
        const entry = run.tree.lstat(dir);
        run.kept.set(dir, {
          path: dir, type: 'dir', size: 0, mode: entry?.mode ?? 0o755, uid: entry?.uid ?? 0, gid: entry?.gid ?? 0,
          reasons: [{ rule: PACKAGE_DATABASE_RULE, by: file.path, detail: `directory of ${file.path}` }],
          ...(entry ? {} : { synthesized: true as const }),
        });
      }
      // The synthesized file replaces the image's own at that path (apk's database keeps its path).
      run.kept.set(file.path, { path: file.path, type: 'file', size: file.content.length, mode: 0o644, uid: 0, gid: 0, reasons: [reason], synthesized: true });
    }
  }
  const kept = keptPackages(inventory.installed as InstalledPackage[], isKept).map(publicPackage);
  return { manager: inventory.manager, os: inventory.os, installed: inventory.installed.length, kept, database };
}
