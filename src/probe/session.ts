/**
 * Everything one run creates in the engine — containers, a network, images it loaded or built — removed when the
 * run ends, whether it ends normally, by an error, or by SIGINT/SIGTERM. On a signal the removal runs
 * synchronously (the event loop may not get another turn), then the signal takes its course.
 */
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import type { ContainerRuntime } from './container-runtime';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** How long the removal on a signal may take before the process goes anyway. */
const SIGNAL_CLEANUP_TIMEOUT_MS = 30_000;

export class ContainerSession {
  private readonly containers = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly images = new Set<string>();
  private readonly onSignal = (signal: NodeJS.Signals): void => this.cleanupOnSignal(signal);
  private closed = false;

  constructor(readonly runtime: ContainerRuntime) {
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
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
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    for (const name of this.containers) await this.runtime.remove(name);
    for (const name of this.networks) await this.runtime.removeNetwork(name);
    for (const reference of [...this.images].reverse()) await this.runtime.removeImage(reference);
    this.containers.clear();
    this.networks.clear();
    this.images.clear();
  }

  private cleanupOnSignal(signal: NodeJS.Signals): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of SIGNALS) process.off(s, this.onSignal);
    const run = (args: string[]): void => {
      spawnSync(this.runtime.command, args, { env: process.env, stdio: 'ignore', timeout: SIGNAL_CLEANUP_TIMEOUT_MS });
    };
    if (this.containers.size > 0) run(['rm', '--force', '--volumes', ...this.containers]);
    for (const name of this.networks) run(['network', 'rm', name]);
    for (const reference of [...this.images].reverse()) run(['image', 'rm', reference]);
    // With no other handler left, the signal's default action (ending the process) happens as if never caught.
    // Otherwise the others (a spinner restoring the cursor) run first, in this same emit, and then the process
    // ends with the shell's code for the signal: whatever they do, an interrupted run does not go on.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    else setImmediate(() => process.exit(128 + (constants.signals[signal] ?? 0)));
  }
}
