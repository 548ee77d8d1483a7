import { join } from 'node:path';
import type { PodtailConfig } from '../config/schema';
import { ContainerdClient } from './client';
import { ContainerStore, toIdentity, type ContainerIdentity, type TaskState } from './store';

const STATE: Record<string, TaskState> = {
  CREATED: 'created',
  RUNNING: 'running',
  PAUSED: 'paused',
  PAUSING: 'paused',
  STOPPED: 'stopped',
};

/** The containerd socket of a config, resolved under `hostRoot` like every host path. */
export function containerdSocketPath(config: PodtailConfig): string {
  return config.hostRoot ? join(config.hostRoot, config.containerd.socket) : config.containerd.socket;
}

/**
 * Lists containerd's containers, tasks and pids once (what the watcher's store holds after a
 * sync), for `podtail containerd ls`.
 */
export async function listContainerd(
  socket: string,
  namespaces: readonly string[] = [],
): Promise<ContainerIdentity[]> {
  const client = new ContainerdClient(socket);
  try {
    await client.waitForReady(3000).catch((err: Error) => {
      throw new Error(
        `cannot connect to containerd at ${socket}: ${err.message}; check containerd.socket and hostRoot in the config`,
      );
    });
    const store = new ContainerStore({ maxContainers: Number.MAX_SAFE_INTEGER, retentionMs: 0 });
    const all = await client.listNamespaces();
    for (const ns of all.filter((n) => !namespaces.length || namespaces.includes(n))) {
      const [containers, tasks] = await Promise.all([client.listContainers(ns), client.listTasks(ns)]);
      const byId = new Map(tasks.map((t) => [t.containerId, t]));
      for (const c of containers) {
        const e = store.upsert(ns, c.id, { labels: c.labels, image: c.image });
        if (!e) continue;
        const t = byId.get(c.id);
        if (!t) continue;
        e.task = STATE[t.status] ?? 'unknown';
        e.pid = t.pid;
        if (e.task === 'stopped') e.exitStatus = t.exitStatus;
        else store.setPids(e, await client.listPids(ns, c.id));
      }
    }
    return store
      .all()
      .map(toIdentity)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.containerId.localeCompare(b.containerId));
  } finally {
    client.close();
  }
}

/** A fixed-width table: CONTAINERD-NS, CONTAINER, POD, NAME, STATUS, PIDS. */
export function formatContainerTable(rows: readonly ContainerIdentity[]): string {
  const header = ['CONTAINERD-NS', 'CONTAINER', 'POD', 'NAME', 'STATUS', 'PIDS'];
  const lines = rows.map((r) => [
    r.namespace,
    r.containerId,
    r.podName ? `${r.podNamespace ?? '?'}/${r.podName}` : '-',
    r.containerName ?? '-',
    r.task === 'stopped' ? `stopped (${r.exitStatus ?? '?'})` : r.task,
    r.pids.length ? r.pids.join(',') : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines]
    .map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
    .join('\n');
}

/**
 * `podtail containerd ls`: prints the store for operators. Returns the exit code (0, or 1 when
 * containerd cannot be reached, with the reason on `err`).
 */
export async function runContainerdLs(
  config: PodtailConfig,
  out: (s: string) => void,
  err: (s: string) => void,
  options: { json?: boolean } = {},
): Promise<number> {
  try {
    const rows = await listContainerd(containerdSocketPath(config), config.containerd.namespaces);
    out(options.json ? JSON.stringify(rows, null, 2) : formatContainerTable(rows));
    return 0;
  } catch (e) {
    err(`podtail containerd ls: ${(e as Error).message}`);
    return 1;
  }
}
