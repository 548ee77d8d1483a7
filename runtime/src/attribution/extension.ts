import type { KubeConfig } from '@kubernetes/client-node';
import { PODTAIL_METRICS } from '../config/metric-names';
import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import type { AttributeValue, PodtailRecord, RecordOrigin, RecordProcessor } from '../pipeline/record';
import { kubernetesWanted, loadKubeConfig } from '../kube/client';
import { OwnerResolver } from '../kube/owner-resolver';
import { PodInformer } from '../kube/pod-informer';
import type { Pod } from '../kube/pod';
import { TrainingResolver, type TrainingIdentity } from '../training/training-resolver';
import type { ContainerLookup } from './container-lookup';
import { disruptionOf } from './disruption';
import { containerAttributes, PodCache, type CachedContainer, type PodEntry } from './pod-cache';
import { counterIn, gaugeIn } from './registry-metrics';
import { ATTR } from './semconv';

export interface AttributionOptions {
  /** The containerd store, consulted for `container.id` when the pod informer cannot say. */
  readonly containerLookup?: ContainerLookup;
  /** Environment for in-cluster detection; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Clock in ms; default `Date.now`. */
  readonly now?: () => number;
}

/** Text of a body for regexes: the line, or a structured body's `message`. */
export function bodyText(body: PodtailRecord['body']): string | undefined {
  if (typeof body === 'string') return body;
  const m = (body as Record<string, unknown>).message ?? (body as Record<string, unknown>).msg;
  return typeof m === 'string' ? m : undefined;
}

/** A resource built by attribution and what it was built from. */
interface ResourceSlot {
  readonly entry: PodEntry | undefined;
  readonly version: number;
  readonly lookedUp: boolean;
  readonly containerId?: string;
  readonly imageName?: string;
  readonly rank?: number | string;
  readonly jobId?: string;
  readonly resource: Record<string, AttributeValue>;
}

function nanosNow(ms: number): string {
  return (BigInt(ms) * 1_000_000n).toString();
}

/**
 * Attribution: every record gets its path metadata (namespace, pod, uid, container, restart,
 * node), the pod's labels, annotations and owners and the container's id and image from a
 * node-scoped informer (joined by pod UID), and its training rank and job id.
 */
export class AttributionExtension implements PodtailExtension {
  readonly name = 'attribution';
  readonly processors: readonly RecordProcessor[];
  readonly cache: PodCache;
  readonly training: TrainingResolver;
  readonly informer?: PodInformer;
  private readonly owners?: OwnerResolver;
  private readonly now: () => number;
  private readonly wanted: boolean;
  private configError?: string;
  private sweepTimer?: NodeJS.Timeout;
  private readonly disruptionsSeen = new Set<string>();
  private readonly pathOnly;
  private readonly truncated;
  private readonly degraded;
  private readonly disruptions;
  /** The resource last built for a base resource object (one per file). */
  private readonly slots = new WeakMap<object, ResourceSlot>();

  constructor(
    private readonly ctx: PodtailContext,
    private readonly opts: AttributionOptions = {},
  ) {
    const cfg = ctx.config.kubernetes;
    this.now = opts.now ?? Date.now;
    this.pathOnly = counterIn(
      ctx.registry,
      'podtail_attribution_path_only_total',
      'Records shipped with path metadata only, by reason (informer_down, unknown_pod, expired)',
      ['reason'],
    );
    this.truncated = counterIn(
      ctx.registry,
      'podtail_attribution_truncated_total',
      'Pod labels or annotations left off by the per-pod cap',
      ['what'],
    );
    this.degraded = gaugeIn(
      ctx.registry,
      PODTAIL_METRICS.degraded,
      'Parts of podtail that cannot do their job fully',
      ['component'],
    );
    this.disruptions = counterIn(
      ctx.registry,
      'podtail_pod_disruptions_total',
      'Evictions and preemptions seen on this node, by kind',
      ['kind'],
    );
    this.cache = new PodCache(
      cfg,
      {
        overflow: () => ctx.failure('attribution_cardinality'),
        truncated: (what, n) => this.truncated.inc({ what }, n),
      },
      this.now,
    );
    this.training = new TrainingResolver(ctx.config.training, cfg.maxPods * 8);
    this.wanted = kubernetesWanted(cfg, opts.env);
    if (this.wanted) {
      let kc: KubeConfig | undefined;
      try {
        kc = loadKubeConfig(cfg, opts.env);
      } catch (e) {
        this.configError = (e as Error).message;
      }
      if (kc) {
        this.informer = new PodInformer({
          kubeConfig: kc,
          nodeName: ctx.config.nodeName,
          watchTimeoutSeconds: cfg.watchTimeoutSeconds,
          initialBackoffMs: cfg.initialBackoffMs,
          maxBackoffMs: cfg.maxBackoffMs,
          handlers: {
            replace: (pods) => {
              const entries = this.cache.replace(pods);
              pods.forEach((p, i) => this.onPod(p, entries[i]));
            },
            upsert: (pod) => this.onPod(pod, this.cache.upsert(pod)),
            remove: (pod) => this.cache.remove(pod),
            down: ({ status, message, retryInMs }) => {
              ctx.failure('watch');
              this.degraded.set({ component: 'kubernetes' }, 1);
              ctx.log.warn(
                status === 403
                  ? 'pod informer forbidden: grant list and watch on pods (RBAC); shipping with path metadata'
                  : 'pod informer down; shipping with cached and path metadata',
                { status, message, retryInMs },
              );
            },
            up: () => {
              this.degraded.set({ component: 'kubernetes' }, 0);
              ctx.log.info('pod informer synced', { pods: this.cache.size });
            },
            invalid: (message) => ctx.log.warn(message),
          },
        });
        if (cfg.ownerLookup === 'api') {
          this.owners = new OwnerResolver(kc, cfg.maxPods * 2, (kind, message) =>
            ctx.log.warn(`reading ${kind}s is forbidden; owner names are derived from names`, { message }),
          );
        }
      }
    }
    this.processors = [
      {
        name: 'attribution',
        keepsResource: true,
        keepsAttributes: true,
        process: (r, o) => this.process(r, o),
      },
    ];
  }

