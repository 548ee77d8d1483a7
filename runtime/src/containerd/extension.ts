import { Gauge } from 'prom-client';
import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import type { RecordProcessor } from '../pipeline/record';
import { containerdLookupFor, registerContainerdLookup, storeLookup, type ContainerdLookup } from './lookup';
import { ContainerdWatcher } from './watcher';

/** Self-telemetry of the containerd watch, served on `/metrics`. */
export const CONTAINERD_METRICS = {
  /** Gauge: 1 while the containerd event stream is up and reconciled, 0 while it is down. */
  streamUp: 'podtail_containerd_stream_up',
  /** Gauge: containers held in the containerd store. */
  storeContainers: 'podtail_containerd_store_containers',
} as const;

function gauge(ctx: PodtailContext, name: string, help: string, collect?: (g: Gauge) => void): Gauge {
  const existing = ctx.registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({
    name,
    help,
    registers: [ctx.registry],
    collect(this: Gauge) {
      collect?.(this);
    },
  });
}

/**
 * A record processor that fills `container.id` (and pod identity keys the record lacks) from
 * the containerd store, by the pod UID and container name of the log file.
 */
export function containerdAttribution(lookup: () => ContainerdLookup | undefined): RecordProcessor {
  return {
    name: 'containerd-attribution',
    process(record, origin) {
      const r = record.resource;
      if (r['container.id'] !== undefined) return record;
      const c = lookup()?.byPodContainer(origin.podUid, origin.containerName);
      if (!c) return record;
      r['container.id'] = c.containerId;
      if (r['k8s.pod.name'] === undefined && c.podName) r['k8s.pod.name'] = c.podName;
      if (r['k8s.namespace.name'] === undefined && c.podNamespace) r['k8s.namespace.name'] = c.podNamespace;
      if (r['k8s.pod.uid'] === undefined && c.podUid) r['k8s.pod.uid'] = c.podUid;
      if (r['k8s.container.name'] === undefined && c.containerName) r['k8s.container.name'] = c.containerName;
      return record;
    },
  };
}

/** The podtail extension that watches containerd; undefined when `containerd.enabled` is off. */
export function containerdExtension(ctx: PodtailContext): PodtailExtension | undefined {
  const cfg = ctx.config.containerd;
  if (!cfg.enabled) return undefined;
  const up = gauge(ctx, CONTAINERD_METRICS.streamUp, 'containerd event stream up (1) or down (0)');
  up.set(0);
  const watcher = new ContainerdWatcher({
    socket: ctx.hostPath(cfg.socket),
    namespaces: cfg.namespaces,
    maxContainers: cfg.maxContainers,
    deletedRetentionMs: cfg.deletedRetentionMs,
    pidPollIntervalMs: cfg.pidPollIntervalMs,
    lifecycleRecords: cfg.lifecycleRecords,
    backoff: cfg.backoff,
    nodeName: ctx.config.nodeName,
    onRecord: (r) => ctx.emitter.emit(r),
    onFailure: (kind) => ctx.failure(kind),
    onStreamState: (isUp) => up.set(isUp ? 1 : 0),
    log: ctx.log,
  });
  gauge(ctx, CONTAINERD_METRICS.storeContainers, 'containers in the containerd store', (g) =>
    g.set(watcher.store.size),
  );
  const lookup = storeLookup(watcher.store, () => watcher.isUp());
  registerContainerdLookup(ctx, lookup);
  return {
    name: 'containerd',
    processors: [containerdAttribution(() => containerdLookupFor(ctx))],
    start: () => watcher.start(),
    stop: () => watcher.stop(),
    ready: () => watcher.isUp(),
  };
}
