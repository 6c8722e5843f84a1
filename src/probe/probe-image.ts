/** Every check of a probe on one image, for library users and tests: engine, network and cleanup handled here. */
import { findEngine, type Engine } from '../image/engine';
import { runtimeOf } from './container-runtime';
import { requireImage } from './image-loading';
import { openNetwork } from './network';
import { runCheck } from './run-check';
import { ContainerSession } from './session';
import type { CheckOutcome, ProbeFile } from './types';

export interface ProbeImageOptions {
  /** As `verify --network`. */
  network?: string;
  /** Inject an engine; default `findEngine()`, `null` for none. */
  engine?: Engine | null;
}

/** Runs each check of `probe` on `image` (a reference the engine has), in order. */
export async function probeImage(image: string, probe: ProbeFile, options: ProbeImageOptions = {}): Promise<CheckOutcome[]> {
  const engine = options.engine === undefined ? await findEngine() : options.engine;
  const session = new ContainerSession(runtimeOf(engine));
  try {
    const id = await requireImage(session, image);
    const network = await openNetwork(session, options.network);
    const outcomes: CheckOutcome[] = [];
    for (const check of probe.checks) outcomes.push(await runCheck({ session, network }, id, check));
    return outcomes;
  } finally {
    await session.close();
  }
}
