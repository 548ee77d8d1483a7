import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

/** The head of a file: how many bytes, and their SHA-1. */
export interface Fingerprint {
  readonly len: number;
  readonly hash: string;
}

/** Reads up to `max` bytes at the head of `fd` and fingerprints them. */
export function fingerprintFd(fd: number, max: number): Fingerprint {
  const buf = Buffer.allocUnsafe(max);
  let got = 0;
  while (got < max) {
    const n = readSync(fd, buf, got, max - got, got);
    if (n === 0) break;
    got += n;
  }
  return { len: got, hash: hashBytes(buf.subarray(0, got)) };
}

export function hashBytes(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

/** Whether the file behind `fd` still starts with the bytes `fp` was taken from. */
export function headMatches(fd: number, fp: Fingerprint): boolean {
  if (fp.len === 0) return true;
  const now = fingerprintFd(fd, fp.len);
  return now.len === fp.len && now.hash === fp.hash;
}
