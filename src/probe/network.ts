/**
 * How checks reach a server in its container without putting anything into the image and without a helper
 * image: the client is this process, on the host.
 *
 * - Default: a network made for the run (`scratchify-net-…`, removed at the end; with docker `--internal`, so
 *   the container has no route out). The host has an address on that network's bridge, so it connects to the
 *   container's own address there; no port is published.
 * - `host`: the container shares the host's network; the client connects to 127.0.0.1. For engines whose
 *   container addresses the host cannot reach (rootless podman, Docker Desktop's VM). The port must be free.
 * - a network's name: the container joins it and the client connects to its address there; the host must have
 *   an address on that network.
 * - `none`: no network at all, for probes with only `command` checks.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ScratchifyError, UsageError } from '../errors';
import { resourceName, type ContainerRuntime } from './container-runtime';
import type { ContainerSession } from './session';

export interface ProbeNetwork {
  /** The `--network` value containers get. */
  name: string;
  mode: 'dedicated' | 'host' | 'named' | 'none';
  /** Set once this host was seen to have an address on the network. */
  reachable?: boolean;
}

function hostAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const info of list ?? []) addresses.add(info.address);
  return addresses;
}

/**
 * Whether this host has an address on the network. Asked once a container is attached: a bridge without one
 * is down, and the host lists no address on a down interface.
 */
async function checkHostReaches(runtime: ContainerRuntime, network: ProbeNetwork): Promise<void> {
  const gateways = await runtime.networkGateways(network.name);
  const mine = hostAddresses();
  if (!gateways.some((gateway) => mine.has(gateway))) {
    throw new ScratchifyError(
      'engine',
      `this host has no address on network ${network.name}${gateways.length > 0 ? ` (gateway ${gateways.join(', ')})` : ''}, so it cannot reach containers there; use --network host`,
    );
  }
  network.reachable = true;
}

/** Sets up the network the checks' containers use. */
export async function openNetwork(session: ContainerSession, requested: string | undefined): Promise<ProbeNetwork> {
  if (requested === 'host') return { name: 'host', mode: 'host' };
  if (requested === 'none') return { name: 'none', mode: 'none' };
  if (requested !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(requested)) throw new UsageError(`--network ${JSON.stringify(requested)}: not a network name`);
    await session.runtime.networkGateways(requested);
    return { name: requested, mode: 'named' };
  }
  const name = resourceName('net');
  await session.runtime.createNetwork(name);
  session.network(name);
  return { name, mode: 'dedicated' };
}

/** Whether something accepts TCP connections at address:port, within `timeoutMs`. */
export function canConnect(address: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Before a server starts on the host's network: its port must not already answer, or the check would test another program. */
export async function checkHostPortFree(network: ProbeNetwork, port: number): Promise<void> {
  if (network.mode === 'host' && (await canConnect('127.0.0.1', port))) {
    throw new ScratchifyError('engine', `port ${port} on this host is already in use; --network host needs it free for the server under test`);
  }
}

/** Where the client connects to reach `container`; undefined while the engine has not given it an address. */
export async function serverAddress(runtime: ContainerRuntime, network: ProbeNetwork, container: string): Promise<string | undefined> {
  if (network.mode === 'host') return '127.0.0.1';
  const address = await runtime.address(container, network.name);
  if (address !== undefined && !network.reachable) await checkHostReaches(runtime, network);
  return address;
}
