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
 * or renamed change it): a rescan of an idle node stats directories instead of reading them.
 * A listing younger than a second is not trusted (file times come from a coarse clock).
 */
export class DirListCache {
  private readonly entries = new Map<string, { mtimeMs: number; names: string[] }>();

  list(dir: string, now = Date.now()): string[] {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(dir).mtimeMs;
    } catch {
      this.entries.delete(dir);
      return [];
    }
    const hit = this.entries.get(dir);
    if (hit && hit.mtimeMs === mtimeMs && now - mtimeMs > 1000) return hit.names;
    const names = list(dir);
    this.entries.set(dir, { mtimeMs, names });
    return names;
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
  const ls = cache ? (d: string) => cache.list(d, now) : list;
  dirs?.push(root);
  for (const podDir of ls(root)) {
    if (!filter.wantsPodDir(podDir)) continue;
    const podPath = join(root, podDir);
    dirs?.push(podPath);
    for (const container of ls(podPath)) {
      const cPath = join(podPath, container);
      dirs?.push(cPath);
      for (const name of ls(cPath)) {
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
