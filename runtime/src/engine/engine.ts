import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Registry } from 'prom-client';
import { FAILURE_KINDS, type FailureKind } from '../config/failure-kinds';
import type { PodtailConfig } from '../config/schema';
import { CursorStore, type CursorEntry } from '../cursor/cursor-store';
import { DirWatcher } from '../discover/dir-watcher';
import { PathFilter } from '../discover/glob';
import { originFromRelative } from '../discover/path-info';
import { DirListCache, scanLogRoot, type FoundFile, type RotatedFile } from '../discover/scanner';
import { createExporter } from '../export/create-exporter';
import type { ExportOutcome, Exporter } from '../export/exporter';
import { createExtensions } from '../extensions';
import type { Logger, PodtailContext, PodtailExtension } from '../pipeline/extension';
import type { PodtailRecord, RecordProcessor } from '../pipeline/record';
import { parseCriLine, type ParsedLine } from '../parse/cri';
import { parseDockerLine } from '../parse/docker-json';
import { nowNanos } from '../parse/timestamp';
import { trimToCharBoundary } from '../stitch/stitcher';
import { fingerprintFd, headMatches, type Fingerprint } from '../tail/fingerprint';
import { TailedFile } from '../tail/tailed-file';
import { silentLogger } from '../telemetry/logger';
import { createCoreMetrics, failuresCounter, type CoreMetrics } from '../telemetry/metrics';
import { RateLimitedLog } from '../telemetry/rate-limited-log';
import { TelemetryServer } from '../telemetry/server';
import { Batch } from './batch';

export interface EngineOptions {
  readonly config: PodtailConfig;
  readonly log?: Logger;
  /** Self-telemetry registry (a fresh one by default). */
  readonly registry?: Registry;
  /** Replaces `createExtensions(ctx)` (tests). */
  readonly extensions?: (ctx: PodtailContext) => PodtailExtension[];
  /** Replaces the configured exporter (tests, benchmarks). */
  readonly exporter?: Exporter;
  /** At most one log line per failure kind (and per export failure reason) this often; 10 s by default. */
  readonly failureLogIntervalMs?: number;
}

/** Read buffer size: big chunks keep syscalls and per-chunk work off the per-line cost. */
const CHUNK_BYTES = 1024 * 1024;
/** Sealed batches waiting for export, at most; reading pauses past it. */
const MAX_QUEUED_BATCHES = 4;
/** Draining files are polled at this period. */
const TICK_MS = 250;
/** Per-record overhead added to the body length for batch byte estimates. */
const RECORD_OVERHEAD = 160;
/** Time slice of one read pump turn before yielding to I/O. */
const PUMP_SLICE_MS = 20;
const SHUTDOWN_TIMEOUT_MS = 30_000;
const FAILURE_LOG_INTERVAL_MS = 10_000;
const FAILURE_SUMMARY = new Map<string, string>(FAILURE_KINDS.map((k) => [k.kind, k.summary]));

const STREAMS = ['stdout', 'stderr'] as const;

/**
 * podtail's engine: discovers kubelet log files, tails them (rotation, truncation, deletion),
 * parses CRI / docker lines, stitches partials, runs the extensions' processors, exports in
 * ordered batches and moves cursors only for acknowledged data.
 */
export class Engine {
  readonly registry: Registry;
  readonly log: Logger;
  readonly context: PodtailContext;
  private readonly config: PodtailConfig;
  private readonly exporter: Exporter;
  private readonly extensions: PodtailExtension[];
  private readonly processors: RecordProcessor[];
  /** No processor changes a record's resource in place: records of a file share `f.resource`. */
  private readonly shareResource: boolean;
  /** No processor changes a record's attributes in place: records of a file and stream share them. */
  private readonly shareAttributes: boolean;
  private readonly failures;
  private readonly failureLog: RateLimitedLog<FailureKind>;
  private readonly exportFailureLog: RateLimitedLog;
  private metrics!: CoreMetrics;
  private readonly cursors: CursorStore;
  private readonly filter: PathFilter;
  private readonly watcher: DirWatcher;
  private readonly dirCache = new DirListCache();
  private server?: TelemetryServer;
  private readonly rootReal: string;
  private readonly rootNode: string;

  /** Active files by real path. */
  private readonly byPath = new Map<string, TailedFile>();
  /** Rotated or deleted files still being read. */
  private readonly draining = new Set<TailedFile>();
  private readonly dirty = new Set<TailedFile>();
  private openCount = 0;

