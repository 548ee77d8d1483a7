/**
 * The OpenTelemetry Collector release whose internal-telemetry metric names the collector
 * alerts assume (the stack pins `otel/opentelemetry-collector-contrib` 0.158.0). Names are as
 * served on the collector's Prometheus endpoint (`:8888/metrics`): counters carry `_total`.
 *
 * Since v0.155.0 the memory_limiter processor emits `otelcol_processor_memory_limiter_refused_*`;
 * the former `otelcol_processor_refused_*` names are no longer emitted.
 */
export const COLLECTOR_METRICS_RELEASE = '0.158.0';

/** The three signal suffixes used by the collector's per-item counters. */
export const COLLECTOR_SIGNAL_ITEMS = ['spans', 'metric_points', 'log_records'] as const;

/** Internal metric name stems of the collector (before the signal item and `_total`). */
export const COLLECTOR_METRICS = {
  /** Counter per receiver: items the pipeline refused (back-pressure, memory limit). */
  receiverRefused: 'otelcol_receiver_refused',
  /** Counter per exporter: items that failed to send after retries were exhausted. */
  exporterSendFailed: 'otelcol_exporter_send_failed',
  /** Counter per exporter: items dropped because the sending queue was full. */
  exporterEnqueueFailed: 'otelcol_exporter_enqueue_failed',
  /** Counter per processor: items the memory_limiter processor refused (v0.155.0+ name). */
  memoryLimiterRefused: 'otelcol_processor_memory_limiter_refused',
  /** Gauge per exporter (and data type): current size of the sending queue. */
  exporterQueueSize: 'otelcol_exporter_queue_size',
  /** Gauge per exporter (and data type): capacity of the sending queue. */
  exporterQueueCapacity: 'otelcol_exporter_queue_capacity',
} as const;

/** Target Allocator metrics (OpenTelemetry Operator `otel-allocator`). */
export const TARGET_ALLOCATOR_METRICS = {
  /** Gauge: targets that could not be assigned to any collector. */
  targetsUnassigned: 'opentelemetry_allocator_targets_unassigned',
  /** Gauge, label `strategy`: collectors the allocator can assign targets to. */
  collectorsAllocatable: 'opentelemetry_allocator_collectors_allocatable',
} as const;

/** kube-state-metrics series used for restart and OOM-kill alerts. */
export const KUBE_STATE_METRICS = {
  restarts: 'kube_pod_container_status_restarts_total',
  lastTerminatedReason: 'kube_pod_container_status_last_terminated_reason',
} as const;

/**
 * A selector matching the per-signal counters of one stem, e.g.
 * `{__name__=~"otelcol_exporter_send_failed_(spans|metric_points|log_records)_total"}`.
 */
export function signalCounterSelector(stem: string, matchers: string): string {
  const name = `${stem}_(${COLLECTOR_SIGNAL_ITEMS.join('|')})_total`;
  return `{__name__=~"${name}"${matchers ? `, ${matchers}` : ''}}`;
}
