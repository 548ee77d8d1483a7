import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../pipeline/extension';
import type { PodtailRecord } from '../pipeline/record';
import {
  ContainerdClient,
  type ContainerdEvent,
  type ContainerMessage,
  type EventStream,
  type ProcessMessage,
  type TaskStatusName,
} from './client';
import { lifecycleRecord, nowNano, timestampToNano, type LifecycleDetails } from './lifecycle';
import { ContainerStore, type ContainerEntry, type TaskState } from './store';

/** What the watcher needs; `ContainerdConfig` plus the host-resolved socket and node name. */
export interface ContainerdWatcherOptions {
  /** Host-resolved path of containerd's socket. */
  readonly socket: string;
  /** containerd namespaces to watch; empty: all, including ones created later. */
  readonly namespaces: readonly string[];
  readonly maxContainers: number;
  readonly deletedRetentionMs: number;
  /** Re-list running tasks' pids this often (0: never). */
  readonly pidPollIntervalMs: number;
  readonly lifecycleRecords: boolean;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** `k8s.node.name` on lifecycle records. */
  readonly nodeName: string;
  readonly onRecord?: (record: PodtailRecord) => void;
  readonly onFailure?: (kind: 'watch' | 'attribution_cardinality') => void;
  /** Called when the stream goes up (synced) or down. */
  readonly onStreamState?: (up: boolean) => void;
  readonly log?: Logger;
  /** Longest wait for the subscription barrier before listing anyway. */
  readonly barrierTimeoutMs?: number;
  /**
   * Runs after the subscription is live and before the listing (a seam for tests that start
   * tasks in that window).
   */
  readonly afterSubscribe?: () => Promise<void>;
}

/** Topics podtail subscribes to. */
export const WATCHED_TOPICS =
  '^/(tasks/(create|start|exit|delete|oom|exec-started)|containers/(create|update|delete)|namespaces/(create|delete))$';

/** containerd namespace podtail publishes its subscription barrier in (events only). */
const BARRIER_NAMESPACE = 'podtail';

interface Snapshot {
  namespaces: string[];
  byNamespace: Map<
    string,
    { containers: ContainerMessage[]; tasks: Map<string, ProcessMessage>; pids: Map<string, number[]> }
  >;
}

const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function taskState(s: TaskStatusName): TaskState {
  switch (s) {
    case 'CREATED':
      return 'created';
    case 'RUNNING':
      return 'running';
    case 'PAUSED':
    case 'PAUSING':
      return 'paused';
    case 'STOPPED':
      return 'stopped';
    default:
      return 'unknown';
  }
}

const isLive = (t: TaskState): boolean => t === 'running' || t === 'paused';

