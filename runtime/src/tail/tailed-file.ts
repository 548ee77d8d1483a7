import { closeSync } from 'node:fs';
import type { AttributeValue, RecordOrigin } from '../pipeline/record';
import { PartialLine } from '../stitch/stitcher';
import type { Fingerprint } from './fingerprint';

let nextId = 1;

/**
 * One file podtail reads: its identity (device, inode, head fingerprint), its read position,
 * the bytes of an unfinished line, partial records per stream, and where it stands in its
 * life (active under its kubelet name, or draining after a rotation or deletion).
 */
export class TailedFile {
  readonly id = nextId++;
  fd: number | null = null;
  /** Next byte to read. */
  readOffset: number;
  /** Raw bytes after the last newline read (a line still being written). */
  leftover: Buffer | null = null;
  /** Bumped on truncation: progress from an older generation no longer applies. */
  generation = 0;
  readonly partials: [PartialLine, PartialLine];
  state: 'active' | 'draining' = 'active';
  drainSince = 0;
  lastGrowthMs = Date.now();
  lastReadMs = 0;
  /** The last read hit the end of the file. */
  atEof = false;
  /** Modification time when last at the end (a change with no growth is checked by content). */
  mtimeMs = 0;
  /** Last known size (from fstat/stat). */
  knownSize = 0;
  /** Acknowledged offset (what the cursor holds). */
  ackedOffset: number;
  /** Closed for good (read to its end, or given up); its cursor goes when the last progress is acked. */
  released = false;
  /** Base resource attributes, from the path. */
  readonly resource: Record<string, AttributeValue>;

  constructor(
    /** Real path on this machine (its name when last seen). */
    public real: string,
    readonly relative: string,
    /** Node path reported as `log.file.path`. */
    readonly nodePath: string,
    readonly origin: RecordOrigin,
    readonly dev: number,
    readonly ino: number,
    public fp: Fingerprint,
    offset: number,
    maxRecordBytes: number,
    nodeName: string,
  ) {
    this.readOffset = offset;
    this.ackedOffset = offset;
    this.partials = [new PartialLine(maxRecordBytes), new PartialLine(maxRecordBytes)];
    this.resource = {
      'k8s.namespace.name': origin.namespace,
      'k8s.pod.name': origin.podName,
      'k8s.pod.uid': origin.podUid,
      'k8s.container.name': origin.containerName,
      'k8s.container.restart_count': origin.restartCount,
      'k8s.node.name': nodeName,
    };
  }

  private readonly sharedAttributes: Array<Record<string, AttributeValue> | undefined> = [];

  /**
   * The record attributes of this file's lines of `stream` (undefined: not CRI), one object for
   * all of them (used when no processor changes attributes in place).
   */
  attributesFor(stream: 0 | 1 | undefined): Record<string, AttributeValue> {
    const i = stream ?? 2;
    let a = this.sharedAttributes[i];
    if (!a) {
      a =
        stream === undefined
          ? { 'log.file.path': this.nodePath }
          : { 'log.iostream': stream === 0 ? 'stdout' : 'stderr', 'log.file.path': this.nodePath };
      this.sharedAttributes[i] = a;
    }
    return a;
  }

  /** Offset of the first byte not yet turned into a record or a pending partial. */
  get consumedOffset(): number {
    return this.readOffset - (this.leftover ? this.leftover.length : 0);
  }

  /**
   * The offset a cursor may safely hold once everything emitted so far is acknowledged:
   * before any partial line still held in memory, and before unfinished raw bytes.
   */
  safeOffset(lineEnd = this.consumedOffset): number {
    let o = lineEnd;
    const a = this.partials[0].startOffset;
    const b = this.partials[1].startOffset;
    if (a >= 0 && a < o) o = a;
    if (b >= 0 && b < o) o = b;
    return o;
  }

  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
  }
}
