import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface CorpusSpec {
  readonly lines: number;
  readonly files: number;
  /** Share of records written as a `P` piece plus an `F` piece. */
  readonly partialShare: number;
  readonly avgLineBytes: number;
}

export interface Corpus {
  readonly hostRoot: string;
  readonly paths: string[];
  /** CRI lines written (pieces count one each). */
  readonly lines: number;
  /** Records those lines make once stitched. */
  readonly records: number;
  readonly bytes: number;
}

/** Deterministic pseudo-random numbers (the corpus is the same on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const WORDS =
  'alpha beta gamma delta epoch step loss=0.1234 lr=3e-4 request GET /api/v1/items 200 ms user=42 ok retry shard=7 tokens'.split(
    ' ',
  );

/**
 * Writes `spec.files` kubelet log files under `<dir>/var/log/pods` (CRI format, about
 * `avgLineBytes` a line, `partialShare` of records split in two pieces). Reuses a corpus
 * generated with the same spec.
 */
export function generateCorpus(dir: string, spec: CorpusSpec): Corpus {
  const marker = join(dir, 'corpus.json');
  if (existsSync(marker)) {
    const prior = JSON.parse(readFileSync(marker, 'utf8')) as { spec: CorpusSpec; corpus: Corpus };
    if (JSON.stringify(prior.spec) === JSON.stringify(spec)) return prior.corpus;
  }
  rmSync(dir, { recursive: true, force: true });
  const random = rng(42);
  const perFile = Math.floor(spec.lines / spec.files);
  const paths: string[] = [];
  let lines = 0;
  let records = 0;
  let bytes = 0;
  const baseSeconds = Date.UTC(2026, 0, 1) / 1000;
  for (let f = 0; f < spec.files; f++) {
    const relDir = `bench-${f % 5}_worker-${f}_${(0x10000000 + f).toString(16)}-bench/main`;
    const fileDir = join(dir, 'var/log/pods', relDir);
    mkdirSync(fileDir, { recursive: true });
    const path = join(fileDir, '0.log');
    paths.push(path);
    const fd = openSync(path, 'w');
    let chunk = '';
    let written = 0;
    let ns = 0;
    while (written < perFile) {
      ns += 1000 + Math.floor(random() * 100_000);
      const sec = baseSeconds + Math.floor(ns / 1e9);
      const time =
        new Date(sec * 1000).toISOString().slice(0, 19) + '.' + String(ns % 1e9).padStart(9, '0') + 'Z';
      const stream = random() < 0.8 ? 'stdout' : 'stderr';
      // message length around avgLineBytes minus the ~46-byte CRI header
      const target = Math.max(8, Math.floor((spec.avgLineBytes - 46) * (0.5 + random())));
      let msg = `rec=${records} `;
      while (msg.length < target) msg += WORDS[Math.floor(random() * WORDS.length)] + ' ';
      msg = msg.slice(0, target);
      if (random() < spec.partialShare && written + 2 <= perFile) {
        const cut = Math.floor(msg.length / 2);
        chunk += `${time} ${stream} P ${msg.slice(0, cut)}\n${time} ${stream} F ${msg.slice(cut)}\n`;
        written += 2;
      } else {
        chunk += `${time} ${stream} F ${msg}\n`;
        written += 1;
      }
      records++;
      if (chunk.length > 1 << 20) {
        bytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) bytes += writeSync(fd, chunk);
    closeSync(fd);
    lines += written;
  }
  const corpus: Corpus = { hostRoot: dir, paths, lines, records, bytes };
  writeFileSync(marker, JSON.stringify({ spec, corpus }));
  return corpus;
}
