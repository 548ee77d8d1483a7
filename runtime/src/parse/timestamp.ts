/**
 * RFC 3339 timestamps (as the CRI and docker json-file write them) to nanoseconds since the
 * epoch as a decimal string, read straight from the bytes: `2024-01-02T03:04:05.123456789Z`,
 * any fraction length up to 9 digits, `Z` or a `+HH:MM` / `-HH:MM` offset (converted to UTC).
 */
function d2(b: Uint8Array, i: number): number {
  const a = b[i] - 48;
  const c = b[i + 1] - 48;
  if (a < 0 || a > 9 || c < 0 || c > 9) return -1;
  return a * 10 + c;
}

const SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

let cacheKey = -1;
let cacheSeconds = 0;

/** Returns the timestamp in `[start, end)` as decimal nanoseconds, or undefined when malformed. */
export function parseRfc3339Nanos(b: Uint8Array, start: number, end: number): string | undefined {
  if (end - start < 20) return undefined;
  const i = start;
  const y1 = d2(b, i);
  const y2 = d2(b, i + 2);
  const mo = d2(b, i + 5);
  const d = d2(b, i + 8);
  const h = d2(b, i + 11);
  const mi = d2(b, i + 14);
  const s = d2(b, i + 17);
  if (
    y1 < 0 ||
    y2 < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 60 ||
    b[i + 4] !== 45 ||
    b[i + 7] !== 45 ||
    (b[i + 10] !== 84 && b[i + 10] !== 116 && b[i + 10] !== 32) ||
    b[i + 13] !== 58 ||
    b[i + 16] !== 58
  ) {
    return undefined;
  }
  let p = i + 19;
  let fracNum = 0;
  if (b[p] === 46) {
    p++;
    const fs = p;
    while (p < end && b[p] >= 48 && b[p] <= 57) {
      if (p - fs < 9) fracNum = fracNum * 10 + (b[p] - 48);
      p++;
    }
    const n = p - fs;
    if (n === 0) return undefined;
    if (n < 9) fracNum *= SCALE[n];
  }
  let offsetSeconds = 0;
  const z = b[p];
  if (z === 90 || z === 122) {
    p++;
  } else if (z === 43 || z === 45) {
    const oh = d2(b, p + 1);
    const om = d2(b, p + 4);
    if (oh < 0 || om < 0 || b[p + 3] !== 58) return undefined;
    offsetSeconds = (oh * 3600 + om * 60) * (z === 43 ? 1 : -1);
    p += 6;
  } else {
    return undefined;
  }
  if (p !== end) return undefined;
  // Date.UTC once per distinct second (lines come in bursts within the same second).
  const key = ((((y1 * 100 + y2) * 13 + mo) * 32 + d) * 24 + h) * 3600 + mi * 60 + s;
  let seconds: number;
  if (key === cacheKey) {
    seconds = cacheSeconds;
  } else {
    seconds = Date.UTC(y1 * 100 + y2, mo - 1, d, h, mi, s) / 1000;
    cacheKey = key;
    cacheSeconds = seconds;
  }
  seconds -= offsetSeconds;
  if (seconds < 0) return '0';
  if (seconds === 0) return String(fracNum);
  // Built as bytes and sliced once: a flat string (a concatenation would be flattened, at a
  // cost, by whoever reads its characters, such as the protobuf encoder).
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    secondsDigits = scratch.write(String(seconds), 0, 'latin1');
  }
  let f = fracNum;
  for (let k = secondsDigits + 8; k >= secondsDigits; k--) {
    scratch[k] = 48 + (f % 10);
    f = Math.floor(f / 10);
  }
  return scratch.toString('latin1', 0, secondsDigits + 9);
}

const scratch = Buffer.alloc(32);
let lastSeconds = -1;
let secondsDigits = 0;

/** Parses an RFC 3339 string (docker json-file `time`). */
export function parseRfc3339String(s: string): string | undefined {
  const b = Buffer.from(s, 'latin1');
  return parseRfc3339Nanos(b, 0, b.length);
}

/** Now as decimal nanoseconds. */
export function nowNanos(): string {
  const ms = Date.now();
  return String(Math.floor(ms / 1000)) + String((ms % 1000) * 1_000_000).padStart(9, '0');
}
