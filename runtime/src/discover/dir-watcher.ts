import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/**
 * inotify (fs.watch) on a set of directories, for latency: a change to a file reports its
 * path; anything else (a new directory, a rename) asks for a rescan. The periodic rescan
 * catches whatever inotify misses (overflow, directories created between scans).
 */
export class DirWatcher {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(
    private readonly onFileEvent: (path: string, event: 'rename' | 'change') => void,
    private readonly onError: (dir: string, err: Error) => void,
  ) {}

  /** Watches exactly `dirs` (adds new ones, drops those no longer listed). */
  sync(dirs: readonly string[]): void {
    const want = new Set(dirs);
    for (const [dir, w] of this.watchers) {
      if (!want.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (event, name) => {
          if (name) this.onFileEvent(join(dir, name.toString()), event);
        });
        w.on('error', (err) => {
          w.close();
          this.watchers.delete(dir);
          this.onError(dir, err);
        });
        this.watchers.set(dir, w);
      } catch (err) {
        this.onError(dir, err as Error);
      }
    }
  }

  get size(): number {
    return this.watchers.size;
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
