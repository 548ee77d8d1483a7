import { podIdentity, type PodIdentity } from './labels';

/** What podtail knows about a container's task. `none`: the container has no task. */
export type TaskState = 'none' | 'created' | 'running' | 'paused' | 'stopped' | 'unknown';

/** One containerd container, as the store holds it. */
export interface ContainerEntry {
  /** containerd namespace (`k8s.io` for kubelet's containers). */
  readonly namespace: string;
  readonly id: string;
  labels: Record<string, string>;
  image: string;
  identity: PodIdentity;
  /** Creation time, nanoseconds since the epoch (0 when unknown). */
  createdAtNano: bigint;
  task: TaskState;
  /** Pid of the task's init process (0 when there is no task). */
  pid: number;
  /** Every pid in the task (init and its descendants, from ListPids), including `pid`. */
  pids: Set<number>;
  exitStatus?: number;
  /** When the task exited, nanoseconds since the epoch as a decimal string. */
  exitedAtNano?: string;
  oomKilled: boolean;
  /** Set when the container was deleted; the entry is kept for `retentionMs` for late lookups. */
  deletedAt?: number;
  /** Lifecycle already announced for this task (init pid), so replays do not repeat it. */
  announcedStartPid: number;
  announcedExitPid: number;
}

/** A read-only view of a container for attribution and `podtail containerd ls`. */
export interface ContainerIdentity extends PodIdentity {
  readonly containerId: string;
  /** containerd namespace. */
  readonly namespace: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly task: TaskState;
  readonly pid: number;
  readonly pids: readonly number[];
  readonly exitStatus?: number;
  readonly oomKilled: boolean;
  readonly deleted: boolean;
}

export interface ContainerStoreOptions {
  /** Most containers held; past it new ones are not tracked and `onOverflow` is called. */
  readonly maxContainers: number;
  /** How long a deleted container stays resolvable (late log lines, lifecycle records). */
  readonly retentionMs: number;
  /** Called once per container that could not be stored because the store is full. */
  readonly onOverflow?: (namespace: string, id: string) => void;
  readonly now?: () => number;
}

const key = (namespace: string, id: string): string => `${namespace}/${id}`;

export function toIdentity(e: ContainerEntry): ContainerIdentity {
  return {
    ...e.identity,
    containerId: e.id,
    namespace: e.namespace,
    image: e.image,
    labels: e.labels,
    task: e.task,
    pid: e.pid,
    pids: [...e.pids].sort((a, b) => a - b),
    exitStatus: e.exitStatus,
    oomKilled: e.oomKilled,
    deleted: e.deletedAt !== undefined,
  };
}

/**
 * The containerd store: container id -> labels, task state and pids; pid -> container. Bounded
 * by `maxContainers`: deleted containers past their retention go first, then the oldest deleted
 * ones; when only live containers are left, new ones are refused and counted.
 */
export class ContainerStore {
  private readonly entries = new Map<string, ContainerEntry>();
  private readonly byPidIndex = new Map<number, ContainerEntry>();
  private readonly now: () => number;

