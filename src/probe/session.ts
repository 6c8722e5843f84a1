/**
 * Everything one run creates in the engine — containers, a network, images it loaded or built — removed when the
 * run ends, whether it ends normally, by an error, or by a signal. On SIGINT/SIGTERM/SIGHUP the removal runs
 * synchronously through the one stop handler of src/output/cleanup.ts (the event loop may not get another turn),
 * which then ends the process with the shell's code for the signal.
 */
import { spawnSync } from 'node:child_process';
import { atStop } from '../output';
import type { ContainerRuntime } from './container-runtime';

/** How long each removal on a signal may take before the process goes anyway. */
const SIGNAL_CLEANUP_TIMEOUT_MS = 30_000;

export class ContainerSession {
  private readonly containers = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly images = new Set<string>();
  private readonly forgetStopAction: () => void;
  private closed = false;

  constructor(readonly runtime: ContainerRuntime) {
    this.forgetStopAction = atStop(() => this.removeAllNow());
  }

  /** Remembers a container to remove; returns its name. */
  container(name: string): string {
    this.containers.add(name);
    return name;
  }

  network(name: string): string {
    this.networks.add(name);
    return name;
  }

  /** Remembers an image reference (tag or ID) this run created, to remove at the end. */
  image(reference: string): string {
    this.images.add(reference);
    return reference;
  }

  /** Removes one container now (it stays forgotten). */
  async removeContainer(name: string): Promise<void> {
    await this.runtime.remove(name);
    this.containers.delete(name);
  }

  /** Containers first (a network or image in use cannot be removed), then networks, then images. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const name of this.containers) await this.runtime.remove(name);
    for (const name of this.networks) await this.runtime.removeNetwork(name);
    for (const reference of [...this.images].reverse()) await this.runtime.removeImage(reference);
    this.containers.clear();
    this.networks.clear();
    this.images.clear();
    // Only now: should a removal above fail, the stop handler still tries again when the process ends.
    this.forgetStopAction();
  }

  /** The same removal, synchronous, for the stop handler. */
  private removeAllNow(): void {
    const run = (args: string[]): void => {
      spawnSync(this.runtime.command, args, { env: process.env, stdio: 'ignore', timeout: SIGNAL_CLEANUP_TIMEOUT_MS });
    };
    if (this.containers.size > 0) run(['rm', '--force', '--volumes', ...this.containers]);
    for (const name of this.networks) run(['network', 'rm', name]);
    for (const reference of [...this.images].reverse()) run(['image', 'rm', reference]);
    this.containers.clear();
    this.networks.clear();
    this.images.clear();
  }
}
