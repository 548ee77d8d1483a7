import type { KubernetesConfig } from '../config/kubernetes';
import type { AttributeValue } from '../pipeline/record';
import { ownerFromPod, type OwnerAttributes } from '../kube/owner-resolver';
import type { Pod } from '../kube/pod';
import { ATTR, imageNameOf, selects, stripRuntimePrefix } from './semconv';

/** One container of a cached pod. */
export interface CachedContainer {
  readonly env: ReadonlyMap<string, string>;
  /** Image from the spec; the status image wins when present. */
  readonly image?: string;
  readonly restartCount?: number;
  readonly containerId?: string;
  readonly previousContainerId?: string;
}

/** A pod as attribution uses it: precomputed attributes, per-container facts. */
export interface PodEntry {
  readonly uid: string;
  readonly pod: Pod;
  /** Labels, annotations, owners: copied onto every record of the pod. */
  podAttrs: Record<string, AttributeValue>;
  readonly containers: ReadonlyMap<string, CachedContainer>;
  /** When the informer saw it deleted (ms); kept for the grace period after. */
  deletedAt?: number;
}

export type CacheLookup =
  | { readonly state: 'live' | 'deleted'; readonly entry: PodEntry }
  | { readonly state: 'expired' | 'unknown' };

export interface PodCacheEvents {
  /** A new pod did not fit: the oldest entry was evicted. */
  overflow(): void;
  /** Labels or annotations were left off a pod by the cap. */
  truncated(what: 'labels' | 'annotations', count: number): void;
}

/**
 * Pods on this node by UID, bounded by `maxPods`. A deleted pod stays for
 * `deletedPodGraceMs` so its last lines are still attributed, then is forgotten (its UID is
 * remembered, bounded, so later lines count as `expired` rather than `unknown`).
 */
export class PodCache {
  private readonly entries = new Map<string, PodEntry>();
  private readonly expired = new Set<string>();
  private readonly extraOwners = new Map<string, OwnerAttributes>();
  /** Bumped on every change, so a result computed from an entry can tell it is still current. */
  version = 0;

  constructor(
    private readonly cfg: KubernetesConfig,
    private readonly events: PodCacheEvents,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  lookup(uid: string): CacheLookup {
    const e = this.entries.get(uid);
    if (e) {
      if (e.deletedAt === undefined) return { state: 'live', entry: e };
      if (this.now() - e.deletedAt <= this.cfg.deletedPodGraceMs) return { state: 'deleted', entry: e };
      this.forget(uid);
      return { state: 'expired' };
    }
    return this.expired.has(uid) ? { state: 'expired' } : { state: 'unknown' };
  }

  upsert(pod: Pod): PodEntry {
    this.version++;
    const uid = pod.metadata.uid;
    const isNew = !this.entries.has(uid);
    this.entries.delete(uid);
    if (isNew && this.entries.size >= this.cfg.maxPods) {
      this.events.overflow();
      this.evictOne();
    }
    const entry = this.build(pod);
    this.entries.set(uid, entry);
    this.expired.delete(uid);
    return entry;
  }

  /** Marks a pod deleted; it stays for the grace period. */
  remove(pod: Pod): void {
    this.version++;
    const e = this.entries.get(pod.metadata.uid);
    if (e && e.deletedAt === undefined) e.deletedAt = this.now();
  }

  /** After a relist: upserts every listed pod; pods missing from the list are deleted. */
  replace(pods: readonly Pod[]): PodEntry[] {
    const seen = new Set(pods.map((p) => p.metadata.uid));
    for (const e of this.entries.values()) {
      if (!seen.has(e.uid) && e.deletedAt === undefined) e.deletedAt = this.now();
    }
    return pods.map((p) => this.upsert(p));
  }

  /** Second-level owners resolved later (deployment, cronjob) for a pod UID. */
  addOwner(uid: string, attrs: OwnerAttributes): void {
    this.version++;
    this.extraOwners.set(uid, { ...this.extraOwners.get(uid), ...attrs });
    const e = this.entries.get(uid);
    if (e) Object.assign(e.podAttrs, attrs);
  }

  /** Forgets deleted pods past their grace period; returns the UIDs forgotten. */
  sweep(): string[] {
    const gone: string[] = [];
    const t = this.now();
    for (const e of this.entries.values()) {
      if (e.deletedAt !== undefined && t - e.deletedAt > this.cfg.deletedPodGraceMs) gone.push(e.uid);
    }
    gone.forEach((uid) => this.forget(uid));
    return gone;
  }

  private forget(uid: string): void {
    this.version++;
    this.entries.delete(uid);
    this.extraOwners.delete(uid);
    this.expired.add(uid);
    if (this.expired.size > this.cfg.maxPods * 4) {
      const oldest = this.expired.values().next().value;
      if (oldest !== undefined) this.expired.delete(oldest);
    }
  }

  private evictOne(): void {
    let victim: string | undefined;
    for (const e of this.entries.values()) {
      if (e.deletedAt !== undefined) {
        victim = e.uid;
        break;
      }
    }
    victim ??= this.entries.keys().next().value;
    if (victim !== undefined) this.forget(victim);
  }

  private build(pod: Pod): PodEntry {
    const attrs: Record<string, AttributeValue> = {};
    this.copy(attrs, 'labels', ATTR.labelPrefix, pod.metadata.labels, this.cfg.labels);
    this.copy(attrs, 'annotations', ATTR.annotationPrefix, pod.metadata.annotations, this.cfg.annotations);
    Object.assign(attrs, ownerFromPod(pod), this.extraOwners.get(pod.metadata.uid));
    const containers = new Map<string, CachedContainer>();
    const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      const env = new Map<string, string>();
      for (const v of c.env ?? []) if (typeof v.value === 'string') env.set(v.name, v.value);
      const st = statuses.find((s) => s.name === c.name);
      containers.set(c.name, {
        env,
        image: st?.image || c.image || undefined,
        restartCount: st?.restartCount ?? undefined,
        containerId: st?.containerID ? stripRuntimePrefix(st.containerID) : undefined,
        previousContainerId: st?.lastState?.terminated?.containerID
          ? stripRuntimePrefix(st.lastState.terminated.containerID)
          : undefined,
      });
    }
    return { uid: pod.metadata.uid, pod, podAttrs: attrs, containers };
  }

  private copy(
    out: Record<string, AttributeValue>,
    what: 'labels' | 'annotations',
    prefix: string,
    from: Readonly<Record<string, string>> | null | undefined,
    sel: { include: string[]; exclude: string[]; max: number },
  ): void {
    if (!from) return;
    const keys = Object.keys(from)
      .filter((k) => selects(k, sel.include, sel.exclude))
      .sort();
    const kept = keys.slice(0, sel.max);
    for (const k of kept) out[prefix + k] = from[k];
    if (keys.length > kept.length) this.events.truncated(what, keys.length - kept.length);
  }
}

/** Container attributes for a record of `restartCount` (the `<n>.log` file). */
export function containerAttributes(
  c: CachedContainer,
  restartCount: number,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  let id: string | undefined;
  if (c.restartCount === undefined || c.restartCount === restartCount) id = c.containerId;
  else if (c.restartCount === restartCount + 1) id = c.previousContainerId;
  if (id) out[ATTR.containerId] = id;
  if (c.image) out[ATTR.imageName] = imageNameOf(c.image).name;
  return out;
}