  async start(): Promise<void> {
    if (this.configError) {
      this.ctx.failure('watch');
      this.degraded.set({ component: 'kubernetes' }, 1);
      this.ctx.log.error(this.configError);
    }
    this.informer?.start();
    if (this.informer) {
      const synced = await this.informer.waitForSync(this.ctx.config.kubernetes.initialSyncTimeoutMs);
      if (!synced)
        this.ctx.log.warn('pod informer not synced at start; lines read now carry path metadata only');
      const every = Math.max(1000, Math.min(this.ctx.config.kubernetes.deletedPodGraceMs, 10_000));
      this.sweepTimer = setInterval(() => this.sweep(), every);
      this.sweepTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.informer?.stop();
  }

  ready(): boolean {
    if (!this.wanted) return true;
    return this.informer?.isHealthy ?? false;
  }

  /** Forgets pods past their grace period. */
  sweep(): void {
    for (const uid of this.cache.sweep()) this.training.forget(`${uid}/`);
  }

  process(record: PodtailRecord, origin: RecordOrigin): PodtailRecord {
    const base = record.resource;
    let entry: PodEntry | undefined;
    if (this.wanted) {
      const l = this.cache.lookup(origin.podUid);
      if (l.state === 'live' || l.state === 'deleted') entry = l.entry;
      else if (l.state === 'expired') this.pathOnly.inc({ reason: 'expired' });
      else this.pathOnly.inc({ reason: this.informer?.isHealthy ? 'unknown_pod' : 'informer_down' });
    }
    // The records of one file mostly get the same resource: reuse the one built last for this
    // base while everything it was built from is unchanged (no object per record).
    const slot = this.slots.get(base);
    if (
      slot &&
      slot.entry === entry &&
      slot.version === this.cache.version &&
      this.stillCurrent(slot, record, origin, entry)
    ) {
      record.resource = slot.resource;
      return record;
    }
    const res: Record<string, AttributeValue> = { ...base };
    res[ATTR.namespace] = origin.namespace;
    res[ATTR.podName] = origin.podName;
    res[ATTR.podUid] = origin.podUid;
    res[ATTR.containerName] = origin.containerName;
    res[ATTR.restartCount] = origin.restartCount;
    res[ATTR.nodeName] = this.ctx.config.nodeName;
    let container: CachedContainer | undefined;
    if (entry) {
      Object.assign(res, entry.podAttrs);
      container = entry.containers.get(origin.containerName);
      if (container) Object.assign(res, containerAttributes(container, origin.restartCount));
    }
    const lookedUp = res[ATTR.containerId] === undefined && this.opts.containerLookup !== undefined;
    let found: ReturnType<ContainerLookup['lookup']>;
    if (lookedUp) {
      found = this.lookupContainer(origin);
      if (found?.containerId) res[ATTR.containerId] = found.containerId;
      if (found?.imageName && res[ATTR.imageName] === undefined) res[ATTR.imageName] = found.imageName;
    }
    const id = this.identity(record, origin, entry, container);
    this.setIdentity(res, id);
    record.resource = res;
    this.slots.set(base, {
      entry,
      version: this.cache.version,
      lookedUp,
      containerId: found?.containerId,
      imageName: found?.imageName,
      rank: id.rank,
      jobId: id.jobId,
      resource: res,
    });
    return record;
  }

  /** Whether a slot built for the same base, entry and cache version still holds for `record`. */
  private stillCurrent(
    slot: ResourceSlot,
    record: PodtailRecord,
    origin: RecordOrigin,
    entry: PodEntry | undefined,
  ): boolean {
    if (slot.lookedUp) {
      const c = this.lookupContainer(origin);
      if (c?.containerId !== slot.containerId || c?.imageName !== slot.imageName) return false;
    }
    if (!this.training.usesBody) return true;
    const id = this.identity(record, origin, entry, entry?.containers.get(origin.containerName));
    return id.rank === slot.rank && id.jobId === slot.jobId;
  }

  private lookupContainer(origin: RecordOrigin): ReturnType<ContainerLookup['lookup']> {
    return this.opts.containerLookup?.lookup({
      podUid: origin.podUid,
      namespace: origin.namespace,
      podName: origin.podName,
      containerName: origin.containerName,
      restartCount: origin.restartCount,
    });
  }

  private identity(
    record: PodtailRecord,
    origin: RecordOrigin,
    entry: PodEntry | undefined,
    container: CachedContainer | undefined,
  ): TrainingIdentity {
    return this.training.resolve({
      labels: entry?.pod.metadata.labels,
      annotations: entry?.pod.metadata.annotations,
      env: container?.env,
      containerKey: `${origin.podUid}/${origin.containerName}`,
      text: this.training.usesBody ? bodyText(record.body) : undefined,
    });
  }

  private setIdentity(res: Record<string, AttributeValue>, id: TrainingIdentity): void {
    if (id.rank !== undefined) res[ATTR.rank] = id.rank;
    if (id.jobId !== undefined) res[ATTR.jobId] = id.jobId;
  }

  private onPod(pod: Pod, entry: PodEntry): void {
    const extra = this.owners?.resolve(pod, (attrs) => this.cache.addOwner(pod.metadata.uid, attrs));
    if (extra) this.cache.addOwner(pod.metadata.uid, extra);
    if (!this.ctx.config.kubernetes.evictionRecords) return;
    const d = disruptionOf(pod);
    if (!d) return;
    const key = `${pod.metadata.uid}/${d.kind}`;
    if (this.disruptionsSeen.has(key)) return;
    if (this.disruptionsSeen.size >= this.ctx.config.kubernetes.maxPods * 4) this.disruptionsSeen.clear();
    this.disruptionsSeen.add(key);
    this.disruptions.inc({ kind: d.kind });
    this.ctx.emitter.emit(this.disruptionRecord(pod, entry, d));
  }

  private disruptionRecord(
    pod: Pod,
    entry: PodEntry,
    d: ReturnType<typeof disruptionOf> & object,
  ): PodtailRecord {
    const t = nanosNow(this.now());
    const resource: Record<string, AttributeValue> = {
      [ATTR.namespace]: pod.metadata.namespace,
      [ATTR.podName]: pod.metadata.name,
      [ATTR.podUid]: pod.metadata.uid,
      [ATTR.nodeName]: this.ctx.config.nodeName,
      ...entry.podAttrs,
    };
    // The pod's rank: the first container for which a source yields.
    for (const [name, c] of entry.containers) {
      const id = this.training.resolve({
        labels: pod.metadata.labels,
        annotations: pod.metadata.annotations,
        env: c.env,
        containerKey: `${pod.metadata.uid}/${name}`,
      });
      if (id.rank !== undefined || id.jobId !== undefined) {
        this.setIdentity(resource, id);
        break;
      }
    }
    return {
      timeUnixNano: t,
      observedTimeUnixNano: t,
      severityText: 'WARN',
      severityNumber: 13,
      body: `pod ${pod.metadata.namespace}/${pod.metadata.name} ${d.kind} (${d.reason})${d.message ? `: ${d.message}` : ''}`,
      attributes: {
        'event.name': d.kind === 'evicted' ? 'k8s.pod.evicted' : 'k8s.pod.preempted',
        'k8s.pod.status.reason': d.reason,
        'k8s.pod.status.message': d.message,
      },
      resource,
    };
  }
}

/** The attribution extension; always on (path metadata), with the informer when configured. */
export function createAttributionExtension(
  ctx: PodtailContext,
  opts?: AttributionOptions,
): AttributionExtension {
  return new AttributionExtension(ctx, opts);
}
