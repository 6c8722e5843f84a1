/** The `--trace` options that `slim`, `analyze` and `why` share. */
import { UsageError } from '../errors';
import { readProbeFile } from '../probe';
import type { TraceRequest } from '../slim';

export interface TraceOptions {
  trace?: string;
  traceOnly?: boolean;
  traceNetwork?: string;
}

/** `--trace FILE [--trace-only] [--trace-network NAME]` as the library takes them. */
export function traceRequest(options: TraceOptions): TraceRequest | undefined {
  if (options.trace === undefined) {
    if (options.traceOnly || options.traceNetwork !== undefined) throw new UsageError('--trace-only and --trace-network need --trace PROBE.json');
    return undefined;
  }
  return { probe: readProbeFile(options.trace), only: options.traceOnly, network: options.traceNetwork };
}
