import type { PodtailRecord } from '../pipeline/record';
import type { TailedFile } from '../tail/tailed-file';

/** How far a file's data in a batch reaches, in one generation of that file. */
export interface FileProgress {
  readonly generation: number;
  readonly offset: number;
  /** The file was let go: drop its cursor once this progress is acknowledged. */
  readonly final: boolean;
}

/**
 * Records exported together, and the file positions they complete. Batches are exported
 * strictly in order, so acknowledging one acknowledges every position it carries.
 */
export class Batch {
  readonly records: PodtailRecord[] = [];
  /** Estimated uncompressed payload bytes. */
  bytes = 0;
  /** Raw bytes read from files whose accounting ends with this batch. */
  readBytes = 0;
  readonly progress = new Map<TailedFile, FileProgress>();

  get empty(): boolean {
    return this.records.length === 0 && this.progress.size === 0 && this.readBytes === 0;
  }
}
