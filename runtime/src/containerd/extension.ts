import { Gauge } from 'prom-client';
import { PODTAIL_METRICS } from '../config/metric-names';
import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import { registerContainerdLookup, storeLookup } from './lookup';
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
 * The podtail extension that watches containerd; undefined when `containerd.enabled` is off.
 * It emits lifecycle records through `ctx.emitter` and registers its store for attribution
 * (`containerdLookupFor(ctx)`), which fills `container.id` from it.
 */
export function containerdExtension(ctx: PodtailContext): PodtailExtension | undefined {
  const cfg = ctx.config.containerd;
  if (!cfg.enabled) return undefined;
  const up = gauge(ctx, CONTAINERD_METRICS.streamUp, 'containerd event stream up (1) or down (0)');
  up.set(0);
  // The shared `podtail_degraded{component}` gauge (the engine registers it too).
  const existing = ctx.registry.getSingleMetric(PODTAIL_METRICS.degraded);
  const degraded =
    existing instanceof Gauge
      ? (existing as Gauge<'component'>)
      : new Gauge<'component'>({
          name: PODTAIL_METRICS.degraded,
          help: '1 while a component cannot do its job fully',
          labelNames: ['component'],
          registers: [ctx.registry],
        });
  const setUp = (isUp: boolean): void => {
    up.set(isUp ? 1 : 0);
    degraded.set({ component: 'containerd' }, isUp ? 0 : 1);
  };
  setUp(false);
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
    onStreamState: setUp,
    log: ctx.log,
  });
  gauge(ctx, CONTAINERD_METRICS.storeContainers, 'containers in the containerd store', (g) =>
    g.set(watcher.store.size),
  );
  const lookup = storeLookup(watcher.store, () => watcher.isUp());
  registerContainerdLookup(ctx, lookup);
  return {
    name: 'containerd',
    start: () => watcher.start(),
    stop: () => watcher.stop(),
    ready: () => watcher.isUp(),
  };
}