  private batch = new Batch();
  private batchTimer?: NodeJS.Timeout;
  private readonly queue: Batch[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly abort = new AbortController();
  private wakeSender?: () => void;
  private senderDone?: Promise<void>;
  private idleWaiters: Array<() => void> = [];

  private pumpScheduled = false;
  private pausedForBackpressure = false;
  private rescanTimer?: NodeJS.Timeout;
  private tickTimer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private rescanSoonTimer?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private dead = false;

  private readonly readBuf: Buffer;
  private readonly parsed: ParsedLine = { time: '', stream: 0, partial: false, msgStart: 0, msgEnd: 0 };
  private observed = '';
  private readonly maxRecordBytes: number;
  private readonly format: 'auto' | 'cri' | 'docker';

  constructor(opts: EngineOptions) {
    const config = opts.config;
    this.config = config;
    this.log = opts.log ?? silentLogger;
    this.registry = opts.registry ?? new Registry();
    this.failures = failuresCounter(this.registry);
    this.failureLog = new RateLimitedLog(opts.failureLogIntervalMs ?? FAILURE_LOG_INTERVAL_MS);
    this.exportFailureLog = new RateLimitedLog(opts.failureLogIntervalMs ?? FAILURE_LOG_INTERVAL_MS);
    this.rootReal = this.hostPath(config.source.root);
    this.rootNode = config.source.root;
    this.cursors = new CursorStore(this.hostPath(config.cursors.directory));
    this.filter = new PathFilter(config.source);
    this.maxRecordBytes = config.source.maxRecordBytes;
    this.format = config.source.format;
    this.maxInFlight = config.exporter.maxInFlightBytes;
    this.readBuf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 2 * this.maxRecordBytes + 64 * 1024));
    this.watcher = new DirWatcher(
      (path, event) => this.onFsEvent(path, event),
      (dir, err) => this.log.debug('watch stopped', { dir, error: err.message }),
    );
    this.exporter =
      opts.exporter ??
      createExporter(config.exporter, {
        attemptFailed: (reason, hint) => {
          this.metrics?.exportFailures.inc({ reason });
          this.setDegraded('export', true);
          this.exportFailureLog.note(reason, 1, (count) =>
            this.log.warn('export failed; retrying', { reason, count, hint: hint ?? '' }),
          );
        },
      });
    this.context = {
      config,
      emitter: { emit: (r) => this.emitOutOfBand(r) },
      registry: this.registry,
      failure: (kind, count) => this.failure(kind, count),
      exportMetrics: (req) => this.exporter.exportMetrics(req, this.abort.signal),
      hostPath: (p) => this.hostPath(p),
      log: this.log,
    };
    this.extensions = (opts.extensions ?? createExtensions)(this.context);
    this.processors = this.extensions.flatMap((e) => e.processors ?? []);
    this.shareResource = this.processors.every((p) => p.keepsResource === true);
    this.shareAttributes = this.processors.every((p) => p.keepsAttributes === true);
    this.metrics = createCoreMetrics(this.registry, () => this.collectFileGauges());
  }

  /** Resolves a host path against `hostRoot`. */
  hostPath(p: string): string {
    const root = this.config.hostRoot;
    return root ? join(root, p) : p;
  }

  /**
   * Counts a failure and logs it: at most one line per kind per interval, carrying the count
   * since the last line (`kubectl logs | grep <kind>` finds it).
   */
  failure(kind: FailureKind, count = 1): void {
    this.failures.inc({ kind }, count);
    this.failureLog.note(kind, count, (n) =>
      this.log.warn(`podtail failure: ${kind}`, { kind, count: n, summary: FAILURE_SUMMARY.get(kind) ?? '' }),
    );
  }

  /** Starts extensions, the telemetry server, discovery and the export loop. */
  async start(): Promise<void> {
    for (const ext of this.extensions) await ext.start?.();
    if (this.config.server.enabled) {
      this.server = new TelemetryServer(this.registry, {
        healthy: () => this.started && !this.dead,
        notReady: () => this.notReady(),
        degraded: () => [...this.degradedNow],
      });
      const port = await this.server.listen(this.config.server.host, this.config.server.port);
      this.log.info('telemetry server listening', { host: this.config.server.host, port });
      this.serverPort = port;
    }
    this.senderDone = this.sendLoop();
    this.restore();
    this.rescan();
    this.rescanTimer = setInterval(() => this.rescan(), this.config.source.rescanIntervalMs);
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    // Progress is written after every acknowledged batch; this retries failed writes and saves
    // what changed without a batch (new files, released files).
    this.flushTimer = setInterval(() => {
      if (this.cursors.isDirty && !this.dead) this.persistCursors();
    }, this.config.cursors.flushIntervalMs);
    // The rescan timer stays referenced: it keeps the process alive while podtail runs.
    this.flushTimer.unref();
    this.tickTimer.unref();
    this.started = true;
    this.schedulePump();
    this.log.info('podtail started', { root: this.rootReal, files: this.byPath.size });
  }

  /** The telemetry server's port (when enabled). */
  serverPort?: number;

  private notReady(): string[] {
    const out: string[] = [];
    if (!this.started || this.dead) out.push('engine');
    for (const e of this.extensions) if (e.ready && !e.ready()) out.push(e.name);
    return out;
  }

  /**
   * Stops: completes partial lines, exports everything read, commits cursors, then stops the
   * extensions. Gives up exporting after the shutdown timeout (cursors stay at the last ack).
   */
  async stop(): Promise<void> {
    if (this.stopping || this.dead) return;
    // A last scan registers cursors for files that appeared (and maybe rotated) since the last
    // one, so the next start resumes them even if they are renamed meanwhile.
    this.rescan();
    this.stopping = true;
    this.stopTimers();
    this.watcher.close();
    for (const f of [...this.byPath.values(), ...this.draining]) {
      if (f.fd === null && !f.released) continue;
      this.completePartials(f);
      this.noteProgress(f, f.safeOffset(), false);
    }
    this.seal();
    const timeoutMs =
      this.config.exporter.type === 'otlphttp' ? this.config.exporter.shutdownTimeoutMs : SHUTDOWN_TIMEOUT_MS;
    const drained = await Promise.race([
      this.whenIdle().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref()),
    ]);
    if (!drained)
      this.log.warn('shutdown: export not finished in time; unacknowledged data will be re-read', {});
    this.dead = true;
    this.abort.abort(new Error('podtail stopping'));
    this.wakeSender?.();
    await this.senderDone;
    this.persistCursors();
    for (const ext of [...this.extensions].reverse()) {
      try {
        await ext.stop?.();
      } catch (e) {
        this.log.error('extension stop failed', { extension: ext.name, error: String(e) });
      }
    }
    for (const p of this.processors) await p.close?.();
    await this.exporter.close();
    this.closeAll();
    await this.server?.close();
    this.log.info('podtail stopped', {});
  }

  /** Abandons everything at once, as a crash would: no flush, no export, no cursor write. */
  async crash(): Promise<void> {
    this.dead = true;
    this.stopTimers();
    this.watcher.close();
    this.abort.abort(new Error('crash'));
    this.wakeSender?.();
    await this.senderDone;
    for (const ext of this.extensions) await ext.stop?.();
    await this.exporter.close();
    this.closeAll();
    await this.server?.close();
  }

  private stopTimers(): void {
    clearInterval(this.rescanTimer);
    clearInterval(this.tickTimer);
    clearInterval(this.flushTimer);
    clearTimeout(this.batchTimer);
    clearTimeout(this.rescanSoonTimer);
  }

  private closeAll(): void {
    for (const f of [...this.byPath.values(), ...this.draining]) f.close();
    this.openCount = 0;
  }

  /** Resolves when everything read so far is acknowledged (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.batch.empty && !this.sending) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Reads whatever is there now, then resolves when it is all acknowledged (tests). */
  async settle(): Promise<void> {
    this.rescan();
    for (const f of this.draining) this.dirty.add(f);
    for (let i = 0; i < 1000 && this.dirty.size > 0 && !this.dead; i++) {
      this.pump();
      if (this.dirty.size > 0) await new Promise((r) => setImmediate(r));
    }
    this.seal();
    await this.whenIdle();
  }

  // ---------------------------------------------------------------- discovery

  private onFsEvent(path: string, event: 'rename' | 'change'): void {
    if (this.dead || this.stopping) return;
    const f = this.byPath.get(path);
    if (f && event === 'change') {
      this.dirty.add(f);
      this.schedulePump();
      return;
    }
    this.rescanSoon();
  }

  private rescanSoon(): void {
    if (this.rescanSoonTimer) return;
    this.rescanSoonTimer = setTimeout(() => {
      this.rescanSoonTimer = undefined;
      this.rescan();
    }, 20);
  }

  /** Restores cursors of files that are gone from their kubelet name (rotated while down). */
  private restore(): void {
    let entries: CursorEntry[];
    try {
      entries = this.cursors.load();
    } catch (e) {
      this.failure('cursor_write_failed');
      this.log.error('cannot read cursors; starting from source.startAt', { error: String(e) });
      return;
    }
    const found = scanLogRoot(this.rootReal, this.filter);
    const live = new Set(found.map((f) => CursorStore.key(f.dev, f.ino)));
    for (const c of entries) {
      const key = CursorStore.key(c.dev, c.ino);
      if (live.has(key) || c.done) continue;
      // Rotated while podtail was down: look for the same inode under a rotated name.
      const rotated = this.findRotated(c);
      if (rotated) {
        this.log.info('resuming a file rotated while podtail was down', { path: c.path, now: rotated.path });
        const origin = originFromRelative(c.relative, c.path);
        if (!origin) continue;
        const f = this.track(
          rotated.path,
          c.relative,
          c.path,
          origin,
          c.dev,
          c.ino,
          rotated.rewritten ? 0 : c.offset,
        );
        if (!f) continue;
        f.state = 'draining';
        f.drainSince = Date.now();
        this.draining.add(f);
        this.dirty.add(f);
      } else {
        this.log.warn('file gone while podtail was down; its cursor is dropped', { path: c.path });
        this.cursors.delete(key);
      }
    }
  }

  /**
   * The rotated name of a file known by its cursor: same directory, `<name>.<suffix>`, not
   * compressed, same device and inode. `rewritten` when its head no longer matches (truncated
   * before the rename): it is read from the start.
   */
  private findRotated(c: CursorEntry): { path: string; rewritten: boolean } | undefined {
    const real = join(this.rootReal, c.relative);
    const dir = dirname(real);
    const base = basename(real);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return undefined;
    }
    for (const name of names) {
      if (!name.startsWith(base + '.') || /\.(gz|zst|bz2|xz)$/.test(name)) continue;
      const p = join(dir, name);
      try {
        const st = statSync(p);
        if (st.dev === c.dev && st.ino === c.ino) {
          const fd = openSync(p, 'r');
          try {
            return { path: p, rewritten: !headMatches(fd, { len: c.fpLen, hash: c.fpHash }) };
          } finally {
            this.closeFd(fd);
          }
        }
      } catch {
        // gone
      }
    }
    return undefined;
  }

  private closeFd(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // ignore
    }
  }

  /** One pass over the log root: new files, rotated files, deleted files, missed changes. */
  rescan(): void {
    if (this.dead || this.stopping) return;
    const rotated: RotatedFile[] = [];
    const dirs: string[] = [];
    const found = scanLogRoot(this.rootReal, this.filter, rotated, dirs, this.dirCache);
    this.dirCache.retain(new Set(dirs));
    const seen = new Set<string>();
    for (const ff of found) {
      seen.add(ff.real);
      const f = this.byPath.get(ff.real);
      if (f && f.dev === ff.dev && f.ino === ff.ino) {
        let size = ff.size;
        let mtimeMs = ff.mtimeMs;
        if (ff.cached) {
          try {
            const st = f.fd !== null ? fstatSync(f.fd) : statSync(ff.real);
            size = st.size;
            mtimeMs = st.mtimeMs;
          } catch {
            continue;
          }
        }
        if (size !== f.readOffset || mtimeMs !== f.mtimeMs) {
          f.knownSize = size;
          this.dirty.add(f);
        }
        continue;
      }
      if (f) this.startDraining(f, 'rotated');
      this.discovered(ff);
    }
    for (const [path, f] of this.byPath) {
      if (!seen.has(path)) this.startDraining(f, 'gone');
    }
    if (rotated.length) this.rotatedUnseen(rotated);
    // Cursors of files let go are dropped once the file is gone from disk.
    const onDisk = new Set<string>();
    for (const ff of found) onDisk.add(CursorStore.key(ff.dev, ff.ino));
    for (const r of rotated) onDisk.add(CursorStore.key(r.dev, r.ino));
    for (const c of this.cursors.all()) {
      const key = CursorStore.key(c.dev, c.ino);
      if (c.done && !onDisk.has(key)) {
        this.cursors.delete(key);
        this.cursorsPending = true;
      }
    }
    if (this.cursorsPending) {
      this.cursorsPending = false;
      this.persistCursors();
    }
    this.watcher.sync(dirs);
    this.updateFileGauges();
    this.schedulePump();
  }

  /**
   * Rotated files created and rotated since podtail started that it never saw under their
   * kubelet name (several rotations between two scans): read them whole, as draining files.
   */
  private rotatedUnseen(rotated: RotatedFile[]): void {
    const known = new Set<string>();
    for (const f of this.byPath.values()) known.add(CursorStore.key(f.dev, f.ino));
    for (const f of this.draining) known.add(CursorStore.key(f.dev, f.ino));
    for (const r of rotated) {
      const key = CursorStore.key(r.dev, r.ino);
      if (known.has(key) || this.released.has(key) || this.cursors.get(key)) continue;
      if (this.isCopyOfKnownHead(r.real)) {
        // A copy (copytruncate) of content already read under another inode: remembered as done.
        this.released.add(key);
        this.cursors.set({
          path: nodePathOf(this.rootNode, r.relative),
          relative: r.relative,
          dev: r.dev,
          ino: r.ino,
          fpLen: 0,
          fpHash: '',
          offset: r.size,
          done: true,
        });
        this.cursorsPending = true;
        continue;
      }
      const nodePath = join(this.rootNode, r.relative);
      const origin = originFromRelative(r.relative, nodePath);
      if (!origin) continue;
      if (!this.started && this.config.source.startAt === 'end') {
        // Present at startup with no cursor: startAt applies; remember it as read.
        this.released.add(key);
        this.cursors.set({
          path: nodePath,
          relative: r.relative,
          dev: r.dev,
          ino: r.ino,
          fpLen: 0,
          fpHash: '',
          offset: r.size,
          done: true,
        });
        this.cursorsPending = true;
        continue;
      }
      const f = this.track(r.real, r.relative, nodePath, origin, r.dev, r.ino, 0);
      if (!f) continue;
      this.log.debug('reading a rotated file never seen under its kubelet name', { path: r.real });
      f.state = 'draining';
      f.drainSince = Date.now();
      this.draining.add(f);
      this.dirty.add(f);
    }
  }

  /** Remembers the head of content read before a truncation (copytruncate leaves a copy of it). */
  private rememberHead(fp: Fingerprint): void {
    if (fp.len > 0) this.cursors.addHead(fp);
  }

  private isCopyOfKnownHead(path: string): boolean {
    const heads = this.cursors.knownHeads();
    for (const f of [...this.byPath.values(), ...this.draining])
      if (f.fp.len > 0) heads.set(f.fp.hash, f.fp.len);
    if (heads.size === 0) return false;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return true;
    }
    try {
      for (const len of new Set(heads.values())) {
        const fp = fingerprintFd(fd, len);
        if (fp.len === len && heads.get(fp.hash) === len) return true;
      }
      return false;
    } finally {
      this.closeFd(fd);
    }
  }

  /** Keys of files let go (bounded), so a rotated name is never read twice. */
  private readonly released = new Set<string>();

  private discovered(ff: FoundFile): void {
    const nodePath = join(this.rootNode, ff.relative);
    const origin = originFromRelative(ff.relative, nodePath);
    if (!origin) {
      this.log.debug('not a kubelet log path; skipped', { path: ff.real });
      return;
    }
    const cursor = this.cursors.get(CursorStore.key(ff.dev, ff.ino));
    let offset = -1;
    if (cursor) offset = cursor.offset;
    const f = this.track(ff.real, ff.relative, nodePath, origin, ff.dev, ff.ino, offset, cursor);
    if (!f) return;
    this.byPath.set(ff.real, f);
    this.dirty.add(f);
  }

  /**
   * Opens and identifies a file. `offset` -1 means no cursor: start at `startAt` for files
   * present at startup, at the beginning for files that appear later.
   */
  private track(
    real: string,
    relative: string,
    nodePath: string,
    origin: NonNullable<ReturnType<typeof originFromRelative>>,
    dev: number,
    ino: number,
    offset: number,
    cursor?: CursorEntry,
  ): TailedFile | undefined {
    if (!this.makeRoom()) return undefined;
    let fd: number;
    try {
      fd = openSync(real, 'r');
    } catch (e) {
      this.log.debug('cannot open', { path: real, error: String(e) });
      return undefined;
    }
    const st = fstatSync(fd);
    if (st.dev !== dev || st.ino !== ino) {
      this.closeFd(fd);
      this.rescanSoon();
      return undefined;
    }
    const fpBytes = this.config.source.fingerprintBytes;
    let fp: Fingerprint = fingerprintFd(fd, fpBytes);
    if (cursor) {
      const prior = { len: cursor.fpLen, hash: cursor.fpHash };
      if (!headMatches(fd, prior)) {
        // Same inode, other content: the inode was reused or the file rewritten. Read it all.
        this.log.info('inode reused or file rewritten; reading from the start', { path: real });
        if (prior.len > 0) this.cursors.addHead(prior);
        offset = 0;
      }
    }
    if (offset < 0)
      offset = this.started ? 0 : this.config.source.startAt === 'end' ? lastLineEnd(fd, st.size) : 0;
    if (offset > st.size) {
      offset = 0;
      fp = fingerprintFd(fd, fpBytes);
    }
    const f = new TailedFile(
      real,
      relative,
      nodePath,
      origin,
      dev,
      ino,
      fp,
      offset,
      this.maxRecordBytes,
      this.config.nodeName,
    );
    f.fd = fd;
    f.knownSize = st.size;
    f.lastReadMs = Date.now();
    this.openCount++;
    if (!cursor || offset !== cursor.offset) {
      // Known from now on: a rotation while podtail is down still finds it by its inode.
      this.cursors.set(this.cursorEntry(f, offset));
      this.cursorsPending = true;
    }
    return f;
  }

  /** Keeps open files under the cap by closing idle ones (reopened when they change). */
  private makeRoom(): boolean {
    const cap = this.config.source.maxOpenFiles;
    if (this.openCount < cap) return true;
    let victim: TailedFile | undefined;
    for (const f of this.byPath.values()) {
      if (f.fd === null || !f.atEof || f.partials[0].pending || f.partials[1].pending || f.leftover) continue;
      if (!victim || f.lastReadMs < victim.lastReadMs) victim = f;
    }
    if (!victim) {
      this.failure('fingerprint_cardinality');
      this.log.warn('open-file cap reached and no idle file to close', { cap });
      return false;
    }
    victim.close();
    this.openCount--;
    return true;
  }

  private startDraining(f: TailedFile, why: 'rotated' | 'gone'): void {
    this.byPath.delete(f.real);
    this.dirty.delete(f);
    if (f.fd === null) {
      // Closed by the open-file cap: its inode may live on under a rotated name.
      const c: CursorEntry = {
        path: f.nodePath,
        relative: f.relative,
        dev: f.dev,
        ino: f.ino,
        fpLen: f.fp.len,
        fpHash: f.fp.hash,
        offset: f.readOffset,
      };
      const rotated = this.findRotated(c);
      if (!rotated || !this.makeRoom()) {
        if (f.readOffset < f.knownSize) this.failure('rotation_stalled');
        this.release(f);
        return;
      }
      try {
        f.fd = openSync(rotated.path, 'r');
        this.openCount++;
        f.real = rotated.path;
      } catch {
        this.release(f);
        return;
      }
    }
    this.log.debug('draining', { path: f.nodePath, why });
    f.state = 'draining';
    f.drainSince = Date.now();
    this.draining.add(f);
    this.dirty.add(f);
  }

  /** Lets a file go for good: completes its partial lines, its cursor goes once acknowledged. */
  private release(f: TailedFile): void {
    this.completePartials(f);
    f.released = true;
    this.released.add(CursorStore.key(f.dev, f.ino));
    if (this.released.size > 100_000) this.released.delete(this.released.values().next().value as string);
    this.draining.delete(f);
    this.dirty.delete(f);
    if (f.fd !== null) {
      f.close();
      this.openCount--;
    }
    this.noteProgress(f, f.safeOffset(), true);
  }

  private tick(): void {
    if (this.dead || this.stopping) return;
    const now = Date.now();
    const idleMs = Math.min(1000, this.config.source.rotationWaitMs);
    for (const f of this.draining) {
      if (f.atEof && !f.leftover && now - f.lastGrowthMs >= idleMs) {
        this.release(f);
        continue;
      }
      if (!f.atEof && this.pausedForBackpressure) {
        // Waiting on the exporter, not on the file: the rotation wait does not run.
        f.drainSince = now;
        continue;
      }
      if (now - f.drainSince > this.config.source.rotationWaitMs && !(f.atEof && f.leftover)) {
        this.failure('rotation_stalled');
        this.log.warn('rotated file not read to its end within source.rotationWaitMs; let go', {
          path: f.nodePath,
          offset: f.readOffset,
        });
        this.release(f);
        continue;
      }
      if (f.atEof && f.leftover && now - f.drainSince > this.config.source.rotationWaitMs) {
        // An unterminated last line in a file nobody writes any more: take it as a line.
        this.flushLeftover(f);
        this.release(f);
        continue;
      }
      this.dirty.add(f);
    }
    if (this.dirty.size) this.schedulePump();
    this.updateFileGauges();
  }

  // ---------------------------------------------------------------- reading

  private schedulePump(): void {
    if (this.pumpScheduled || this.dead) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private backpressured(): boolean {
    return this.inFlight >= this.maxInFlight || this.queue.length >= MAX_QUEUED_BATCHES;
  }

  private pump(): void {
    if (this.dead || this.stopping) return;
    const deadline = Date.now() + PUMP_SLICE_MS;
    for (;;) {
      if (this.backpressured()) {
        this.pausedForBackpressure = true;
        return;
      }
      const it = this.dirty.values().next();
      if (it.done) break;
      const f = it.value;
      this.dirty.delete(f);
      if (this.readChunk(f)) this.dirty.add(f);
      if (Date.now() > deadline) {
        this.schedulePump();
        return;
      }
    }
  }

  /** Reads one chunk. Returns true when there may be more to read right away. */
  private readChunk(f: TailedFile): boolean {
    if (f.released) return false;
    if (f.fd === null && !this.reopen(f)) return false;
    const fd = f.fd as number;
    const buf = this.readBuf;
    const lo = f.leftover ? f.leftover.length : 0;
    if (lo > buf.length - 64 * 1024) {
      // No newline within the read buffer: take what we have as one (over-size) line.
      this.flushLeftover(f);
      return true;
    }
    if (lo) f.leftover!.copy(buf, 0);
    // Never read much past the in-flight bound: memory stays bounded while the exporter waits.
    const want = Math.min(buf.length - lo, Math.max(64 * 1024, this.maxInFlight - this.inFlight));
    let n: number;
    try {
      n = readSync(fd, buf, lo, want, f.readOffset);
    } catch (e) {
      this.log.warn('read failed', { path: f.nodePath, error: String(e) });
      return false;
    }
    const now = Date.now();
    f.lastReadMs = now;
    if (n === 0) {
      const st = fstatSync(fd);
      f.knownSize = st.size;
      if (st.size < f.readOffset) {
        this.truncated(f, 'size below read offset');
        return true;
      }
      if (st.mtimeMs !== f.mtimeMs && !this.contentIntact(f)) {
        // Rewritten to exactly our offset: only the content tells.
        this.truncated(f, 'content changed at the same size');
        return true;
      }
      f.mtimeMs = st.mtimeMs;
      f.atEof = true;
      return false;
    }
    if (f.atEof) {
      // Woken after idling at the end: check by content that this is still the same data
      // (copytruncate and a rewrite past our offset leave the size looking fine).
      f.atEof = false;
      if (!this.contentIntact(f)) {
        this.truncated(f, 'content changed');
        return true;
      }
    }
    f.lastGrowthMs = now;
    f.readOffset += n;
    this.metrics.bytesRead.inc(n);
    this.inFlight += n;
    this.observed = nowNanos();
    const end = lo + n;
    const base = f.readOffset - end;
    const consumed = this.processLines(f, buf, 0, end, base);
    f.leftover = consumed < end ? Buffer.from(buf.subarray(consumed, end)) : null;
    if (f.fp.len < this.config.source.fingerprintBytes && f.readOffset > f.fp.len) {
      f.fp = fingerprintFd(fd, this.config.source.fingerprintBytes);
    }
    this.batch.readBytes += n;
    this.noteProgress(f, f.safeOffset(), false);
    this.metrics.inFlightBytes.set(this.inFlight);
    if (n < want) {
      // A short read: at the end for now. The next growth is checked by content first.
      f.atEof = true;
      const st = fstatSync(fd);
      f.knownSize = st.size;
      f.mtimeMs = st.mtimeMs;
      return st.size > f.readOffset;
    }
    return true;
  }

  private reopen(f: TailedFile): boolean {
    if (!this.makeRoom()) return false;
    try {
      const fd = openSync(f.real, 'r');
      const st = fstatSync(fd);
      if (st.dev !== f.dev || st.ino !== f.ino) {
        this.closeFd(fd);
        this.rescanSoon();
        return false;
      }
      f.fd = fd;
      this.openCount++;
      return true;
    } catch {
      this.rescanSoon();
      return false;
    }
  }

  private contentIntact(f: TailedFile): boolean {
    const fd = f.fd as number;
    if (!headMatches(fd, f.fp)) return false;
    const c = f.consumedOffset;
    if (c > 0) {
      const one = Buffer.allocUnsafe(1);
      if (readSync(fd, one, 0, 1, c - 1) !== 1 || one[0] !== 10) return false;
    }
    return true;
  }

  private truncated(f: TailedFile, why: string): void {
    this.log.info('file truncated; reading from the start', { path: f.nodePath, why, offset: f.readOffset });
    if (f.leftover) this.flushLeftover(f);
    this.completePartials(f);
    this.noteProgress(f, f.safeOffset(), false);
    this.rememberHead(f.fp);
    f.generation++;
    f.readOffset = 0;
    f.leftover = null;
    f.atEof = false;
    f.fp = fingerprintFd(f.fd as number, this.config.source.fingerprintBytes);
    this.noteProgress(f, 0, false);
  }

  /** Takes the unterminated bytes at the end of a file as a line. */
  private flushLeftover(f: TailedFile): void {
    const lo = f.leftover;
    if (!lo) return;
    f.leftover = null;
    this.observed = nowNanos();
    this.processLine(f, lo, 0, lo.length, f.readOffset - lo.length, f.readOffset);
    this.noteProgress(f, f.safeOffset(), false);
  }

  /** Splits `[start, end)` at newlines; returns the offset after the last complete line. */
  private processLines(f: TailedFile, b: Buffer, start: number, end: number, base: number): number {
    let s = start;
    for (;;) {
      const nl = b.indexOf(10, s);
      if (nl < 0 || nl >= end) return s;
      this.processLine(f, b, s, nl, base + s, base + nl + 1);
      s = nl + 1;
    }
  }

  private processLine(
    f: TailedFile,
    b: Buffer,
    s: number,
    e: number,
    lineStart: number,
    lineEnd: number,
  ): void {
    // NUL padding (a writer continuing past a truncation point leaves a hole).
    while (s < e && b[s] === 0) {
      s++;
      lineStart++;
    }
    if (s === e) return;
    this.metrics.recordsRead.inc();
    const p = this.parsed;
    let ok = false;
    if (this.format !== 'docker') ok = parseCriLine(b, s, e, p);
    if (!ok && this.format !== 'cri' && b[s] === 123) {
      const d = parseDockerLine(b.toString('utf8', s, e));
      if (d) {
        this.stitchText(f, d.stream, d.partial, d.time, d.message, lineStart, lineEnd);
        return;
      }
    }
    if (!ok) {
      this.metrics.malformedLines.inc();
      let me = e;
      if (b[me - 1] === 13) me--;
      this.emitBytes(f, undefined, this.observed, b, s, me, lineEnd);
      return;
    }
    const part = f.partials[p.stream];
    if (p.partial) {
      part.add(b, p.msgStart, p.msgEnd, lineStart, p.time);
      return;
    }
    let me = p.msgEnd;
    if (me > p.msgStart && b[me - 1] === 13) me--;
    if (part.pending) {
      const time = part.time;
      const done = part.complete(b, p.msgStart, me);
      this.emitRecord(
        f,
        p.stream,
        time,
        done.bytes.toString('utf8'),
        done.truncated,
        done.originalBytes,
        lineEnd,
      );
      return;
    }
    this.emitBytes(f, p.stream, p.time, b, p.msgStart, me, lineEnd);
  }

  /** docker json-file lines come decoded already; partials are stitched as UTF-8 bytes too. */
  private stitchText(
    f: TailedFile,
    stream: 0 | 1,
    partial: boolean,
    time: string,
    message: string,
    lineStart: number,
    lineEnd: number,
  ): void {
    const part = f.partials[stream];
    const bytes = Buffer.from(message, 'utf8');
    if (partial) {
      part.add(bytes, 0, bytes.length, lineStart, time);
      return;
    }
    if (part.pending) {
      const t = part.time;
      const done = part.complete(bytes, 0, bytes.length);
      this.emitRecord(f, stream, t, done.bytes.toString('utf8'), done.truncated, done.originalBytes, lineEnd);
      return;
    }
    this.emitBytes(f, stream, time, bytes, 0, bytes.length, lineEnd);
  }

  private emitBytes(
    f: TailedFile,
    stream: 0 | 1 | undefined,
    time: string,
    b: Buffer,
    s: number,
    e: number,
    lineEnd: number,
  ): void {
    if (e - s > this.maxRecordBytes) {
      const cut = trimToCharBoundary(b.subarray(s, s + this.maxRecordBytes));
      this.emitRecord(f, stream, time, cut.toString('utf8'), true, e - s, lineEnd);
      return;
    }
    this.emitRecord(f, stream, time, b.toString('utf8', s, e), false, e - s, lineEnd);
  }

  private emitRecord(
    f: TailedFile,
    stream: 0 | 1 | undefined,
    time: string,
    body: string,
    truncated: boolean,
    originalBytes: number,
    lineEnd: number,
  ): void {
    const attributes: PodtailRecord['attributes'] =
      this.shareAttributes && !truncated
        ? f.attributesFor(stream)
        : stream === undefined
          ? { 'log.file.path': f.nodePath }
          : { 'log.iostream': STREAMS[stream], 'log.file.path': f.nodePath };
    if (truncated) {
      attributes['podtail.truncated'] = true;
      attributes['podtail.original_bytes'] = originalBytes;
      // The over-size policy at work (RUNBOOK: PodtailBackpressureDrop): the record is shipped
      // cut, its tail is dropped.
      this.metrics.recordsTruncated.inc();
      this.metrics.recordsDropped.inc({ namespace: f.origin.namespace, reason: 'truncated' });
      this.failure('backpressure_drop');
    }
    let rec: PodtailRecord | null = {
      timeUnixNano: time,
      observedTimeUnixNano: this.observed,
      body,
      attributes,
      resource: this.shareResource ? f.resource : { ...f.resource },
    };
    for (let i = 0; i < this.processors.length && rec; i++) rec = this.processors[i].process(rec, f.origin);
    const batch = this.batch;
    if (rec) {
      batch.records.push(rec);
      batch.bytes += body.length + RECORD_OVERHEAD;
    }
    if (
      batch.records.length >= this.config.exporter.batch.maxRecords ||
      batch.bytes >= this.config.exporter.batch.maxBytes
    ) {
      this.noteProgress(f, f.safeOffset(lineEnd), false);
      this.seal();
    } else if (!this.batchTimer) {
      this.armBatchTimer();
    }
  }

  private completePartials(f: TailedFile): void {
    for (const stream of [0, 1] as const) {
      const part = f.partials[stream];
      if (!part.pending) continue;
      const time = part.time;
      const done = part.complete();
      this.observed = nowNanos();
      this.emitRecord(
        f,
        stream,
        time,
        done.bytes.toString('utf8'),
        done.truncated,
        done.originalBytes,
        f.consumedOffset,
      );
    }
  }

  // ---------------------------------------------------------------- batching and export

  private noteProgress(f: TailedFile, offset: number, final: boolean): void {
    this.batch.progress.set(f, { generation: f.generation, offset, final });
    if (!this.batchTimer) this.armBatchTimer();
  }

  private emitOutOfBand(r: PodtailRecord): void {
    if (this.dead) return;
    this.batch.records.push(r);
    this.batch.bytes += RECORD_OVERHEAD + (typeof r.body === 'string' ? r.body.length : 256);
    if (!this.batchTimer) this.armBatchTimer();
  }

  private armBatchTimer(): void {
    if (this.dead) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      this.seal();
    }, this.config.exporter.batch.maxDelayMs);
  }

  private seal(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.batch.empty) return;
    this.queue.push(this.batch);
    this.batch = new Batch();
    this.metrics.inFlightBytes.set(this.inFlight);
    this.wakeSender?.();
  }

  private sending = false;

  private async sendLoop(): Promise<void> {
    while (!this.dead) {
      const b = this.queue[0];
      if (!b) {
        this.notifyIdle();
        await new Promise<void>((r) => (this.wakeSender = r));
        this.wakeSender = undefined;
        continue;
      }
      this.sending = true;
      try {
        if (b.records.length) {
          const outcome = await this.exporter.exportLogs(b.records, this.abort.signal);
          this.countOutcome(b.records, outcome);
        }
      } catch (e) {
        this.sending = false;
        if (this.dead) return;
        this.log.warn('export failed; retrying', { error: String(e) });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      this.sending = false;
      if (this.dead) return;
      this.commit(b);
      this.queue.shift();
      this.inFlight -= b.readBytes;
      this.metrics.inFlightBytes.set(this.inFlight);
      this.setDegraded('export', false);
      if (this.pausedForBackpressure && !this.backpressured()) {
        this.pausedForBackpressure = false;
        this.schedulePump();
      }
    }
    this.notifyIdle();
  }

  /** Self-telemetry for an export outcome: exported, dropped (refused by the receiver), bytes. */
  private countOutcome(records: readonly PodtailRecord[], outcome: ExportOutcome): void {
    if (outcome.kind === 'rejected') {
      this.log.error('exporter rejected a batch; its records are dropped', {
        reason: outcome.reason,
        records: records.length,
      });
      this.countRejected(records);
      return;
    }
    this.metrics.bytesExported.inc(outcome.bytes ?? 0);
    const dropped = outcome.dropped ?? [];
    const partial = outcome.partialRejected ?? 0;
    this.metrics.recordsExported.inc(Math.max(0, records.length - dropped.length - partial));
    if (dropped.length) {
      for (const d of dropped) {
        this.log.error('the collector refused a record on its own; it is dropped', {
          reason: d.reason,
          namespace: String(d.record.resource['k8s.namespace.name'] ?? ''),
          path: String(d.record.attributes['log.file.path'] ?? ''),
          bodyBytes: typeof d.record.body === 'string' ? Buffer.byteLength(d.record.body) : undefined,
        });
      }
      this.countRejected(dropped.map((d) => d.record));
    }
    if (partial) {
      // The collector accepted the request but says it rejected some records (OTLP
      // partial_success): which ones it does not say, so they count without a namespace.
      this.log.error('the collector rejected records of an accepted request (partial success)', {
        rejected: partial,
        message: outcome.partialMessage ?? '',
      });
      this.metrics.recordsDropped.inc({ namespace: '', reason: 'rejected' }, partial);
      this.failure('backpressure_drop', partial);
    } else if (outcome.partialMessage) {
      this.log.warn('the collector accepted the records with a warning', { message: outcome.partialMessage });
    }
  }

  /** Records refused by the receiver: `records_dropped_total{reason="rejected"}` and `backpressure_drop`. */
  private countRejected(records: readonly PodtailRecord[]): void {
    const byNs = new Map<string, number>();
    for (const r of records) {
      const ns = String(r.resource['k8s.namespace.name'] ?? '');
      byNs.set(ns, (byNs.get(ns) ?? 0) + 1);
    }
    for (const [namespace, n] of byNs) this.metrics.recordsDropped.inc({ namespace, reason: 'rejected' }, n);
    this.failure('backpressure_drop', records.length);
  }

  private notifyIdle(): void {
    if (this.queue.length || !this.batch.empty) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  /** Moves cursors for an acknowledged batch and writes them down. */
  private commit(b: Batch): void {
    for (const [f, p] of b.progress) {
      if (p.generation !== f.generation) continue;
      f.ackedOffset = p.offset;
      if (p.final) {
        // Kept (done) while the file exists, so its rotated name is never read again.
        this.cursors.set({ ...this.cursorEntry(f, p.offset), done: true });
        continue;
      }
      if (f.released) continue;
      this.cursors.set(this.cursorEntry(f, p.offset));
    }
    this.persistCursors();
  }

  private cursorsPending = false;

  private cursorEntry(f: TailedFile, offset: number): CursorEntry {
    return {
      path: f.nodePath,
      relative: f.relative,
      dev: f.dev,
      ino: f.ino,
      fpLen: f.fp.len,
      fpHash: f.fp.hash,
      offset,
    };
  }

  private persistCursors(): void {
    try {
      this.cursors.persist();
      this.setDegraded('cursors', false);
    } catch (e) {
      this.failure('cursor_write_failed');
      this.setDegraded('cursors', true);
      this.log.error('cannot write cursors', { directory: this.cursors.directory, error: String(e) });
    }
  }

  // ---------------------------------------------------------------- telemetry

  /** Core components that cannot do their job fully: `export` (failing), `cursors` (not written). */
  private readonly degradedNow = new Set<string>();

  private setDegraded(component: 'export' | 'cursors', on: boolean): void {
    if (on === this.degradedNow.has(component)) return;
    if (on) this.degradedNow.add(component);
    else this.degradedNow.delete(component);
    this.metrics.degraded.set({ component }, on ? 1 : 0);
  }

  private updateFileGauges(): void {
    this.metrics.openFiles.set(this.openCount);
    this.metrics.trackedFiles.set({ state: 'active' }, this.byPath.size);
    this.metrics.trackedFiles.set({ state: 'draining' }, this.draining.size);
    this.metrics.inFlightBytes.set(this.inFlight);
  }

  private collectFileGauges(): void {
    const g = this.metrics.lagBytes;
    g.reset();
    for (const f of this.byPath.values()) {
      let size = f.knownSize;
      if (f.fd !== null) {
        try {
          size = fstatSync(f.fd).size;
        } catch {
          // closed meanwhile
        }
      }
      g.inc(
        { namespace: f.origin.namespace, pod: f.origin.podName, container: f.origin.containerName },
        Math.max(0, size - f.ackedOffset),
      );
    }
    this.updateFileGauges();
  }

  /** Current engine state for tests and diagnostics. */
  get stats(): {
    inFlightBytes: number;
    queued: number;
    openFiles: number;
    active: number;
    draining: number;
  } {
    return {
      inFlightBytes: this.inFlight,
      queued: this.queue.length,
      openFiles: this.openCount,
      active: this.byPath.size,
      draining: this.draining.size,
    };
  }
}

function nodePathOf(rootNode: string, relative: string): string {
  return join(rootNode, relative);
}

/** Offset after the last newline before `size` (so `startAt: end` never starts mid-line). */
function lastLineEnd(fd: number, size: number): number {
  const window = Math.min(size, 256 * 1024);
  if (window === 0) return 0;
  const b = Buffer.allocUnsafe(window);
  const n = readSync(fd, b, 0, window, size - window);
  const nl = b.subarray(0, n).lastIndexOf(10);
  return nl < 0 ? size - window : size - window + nl + 1;
}
