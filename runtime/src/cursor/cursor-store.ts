import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The persisted position of one file. */
export const cursorEntrySchema = z.object({
  /** Node path of the file when it was last seen under its kubelet name. */
  path: z.string(),
  /** Root-relative path (attribution survives rotation and restarts). */
  relative: z.string(),
  dev: z.number(),
  ino: z.number(),
  /** Bytes of the head the fingerprint covers, and their SHA-1 (hex). */
  fpLen: z.number().int().min(0),
  fpHash: z.string(),
  /** Bytes acknowledged: everything before it was exported (or dropped on purpose). */
  offset: z.number().int().min(0),
  /** Read to its end and let go; kept until the file is gone so it is never read again. */
  done: z.boolean().optional(),
});
export type CursorEntry = z.output<typeof cursorEntrySchema>;

const headSchema = z.object({ len: z.number().int().min(1), hash: z.string() });
export type Head = z.output<typeof headSchema>;

const cursorFileSchema = z.object({
  version: z.literal(1),
  files: z.array(cursorEntrySchema),
  /** Heads of content read before a truncation: a copy of it (copytruncate) is not read again. */
  heads: z.array(headSchema).optional(),
});

const MAX_HEADS = 1000;

export const CURSOR_FILE = 'cursors.json';

/**
 * Per-file cursors in one JSON document, written atomically: a temp file, fsync, rename over
 * the old one, fsync of the directory. A crash leaves either the old or the new document.
 */
export class CursorStore {
  private readonly entries = new Map<string, CursorEntry>();
  private dirty = false;
  private readonly heads = new Map<string, number>();

  constructor(readonly directory: string) {}

  static key(dev: number, ino: number): string {
    return `${dev}:${ino}`;
  }

  /** Reads the document; a missing file is an empty store, a corrupt one an error. */
  load(): CursorEntry[] {
    mkdirSync(this.directory, { recursive: true });
    let text: string;
    try {
      text = readFileSync(join(this.directory, CURSOR_FILE), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const parsed = cursorFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(
        `cursor file ${join(this.directory, CURSOR_FILE)} is not a podtail cursor document: ${parsed.error.message}`,
      );
    }
    for (const e of parsed.data.files) this.entries.set(CursorStore.key(e.dev, e.ino), e);
    for (const h of parsed.data.heads ?? []) this.heads.set(h.hash, h.len);
    return parsed.data.files;
  }

  get(key: string): CursorEntry | undefined {
    return this.entries.get(key);
  }

  set(entry: CursorEntry): void {
    this.entries.set(CursorStore.key(entry.dev, entry.ino), entry);
    this.dirty = true;
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.dirty = true;
  }

  /** Remembers the head of content that was truncated away. */
  addHead(h: Head): void {
    if (this.heads.has(h.hash)) return;
    this.heads.set(h.hash, h.len);
    if (this.heads.size > MAX_HEADS) this.heads.delete(this.heads.keys().next().value as string);
    this.dirty = true;
  }

  /** Every remembered head and every cursor's head, hash -> length. */
  knownHeads(): Map<string, number> {
    const out = new Map(this.heads);
    for (const e of this.entries.values()) if (e.fpLen > 0) out.set(e.fpHash, e.fpLen);
    return out;
  }

  all(): CursorEntry[] {
    return [...this.entries.values()];
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Writes the document if anything changed. Throws when the write fails. */
  persist(): void {
    if (!this.dirty) return;
    const heads = [...this.heads].map(([hash, len]) => ({ len, hash }));
    const doc = JSON.stringify({ version: 1, files: this.all(), heads });
    const final = join(this.directory, CURSOR_FILE);
    const tmp = `${final}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const buf = Buffer.from(doc);
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
    const dfd = openSync(this.directory, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    this.dirty = false;
  }
}
