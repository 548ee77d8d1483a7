/**
 * A minimal protobuf writer for the hot path: varints, fixed64, length-delimited fields, and
 * nested messages written in place (`fork` / `join`), with no intermediate objects.
 */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Unsigned varint of a non-negative integer below 2^53. */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (v > 0x7f) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** An int64 field (wire type 0); negative values in two's complement (10 bytes). */
  int64(field: number, v: number): void {
    this.tag(field, 0);
    if (v >= 0) {
      this.varint(v);
      return;
    }
    this.ensure(10);
    let big = BigInt.asUintN(64, BigInt(Math.trunc(v)));
    for (let i = 0; i < 10; i++) {
      const byte = Number(big & 0x7fn);
      big >>= 7n;
      this.buf[this.pos++] = big > 0n ? byte | 0x80 : byte;
      if (big === 0n) break;
    }
  }

  bool(field: number, v: boolean): void {
    this.tag(field, 0);
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  private otherDecimal = '';
  private otherLo = 0;
  private otherHi = 0;
  private lastDecimal = '';
  private lastHi = 0;
  private lastLo = 0;

  /** A fixed64 field from an unsigned decimal string (nanosecond timestamps). */
  fixed64Decimal(field: number, s: string): void {
    this.tag(field, 1);
    this.ensure(8);
    if (s === this.otherDecimal) {
      // Two timestamps alternate (time, observed time): keep both parsed.
      const d = this.otherDecimal;
      const lo = this.otherLo;
      const hi = this.otherHi;
      this.otherDecimal = this.lastDecimal;
      this.otherLo = this.lastLo;
      this.otherHi = this.lastHi;
      this.lastDecimal = d;
      this.lastLo = lo;
      this.lastHi = hi;
    } else if (s !== this.lastDecimal) {
      this.otherDecimal = this.lastDecimal;
      this.otherLo = this.lastLo;
      this.otherHi = this.lastHi;
      // Digits read in place: the last 9 (nanoseconds) and the rest (seconds), each exact in a
      // double, then value = hi * 1e9 + lo carried into two 32-bit words in 16-bit limbs.
      const len = s.length;
      const split = len - 9;
      let hi = 0;
      let lo = 0;
      let ok = len > 0 && len <= 19;
      for (let i = 0; ok && i < len; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) ok = false;
        else if (i < split) hi = hi * 10 + d;
        else lo = lo * 10 + d;
      }
      if (ok && hi < 0x100000000) {
        const h1 = Math.floor(hi / 0x10000);
        const h0 = hi % 0x10000;
        const mid = h1 * 0xca00 + h0 * 0x3b9a; // 1e9 = 0x3b9a_ca00
        const low = h0 * 0xca00 + (mid % 0x10000) * 0x10000 + lo;
        this.lastLo = low % 0x100000000;
        this.lastHi = (h1 * 0x3b9a + Math.floor(mid / 0x10000) + Math.floor(low / 0x100000000)) % 0x100000000;
      } else {
        let big = 0n;
        try {
          big = BigInt.asUintN(64, BigInt(s));
        } catch {
          big = 0n;
        }
        this.lastLo = Number(big & 0xffffffffn);
        this.lastHi = Number(big >> 32n);
      }
      this.lastDecimal = s;
    }
    const b = this.buf;
    let p = this.pos;
    let v = this.lastLo;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    v = this.lastHi;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    this.pos = p;
  }

  /** Raw bytes, as they are (pre-encoded fields). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A string's bytes with no tag or length (the caller wrote them); `n` is its UTF-8 length. */
  utf8(s: string, n: number): void {
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): void {
    this.tag(field, 2);
    const max = s.length * 3;
    if (max < 128) {
      // Length fits one varint byte whatever the encoding: write in place.
      this.ensure(max + 1);
      const start = this.pos + 1;
      const n = this.buf.write(s, start, 'utf8');
      this.buf[this.pos] = n;
      this.pos = start + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Starts a nested message; returns the mark to pass to `join`. */
  fork(): number {
    return this.pos;
  }

  /** Ends a nested message begun at `mark` and prefixes it with its tag and length. */
  join(field: number, mark: number): void {
    const len = this.pos - mark;
    const tagValue = field * 8 + 2;
    const head = varintSize(tagValue) + varintSize(len);
    this.ensure(head);
    this.buf.copyWithin(mark + head, mark, this.pos);
    this.pos = mark;
    this.varint(tagValue);
    this.varint(len);
    this.pos = mark + head + len;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

export function varintSize(v: number): number {
  let n = 1;
  while (v > 0x7f) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