function createdAtNano(c: ContainerMessage): bigint {
  const ts = c.createdAt;
  if (!ts) return 0n;
  return BigInt(ts.seconds) * 1_000_000_000n + BigInt(ts.nanos);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * Watches containerd: subscribes to its events, then lists namespaces, containers, tasks and
 * pids, then replays what arrived in between, so nothing that happens during start-up is
 * missed. When the stream ends it reconnects with backoff and reconciles: tasks that ended
 * while it was away are reported ended, new ones started.
 */
export class ContainerdWatcher {
  readonly store: ContainerStore;
  private readonly log: Logger;
  private stopped = false;
  private up = false;
  private everSynced = false;
  private client: ContainerdClient | undefined;
  private stream: EventStream | undefined;
  private loop: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private pidTimer: NodeJS.Timeout | undefined;
  private syncWaiters: Array<() => void> = [];
  private syncCount = 0;
  /** Namespaces seen (listed or created) while watching. */
  readonly namespacesSeen = new Set<string>();

  constructor(private readonly options: ContainerdWatcherOptions) {
    this.log = options.log ?? silentLog;
    this.store = new ContainerStore({
      maxContainers: options.maxContainers,
      retentionMs: options.deletedRetentionMs,
      onOverflow: (ns, id) => {
        this.log.warn('containerd store full: container not tracked', {
          namespace: ns,
          container: id,
          maxContainers: options.maxContainers,
          fix: 'raise containerd.maxContainers',
        });
        options.onFailure?.('attribution_cardinality');
      },
    });
  }

  /** True while the event stream is open and the store has been reconciled. */
  isUp(): boolean {
    return this.up;
  }

  /** Number of completed syncs (initial and after every reconnect). */
  get syncs(): number {
    return this.syncCount;
  }

  /**
   * Starts watching. Resolves after the first sync, or after the first failed attempt (the
   * watcher keeps retrying in the background), so a missing containerd never blocks podtail.
   */
  async start(): Promise<void> {
    if (this.loop) return;
    let first!: () => void;
    const firstOutcome = new Promise<void>((r) => (first = r));
    this.loop = this.run(first);
    await firstOutcome;
  }

  /** Resolves once the watcher has synced more than `after` times. */
  waitForSync(after = this.syncCount): Promise<void> {
    if (this.syncCount > after) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.syncCount > after) resolve();
        else this.syncWaiters.push(check);
      };
      this.syncWaiters.push(check);
    });
  }

  /** Waits until every event received so far has been applied to the store. */
  async idle(): Promise<void> {
    let c: Promise<void>;
    do {
      c = this.chain;
      await c;
    } while (c !== this.chain);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.cancel();
    this.wake?.();
    if (this.pidTimer) clearInterval(this.pidTimer);
    await this.loop;
    await this.idle();
    this.client?.close();
    this.client = undefined;
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.options.onStreamState?.(up);
  }

  private async run(first: () => void): Promise<void> {
    let delay = this.options.backoff.initialMs;
    while (!this.stopped) {
      let synced = false;
      try {
        await this.session(() => {
          synced = true;
          first();
        });
      } catch (err) {
        if (this.stopped) break;
        this.log.warn('containerd event stream down', {
          socket: this.options.socket,
          error: (err as Error).message,
          retryInMs: synced ? this.options.backoff.initialMs : delay,
        });
      }
      this.setUp(false);
      if (this.pidTimer) clearInterval(this.pidTimer);
      this.pidTimer = undefined;
      if (this.stopped) break;
      this.options.onFailure?.('watch');
      first();
      if (synced) delay = this.options.backoff.initialMs;
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.options.backoff.maxMs);
    }
    first();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private filters(barrierTopic: string): string[] {
    const topic = `topic~="${WATCHED_TOPICS}"`;
    const byNs = this.options.namespaces.length
      ? this.options.namespaces.map((ns) => `namespace==${JSON.stringify(ns)},${topic}`)
      : [topic];
    return [...byNs, `topic==${JSON.stringify(barrierTopic)}`];
  }

  /** One connection: subscribe, barrier, list, reconcile, replay, then live until it ends. */
  private async session(onSynced: () => void): Promise<void> {
    const { socket } = this.options;
    if (!existsSync(socket)) {
      throw new Error(
        `containerd socket ${socket} does not exist: is containerd running, and is the socket mounted (containerd.socket, hostRoot)?`,
      );
    }
    this.client?.close();
    const client = new ContainerdClient(socket);
    this.client = client;
    await client.waitForReady(3000);
    this.checkStopped();

    const nonce = randomBytes(8).toString('hex');
    const barrierTopic = `/podtail/barrier/${nonce}`;
    const buffered: ContainerdEvent[] = [];
    let live = false;
    let barrierSeen!: () => void;
    const barrier = new Promise<void>((r) => (barrierSeen = r));
    let endError: Error | undefined;
    let ended!: (e: Error) => void;
    const end = new Promise<Error>((r) => (ended = r));

    const stream = client.subscribe(this.filters(barrierTopic));
    this.stream = stream;
    stream.on('event', (e) => {
      if (e.topic === barrierTopic) {
        barrierSeen();
        return;
      }
      if (live) this.enqueue(() => this.apply(client, e));
      else buffered.push(e);
    });
    stream.on('end', (err) => {
      endError = err;
      ended(err);
    });

    // No replay in containerd: make sure the subscription is registered before listing, by
    // publishing a marker event to ourselves until it comes back (a marker published before
    // containerd registered the subscription is lost, so publish again every 100 ms).
    const timeout = this.options.barrierTimeoutMs ?? 3000;
    let waiting = true;
    const publisher = (async (): Promise<void> => {
      const deadline = Date.now() + timeout;
      while (waiting && !endError && Date.now() < deadline) {
        try {
          await client.publishBarrier(BARRIER_NAMESPACE, barrierTopic, nonce);
        } catch (err) {
          this.log.debug('containerd barrier publish failed; waiting instead', {
            error: (err as Error).message,
          });
          await new Promise((r) => setTimeout(r, Math.min(timeout, 500)));
          return;
        }
        await Promise.race([barrier, new Promise((r) => setTimeout(r, 100))]);
      }
    })();
    await Promise.race([barrier, publisher, end]);
    waiting = false;
    if (endError) throw endError;
    this.checkStopped();
    await this.options.afterSubscribe?.();

    const snapshot = await this.list(client);
    if (endError) throw endError;
    this.checkStopped();
    const announce = this.everSynced;
    await this.enqueueAndWait(() => this.reconcile(snapshot, announce));
    for (const e of buffered) this.enqueue(() => this.apply(client, e));
    live = true;
    await this.idle();
    if (endError) throw endError;

    this.everSynced = true;
    this.setUp(true);
    this.syncCount++;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) w();
    onSynced();
    this.log.info('containerd watch synced', {
      socket,
      containers: this.store.size,
      namespaces: snapshot.namespaces,
    });

    if (this.options.pidPollIntervalMs > 0) {
      this.pidTimer = setInterval(
        () => this.enqueue(() => this.pollPids(client)),
        this.options.pidPollIntervalMs,
      );
      this.pidTimer.unref();
    }
    throw await end;
  }

  private checkStopped(): void {
    if (this.stopped) throw new Error('containerd watch stopped');
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.chain = this.chain.then(task).catch((err: Error) => {
      this.log.warn('containerd event could not be applied', { error: err.message });
    });
  }

  private async enqueueAndWait(task: () => Promise<void> | void): Promise<void> {
    this.enqueue(task);
    await this.idle();
  }

  private watches(namespace: string): boolean {
    return !this.options.namespaces.length || this.options.namespaces.includes(namespace);
  }

  private async listNamespace(
    client: ContainerdClient,
    ns: string,
  ): Promise<{
    containers: ContainerMessage[];
    tasks: Map<string, ProcessMessage>;
    pids: Map<string, number[]>;
  }> {
    const [containers, taskList] = await Promise.all([client.listContainers(ns), client.listTasks(ns)]);
    const tasks = new Map(taskList.map((t) => [t.containerId, t]));
    const pids = new Map<string, number[]>();
    for (const t of taskList) {
      if (isLive(taskState(t.status))) pids.set(t.containerId, await client.listPids(ns, t.containerId));
    }
    return { containers, tasks, pids };
  }

  private async list(client: ContainerdClient): Promise<Snapshot> {
    const namespaces = (await client.listNamespaces()).filter((n) => this.watches(n));
    const byNamespace: Snapshot['byNamespace'] = new Map();
    for (const ns of namespaces) byNamespace.set(ns, await this.listNamespace(client, ns));
    return { namespaces, byNamespace };
  }

  private emit(e: ContainerEntry, d: LifecycleDetails): void {
    if (d.kind === 'start') e.announcedStartPid = d.pid ?? e.pid;
    if (d.kind === 'exit') e.announcedExitPid = d.pid ?? e.pid;
    if (!this.options.lifecycleRecords || !this.options.onRecord) return;
    this.options.onRecord(lifecycleRecord(e, d, this.options.nodeName));
  }

  /**
   * Applies a listing to the store. With `announce` (after a reconnect), tasks that started or
   * ended while the stream was down are reported; at first start, what already runs is not.
   */
  private reconcile(snap: Snapshot, announce: boolean): void {
    for (const ns of snap.namespaces) this.namespacesSeen.add(ns);
    const present = new Set<string>();
    for (const [ns, { containers, tasks, pids }] of snap.byNamespace) {
      for (const c of containers) {
        present.add(`${ns}/${c.id}`);
        const e = this.store.upsert(ns, c.id, {
          labels: c.labels,
          image: c.image,
          createdAtNano: createdAtNano(c),
        });
        if (!e) continue;
        const wasLive = isLive(e.task);
        const prevPid = e.pid;
        const t = tasks.get(c.id);
        if (!t) {
          if (announce && wasLive && e.announcedExitPid !== prevPid)
            this.emit(e, { kind: 'exit', pid: prevPid, timeUnixNano: nowNano(), source: 'reconcile' });
          e.task = 'none';
          this.store.setPids(e, []);
          continue;
        }
        const state = taskState(t.status);
        e.task = state;
        e.pid = t.pid;
        if (isLive(state)) {
          e.exitStatus = undefined;
          this.store.setPids(e, pids.get(c.id) ?? [t.pid]);
          if (announce && (!wasLive || prevPid !== t.pid) && e.announcedStartPid !== t.pid) {
            this.emit(e, { kind: 'start', pid: t.pid, timeUnixNano: nowNano(), source: 'reconcile' });
          }
        } else {
          this.store.setPids(e, []);
          if (state === 'stopped') {
            e.exitStatus = t.exitStatus;
            e.exitedAtNano = timestampToNano(t.exitedAt);
            if (announce && e.announcedExitPid !== t.pid && (wasLive || e.announcedStartPid === t.pid)) {
              this.emit(e, {
                kind: 'exit',
                pid: t.pid,
                exitStatus: t.exitStatus,
                timeUnixNano: e.exitedAtNano,
                source: 'reconcile',
              });
            }
          }
        }
      }
    }
    // Containers gone while away (or whose namespace is gone).
    for (const e of this.store.all()) {
      if (e.deletedAt !== undefined || present.has(`${e.namespace}/${e.id}`)) continue;
      if (announce && isLive(e.task) && e.announcedExitPid !== e.pid)
        this.emit(e, { kind: 'exit', pid: e.pid, timeUnixNano: nowNano(), source: 'reconcile' });
      this.store.markDeleted(e);
    }
    this.store.prune();
  }

  /** The store entry of a container, fetched from containerd (with its labels) when new. */
  private async ensure(
    client: ContainerdClient,
    ns: string,
    id: string,
  ): Promise<ContainerEntry | undefined> {
    const known = this.store.get(ns, id);
    if (known && known.deletedAt === undefined) return known;
    const found = await client.listContainers(ns, [`id==${JSON.stringify(id)}`]);
    const c = found.find((x) => x.id === id);
    return this.store.upsert(
      ns,
      id,
      c ? { labels: c.labels, image: c.image, createdAtNano: createdAtNano(c) } : {},
    );
  }

  private async apply(client: ContainerdClient, ev: ContainerdEvent): Promise<void> {
    const ns = ev.namespace;
    const p = ev.payload ?? {};
    const when = timestampToNano(ev.timestamp);
    if (ns && !this.watches(ns)) return;
    if (ns) this.namespacesSeen.add(ns);
    switch (ev.topic) {
      case '/namespaces/create': {
        const name = str(p.name);
        if (name && this.watches(name)) this.namespacesSeen.add(name);
        return;
      }
      case '/namespaces/delete': {
        const name = str(p.name);
        this.namespacesSeen.delete(name);
        for (const e of this.store.all()) if (e.namespace === name) this.store.markDeleted(e);
        return;
      }
      case '/containers/create':
      case '/containers/update': {
        const id = str(p.id);
        if (!id) return;
        const labels = p.labels as Record<string, string> | undefined;
        if (ev.topic === '/containers/update' && labels && Object.keys(labels).length) {
          this.store.upsert(ns, id, { labels, image: str(p.image) || undefined });
          return;
        }
        // /containers/create carries no labels: fetch the container.
        const found = await client.listContainers(ns, [`id==${JSON.stringify(id)}`]);
        const c = found.find((x) => x.id === id);
        this.store.upsert(
          ns,
          id,
          c ? { labels: c.labels, image: c.image, createdAtNano: createdAtNano(c) } : { image: str(p.image) },
        );
        return;
      }
      case '/containers/delete': {
        const e = this.store.get(ns, str(p.id));
        if (e) this.store.markDeleted(e);
        this.store.prune();
        return;
      }
    }

    const id = str(p.containerId);
    if (!id) return;
    const e = await this.ensure(client, ns, id);
    if (!e) return;
    switch (ev.topic) {
      case '/tasks/create': {
        const pid = num(p.pid);
        if (!isLive(e.task)) e.task = 'created';
        if (pid) {
          e.pid = pid;
          this.store.addPid(e, pid);
        }
        return;
      }
      case '/tasks/start': {
        const pid = num(p.pid);
        e.task = 'running';
        e.pid = pid || e.pid;
        e.exitStatus = undefined;
        e.exitedAtNano = undefined;
        e.oomKilled = false;
        this.store.addPid(e, e.pid);
        if (e.announcedStartPid !== e.pid)
          this.emit(e, { kind: 'start', pid: e.pid, timeUnixNano: when, source: 'event' });
        return;
      }
      case '/tasks/exec-started':
        this.store.addPid(e, num(p.pid));
        return;
      case '/tasks/exit': {
        const pid = num(p.pid);
        const procId = str(p.id);
        if (procId && procId !== id) {
          this.store.removePid(e, pid); // an exec'd process
          return;
        }
        if (e.pid && pid && e.pid !== pid) return; // a stale exit of an earlier task
        e.task = 'stopped';
        e.exitStatus = num(p.exitStatus);
        e.exitedAtNano = timestampToNano(p.exitedAt as { seconds: number; nanos: number });
        this.store.setPids(e, []);
        if (e.announcedExitPid !== pid)
          this.emit(e, {
            kind: 'exit',
            pid,
            exitStatus: e.exitStatus,
            timeUnixNano: e.exitedAtNano,
            source: 'event',
          });
        return;
      }
      case '/tasks/delete': {
        const pid = num(p.pid);
        const procId = str(p.id);
        if (procId && procId !== id) {
          this.store.removePid(e, pid);
          return;
        }
        // An exit the stream never delivered (it happened while podtail was reconnecting).
        if (pid && e.announcedStartPid === pid && e.announcedExitPid !== pid) {
          e.exitStatus = num(p.exitStatus);
          this.emit(e, {
            kind: 'exit',
            pid,
            exitStatus: e.exitStatus,
            timeUnixNano: timestampToNano(p.exitedAt as { seconds: number; nanos: number }),
            source: 'event',
          });
        }
        e.task = 'none';
        this.store.setPids(e, []);
        return;
      }
      case '/tasks/oom': {
        e.oomKilled = true;
        this.emit(e, { kind: 'oom', pid: e.pid || undefined, timeUnixNano: when, source: 'event' });
        return;
      }
    }
  }

  private async pollPids(client: ContainerdClient): Promise<void> {
    for (const e of this.store.all()) {
      if (e.deletedAt !== undefined || !isLive(e.task)) continue;
      try {
        this.store.setPids(e, await client.listPids(e.namespace, e.id));
      } catch (err) {
        this.log.debug('containerd ListPids failed', { container: e.id, error: (err as Error).message });
      }
    }
  }
}
