import type { PodtailContext } from '../pipeline/extension';
import { toIdentity, type ContainerIdentity, type ContainerStore } from './store';

/**
 * Attribution's view of the containerd store. The pod-metadata attributor asks it for
 * `container.id`, and for pod identity (from the kubelet's `io.kubernetes.*` container labels)
 * when the API server is unreachable.
 */
export interface ContainerdLookup {
  /**
   * The container of a pod's named container (pod UID and container name as in the log
   * path `/var/log/pods/<ns>_<pod>_<uid>/<container>/`): the running one if any, else the
   * most recently created (a deleted one stays resolvable for `deletedRetentionMs`).
   */
  byPodContainer(podUid: string, containerName: string): ContainerIdentity | undefined;
  /** A container by its containerd id. */
  byContainerId(containerId: string): ContainerIdentity | undefined;
  /** The container a host pid belongs to (any process of its task). */
  byPid(pid: number): ContainerIdentity | undefined;
  /** True while the containerd stream is up and the store reconciled (answers are current). */
  isSynced(): boolean;
}

export function storeLookup(store: ContainerStore, isSynced: () => boolean): ContainerdLookup {
  const view = <T>(e: T | undefined, f: (x: T) => ContainerIdentity): ContainerIdentity | undefined =>
    e === undefined ? undefined : f(e);
  return {
    byPodContainer: (uid, name) => view(store.byPodContainer(uid, name), toIdentity),
    byContainerId: (id) => view(store.byContainerId(id), toIdentity),
    byPid: (pid) => view(store.byPid(pid), toIdentity),
    isSynced,
  };
}

// Keyed by the context and by its config object, so a wrapped context still finds it.
const lookups = new WeakMap<object, ContainerdLookup>();

/** Called by the containerd extension when it is created. */
export function registerContainerdLookup(ctx: PodtailContext, lookup: ContainerdLookup): void {
  lookups.set(ctx, lookup);
  lookups.set(ctx.config, lookup);
}

/**
 * The containerd lookup of this podtail instance, or undefined when the containerd watch is
 * off. Resolve it lazily (at first use, not at construction): extensions are created in order.
 */
export function containerdLookupFor(ctx: PodtailContext): ContainerdLookup | undefined {
  return lookups.get(ctx) ?? lookups.get(ctx.config);
}
