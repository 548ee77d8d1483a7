/**
 * Partial lines of one (file, stream), kept as bytes until the final piece arrives, so a
 * UTF-8 character split between pieces decodes whole. Bytes past `maxBytes` are dropped and
 * the record is marked truncated: a long record is never split into several.
 */
export class PartialLine {
  private pieces: Buffer[] = [];
  private size = 0;
  /** Bytes seen in total (kept or not). */
  private seen = 0;
  /** File offset of the first piece's line, or -1 when nothing is pending. */
  startOffset = -1;
  /** Timestamp of the first piece. */
  time = '';

  constructor(private readonly maxBytes: number) {}

  get pending(): boolean {
    return this.startOffset >= 0;
  }

  /** Adds a piece (copied). `lineStart` is the file offset of the line that carried it. */
  add(b: Buffer, start: number, end: number, lineStart: number, time: string): void {
    if (this.startOffset < 0) {
      this.startOffset = lineStart;
      this.time = time;
    }
    const n = end - start;
    this.seen += n;
    const room = this.maxBytes - this.size;
    if (room <= 0) return;
    const take = Math.min(room, n);
    this.pieces.push(Buffer.from(b.subarray(start, start + take)));
    this.size += take;
  }

  /**
   * Completes the pending line (with a last piece, possibly empty) and returns it, then
   * resets. `truncated` is set when bytes were dropped.
   */
  complete(b?: Buffer, start = 0, end = 0): { bytes: Buffer; truncated: boolean; originalBytes: number } {
    if (b && end > start) this.add(b, start, end, this.startOffset, this.time);
    const bytes = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.size);
    const truncated = this.seen > this.size;
    const originalBytes = this.seen;
    this.pieces = [];
    this.size = 0;
    this.seen = 0;
    this.startOffset = -1;
    this.time = '';
    return { bytes: truncated ? trimToCharBoundary(bytes) : bytes, truncated, originalBytes };
  }
}

/** Cuts an incomplete UTF-8 sequence off the end of a truncated record. */
export function trimToCharBoundary(b: Buffer): Buffer {
  let end = b.length;
  let k = end - 1;
  let cont = 0;
  while (k >= 0 && (b[k] & 0xc0) === 0x80 && cont < 3) {
    k--;
    cont++;
  }
  if (k < 0) return b;
  const lead = b[k];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (need > cont) end = k;
  return end === b.length ? b : b.subarray(0, end);
}
