/**
 * Reading layer tars fast: the tar header scanner, the compact entry batches it fills, and the pool of worker
 * threads that scan whole layers (hashing, inflating, finding headers) while the calling thread merges. The
 * rest of src/image uses these through this file; adapters know nothing about threads.
 */
export { forEachEntry, readEntries, type EntryBatch } from './entry-batch';
export { LayerScanPool, type LayerDigests, type LayerScan, type ScanJob } from './layer-scan';
export { TarScanner } from './tar-scanner';
