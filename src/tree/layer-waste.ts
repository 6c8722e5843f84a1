/**
 * Bytes an image carries for nothing because of its layering: a file written by one layer and removed
 * (whiteout, opaque directory) or replaced by a later layer still takes its full size in the lower layer.
 * dive reports the same as "wasted space" and "efficiency"; `scratchify lint` reports it per image.
 */

/** One file whose bytes a later layer made unreachable. */
export interface WastedFile {
  path: string;
  bytes: number;
  /** Layer (0 = oldest) that wrote the file. */
  writtenIn: number;
  /** Layer that removed or replaced it. */
  hiddenIn: number;
  how: 'removed' | 'replaced';
}

export interface LayerWaste {
  /** Regular-file bytes of every layer, counted once per layer that wrote them. */
  writtenBytes: number;
  /** Bytes of files that a later layer removed or replaced. */
  wastedBytes: number;
  wastedFiles: number;
  /** The largest wasted files, largest first (at most `LARGEST_KEPT`). */
  largest: WastedFile[];
}

const LARGEST_KEPT = 20;

/** Collects layer waste while layers are merged; cheap enough to run on every merge. */
export class LayerWasteRecorder {
  private writtenBytes = 0;
  private wastedBytes = 0;
  private wastedFiles = 0;
  private largest: WastedFile[] = [];
  /** The smallest size that can still enter `largest` once it is full. */
  private threshold = 0;

  written(bytes: number): void {
    this.writtenBytes += bytes;
  }

  hidden(file: WastedFile): void {
    this.wastedBytes += file.bytes;
    this.wastedFiles += 1;
    if (file.bytes <= this.threshold) return;
    this.largest.push(file);
    // Sorting only when the buffer doubles keeps recording linear for images with many hidden files.
    if (this.largest.length >= LARGEST_KEPT * 2) this.trim();
  }

  private trim(): void {
    // Code-point order for ties: localeCompare (ICU) made this sort most of the cost of recording.
    this.largest.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.largest.length = Math.min(this.largest.length, LARGEST_KEPT);
    if (this.largest.length === LARGEST_KEPT) this.threshold = this.largest[LARGEST_KEPT - 1].bytes;
  }

  summary(): LayerWaste {
    this.trim();
    return {
      writtenBytes: this.writtenBytes,
      wastedBytes: this.wastedBytes,
      wastedFiles: this.wastedFiles,
      largest: this.largest.map((file) => ({ ...file })),
    };
  }
}
