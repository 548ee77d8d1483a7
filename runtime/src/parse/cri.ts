import { parseRfc3339Nanos } from './timestamp';

/** One parsed line, by byte offsets into the buffer it came from (reused, no allocation). */
export interface ParsedLine {
  /** Nanosecond timestamp (decimal string). */
  time: string;
  /** 0 stdout, 1 stderr. */
  stream: 0 | 1;
  /** `true` for a `P` (partial) line: the message continues in the next line of this stream. */
  partial: boolean;
  msgStart: number;
  msgEnd: number;
}

/**
 * Parses a CRI log line `<time> <stdout|stderr> <P|F>[:tags] <msg>` in `[start, end)`
 * (without its newline) into `out`. Returns false when the line is not CRI.
 */
export function parseCriLine(b: Buffer, start: number, end: number, out: ParsedLine): boolean {
  const sp1 = b.indexOf(32, start);
  if (sp1 < 0 || sp1 >= end) return false;
  // stream: "stdout" or "stderr" (6 bytes) then a space
  if (sp1 + 8 > end || b[sp1 + 7] !== 32 || b[sp1 + 1] !== 115 || b[sp1 + 2] !== 116 || b[sp1 + 3] !== 100) {
    return false;
  }
  const c4 = b[sp1 + 4];
  let stream: 0 | 1;
  if (c4 === 111 && b[sp1 + 5] === 117 && b[sp1 + 6] === 116) stream = 0;
  else if (c4 === 101 && b[sp1 + 5] === 114 && b[sp1 + 6] === 114) stream = 1;
  else return false;
  const tagStart = sp1 + 8;
  const tag = b[tagStart];
  if (tag !== 80 && tag !== 70) return false;
  let p = tagStart + 1;
  // Tags may carry more fields after a colon: `F:x`. Skip to the separating space.
  if (p < end && b[p] !== 32) {
    if (b[p] !== 58) return false;
    const sp = b.indexOf(32, p);
    p = sp < 0 || sp > end ? end : sp;
  }
  const time = parseRfc3339Nanos(b, start, sp1);
  if (time === undefined) return false;
  out.time = time;
  out.stream = stream;
  out.partial = tag === 80;
  out.msgStart = p < end ? p + 1 : end;
  out.msgEnd = end;
  return true;
}