  constructor(private readonly options: ContainerStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(namespace: string, id: string): ContainerEntry | undefined {
    return this.entries.get(key(namespace, id));
  }

  all(): ContainerEntry[] {
    return [...this.entries.values()];
  }

  /** Adds or updates a container's metadata. Returns undefined when the store is full. */
  upsert(
    namespace: string,
    id: string,
    meta: { labels?: Record<string, string>; image?: string; createdAtNano?: bigint },
  ): ContainerEntry | undefined {
    let e = this.entries.get(key(namespace, id));
    if (!e) {
      if (!this.makeRoom()) {
        this.options.onOverflow?.(namespace, id);
        return undefined;
      }
      e = {
        namespace,
        id,
        labels: {},
        image: '',
        identity: {},
        createdAtNano: 0n,
        task: 'none',
        pid: 0,
        pids: new Set(),
        oomKilled: false,
        announcedStartPid: 0,
        announcedExitPid: 0,
      };
      this.entries.set(key(namespace, id), e);
    }
    if (meta.labels) {
      e.labels = { ...meta.labels };
      e.identity = podIdentity(e.labels);
    }
    if (meta.image !== undefined) e.image = meta.image;
    if (meta.createdAtNano !== undefined && meta.createdAtNano > 0n) e.createdAtNano = meta.createdAtNano;
    e.deletedAt = undefined;
    return e;
  }

  /** Replaces the pids of a container's task, keeping the pid index in step. */
  setPids(e: ContainerEntry, pids: Iterable<number>): void {
    for (const p of e.pids) if (this.byPidIndex.get(p) === e) this.byPidIndex.delete(p);
    e.pids = new Set([...pids].filter((p) => p > 0));
    const hasTask = e.task === 'running' || e.task === 'paused' || e.task === 'created';
    if (e.pid > 0 && hasTask) e.pids.add(e.pid);
    for (const p of e.pids) this.byPidIndex.set(p, e);
  }

  addPid(e: ContainerEntry, pid: number): void {
    if (pid <= 0) return;
    e.pids.add(pid);
    this.byPidIndex.set(pid, e);
  }

  removePid(e: ContainerEntry, pid: number): void {
    e.pids.delete(pid);
    if (this.byPidIndex.get(pid) === e) this.byPidIndex.delete(pid);
  }

  /** Marks a container deleted; it stays resolvable for the retention time. */
  markDeleted(e: ContainerEntry): void {
    e.task = 'none';
    this.setPids(e, []);
    e.deletedAt = this.now();
  }

  /** Forgets a container at once. */
  remove(e: ContainerEntry): void {
    this.setPids(e, []);
    this.entries.delete(key(e.namespace, e.id));
  }

  /** Drops deleted containers past their retention. */
  prune(): void {
    const cutoff = this.now() - this.options.retentionMs;
    for (const e of this.entries.values()) {
      if (e.deletedAt !== undefined && e.deletedAt <= cutoff) this.remove(e);
    }
  }

  private makeRoom(): boolean {
    if (this.entries.size < this.options.maxContainers) return true;
    this.prune();
    if (this.entries.size < this.options.maxContainers) return true;
    let oldest: ContainerEntry | undefined;
    for (const e of this.entries.values()) {
      if (e.deletedAt !== undefined && (!oldest || e.deletedAt < (oldest.deletedAt ?? 0))) oldest = e;
    }
    if (!oldest) return false;
    this.remove(oldest);
    return true;
  }

  /** The container a process belongs to, by any pid of its task. */
  byPid(pid: number): ContainerEntry | undefined {
    return this.byPidIndex.get(pid);
  }

  /** A container by id, in any namespace (ids are unique per node in practice). */
  byContainerId(id: string): ContainerEntry | undefined {
    let found: ContainerEntry | undefined;
    for (const e of this.entries.values()) {
      if (e.id === id && (!found || (found.deletedAt !== undefined && e.deletedAt === undefined))) found = e;
    }
    return found;
  }

  /**
   * The container of a pod's named container: a running one first, else the newest created.
   * Kubernetes keeps the previous attempt's container after a restart, so several can match.
   */
  byPodContainer(podUid: string, containerName: string): ContainerEntry | undefined {
    let best: ContainerEntry | undefined;
    const rank = (e: ContainerEntry): number =>
      (e.deletedAt === undefined ? 2 : 0) + (e.task === 'running' ? 1 : 0);
    for (const e of this.entries.values()) {
      if (e.identity.podUid !== podUid || e.identity.containerName !== containerName) continue;
      if (!best || rank(e) > rank(best) || (rank(e) === rank(best) && e.createdAtNano > best.createdAtNano))
        best = e;
    }
    return best;
  }
}
