import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PathFilter } from './glob';

/** A file found by a scan. */
export interface FoundFile {
  /** Path relative to the log root (`ns_pod_uid/container/0.log`). */
  readonly relative: string;
  /** Real path on this machine (under hostRoot). */
  readonly real: string;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** From an unchanged directory's earlier scan: identity is current, size and mtime are not. */
  readonly cached?: boolean;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Directory listings reused while a directory's mtime does not change (entries added, removed
 * or renamed change it): a rescan of an idle node stats directories instead of reading them,
 * and reuses the identity of the files in an unchanged container directory (their sizes are
 * then checked through the open descriptors). A listing younger than a second is not trusted
 * (file times come from a coarse clock).
 */
export class DirListCache {
  private readonly entries = new Map<
    string,
    { mtimeMs: number; names: string[]; files?: FoundFile[]; rotated?: RotatedFile[] }
  >();

  /** Names in `dir`, and what an earlier scan found in it when nothing changed since. */
  lookup(dir: string, now: number): { names: string[]; files?: FoundFile[]; rotated?: RotatedFile[] } {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(dir).mtimeMs;
    } catch {
      this.entries.delete(dir);
      return { names: [] };
    }
    const hit = this.entries.get(dir);
    if (hit && hit.mtimeMs === mtimeMs && now - mtimeMs > 1000) return hit;
    const entry = { mtimeMs, names: list(dir) };
    this.entries.set(dir, entry);
    return entry;
  }

  /** Remembers the files found in a container directory listed by `lookup`. */
  remember(dir: string, files: FoundFile[], rotated: RotatedFile[]): void {
    const e = this.entries.get(dir);
    if (!e) return;
    e.files = files.map((f) => ({ ...f, cached: true }));
    e.rotated = rotated.map((f) => ({ ...f, cached: true }));
  }

  /** Forgets directories not listed since `keep` was built. */
  retain(keep: ReadonlySet<string>): void {
    for (const dir of this.entries.keys()) if (!keep.has(dir)) this.entries.delete(dir);
  }
}

/** A rotated sibling (`0.log.20240101-000000`, uncompressed) of a file that passes the filter. */
export type RotatedFile = FoundFile;

const ROTATED = /^(\d+\.log)\.(.+)$/;
const COMPRESSED = /\.(gz|zst|bz2|xz|lz4|zip)$/;

/**
 * Walks `<root>/<pod dir>/<container>/<file>` (the kubelet layout, three levels) and returns
 * the regular files that pass the filter, with their identity. With `rotated`, also collects
 * uncompressed rotated siblings (their `relative` is the name they were rotated from).
 */
export function scanLogRoot(
  root: string,
  filter: PathFilter,
  rotated?: RotatedFile[],
  dirs?: string[],
  cache?: DirListCache,
): FoundFile[] {
  const out: FoundFile[] = [];
  const now = Date.now();
  const ls = cache ? (d: string) => cache.lookup(d, now).names : list;
  dirs?.push(root);
  for (const podDir of ls(root)) {
    if (!filter.wantsPodDir(podDir)) continue;
    const podPath = join(root, podDir);
    dirs?.push(podPath);
    for (const container of ls(podPath)) {
      const cPath = join(podPath, container);
      dirs?.push(cPath);
      const listing = cache ? cache.lookup(cPath, now) : { names: list(cPath) };
      if (listing.files && (listing.rotated || !rotated)) {
        out.push(...listing.files);
        if (rotated && listing.rotated) rotated.push(...listing.rotated);
        continue;
      }
      const outStart = out.length;
      const rotStart = rotated ? rotated.length : 0;
      for (const name of listing.names) {
        const relative = `${podDir}/${container}/${name}`;
        if (!filter.matches(relative)) {
          const m = rotated ? ROTATED.exec(name) : null;
          if (m && !COMPRESSED.test(name)) {
            const base = `${podDir}/${container}/${m[1]}`;
            if (filter.matches(base)) {
              try {
                const st = statSync(join(cPath, name));
                if (st.isFile()) {
                  rotated!.push({
                    relative: base,
                    real: join(cPath, name),
                    dev: st.dev,
                    ino: st.ino,
                    size: st.size,
                    mtimeMs: st.mtimeMs,
                  });
                }
              } catch {
                // gone
              }
            }
          }
          continue;
        }
        const real = join(cPath, name);
        try {
          const st = statSync(real);
          if (!st.isFile()) continue;
          out.push({ relative, real, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // vanished between readdir and stat: the next scan settles it
        }
      }
      cache?.remember(cPath, out.slice(outStart), rotated ? rotated.slice(rotStart) : []);
    }
  }
  return out;
}

/** Directories a watcher should watch: the root, each wanted pod directory and container directory. */
export function watchableDirs(root: string, filter: PathFilter): string[] {
  const dirs = [root];
  for (const podDir of list(root)) {
    if (!filter.wantsPodDir(podDir)) continue;
    const podPath = join(root, podDir);
    dirs.push(podPath);
    for (const container of list(podPath)) dirs.push(join(podPath, container));
  }
  return dirs;
}
