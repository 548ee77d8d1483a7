import { FAILURE_KINDS, PODTAIL_METRICS } from 'podtail/config';
import { failureAlertName } from '../../../constructs/src/alerts';

/** One input series of a promtool test: a series selector and an expanding values notation. */
export interface Series {
  readonly series: string;
  readonly values: string;
}

/**
 * A case of the alert table: the rule it tests (alert name plus the static labels that tell
 * same-named rules apart), series on which it must fire with the labels it must fire with, and
 * healthy series on which it must stay silent.
 */
export interface AlertCase {
  readonly alert: string;
  readonly ruleLabels?: Readonly<Record<string, string>>;
  readonly firing: readonly Series[];
  /** Labels of each expected alert as the expression produces them (before rule labels). */
  readonly firingLabels: readonly Readonly<Record<string, string>>[];
  readonly healthy: readonly Series[];
}

const NS = 'monitoring';
const s = (name: string, labels: Record<string, string>, values: string): Series => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`,
  values,
});

const target = (job: string, pod: string) => ({ job, namespace: NS, pod, instance: `10.0.0.7:8888` });
const agent = target('otel-agent', 'otel-agent-7xk2p');
const gateway = target('otel-gateway', 'otel-gateway-1');
const clusterAgent = target('otel-cluster-agent', 'otel-cluster-agent-5d9f8-abcde');
const ta = {
  job: 'otel-target-allocator',
  namespace: NS,
  pod: 'otel-gateway-targetallocator-6c7-xyz',
  instance: '10.0.0.9:8080',
};
const podtail = { job: 'podtail', namespace: NS, pod: 'otel-agent-7xk2p', instance: '10.0.0.7:9464' };
const ksm = { job: 'kube-state-metrics', instance: '10.0.0.3:8080', namespace: NS };

const pick = (labels: Record<string, string>, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, labels[k]]));

const tiers = [
  { tier: 'agent', t: agent },
  { tier: 'gateway', t: gateway },
  { tier: 'clusterAgent', t: clusterAgent },
] as const;

/** The table: every alert the default stack renders appears here at least once. */
export const ALERT_CASES: readonly AlertCase[] = [
  {
    alert: 'OtelCollectorReceiverRefused',
    firing: [
      s(
        'otelcol_receiver_refused_log_records_total',
        { ...agent, receiver: 'otlp', transport: 'grpc' },
        '0+30x90',
      ),
      s(
        'otelcol_receiver_accepted_log_records_total',
        { ...agent, receiver: 'otlp', transport: 'grpc' },
        '0+900x90',
      ),
    ],
    firingLabels: [{ ...pick(agent, ['job', 'namespace', 'pod']), receiver: 'otlp' }],
    healthy: [
      s(
        'otelcol_receiver_refused_log_records_total',
        { ...agent, receiver: 'otlp', transport: 'grpc' },
        '12x90',
      ),
      s(
        'otelcol_receiver_accepted_log_records_total',
        { ...agent, receiver: 'otlp', transport: 'grpc' },
        '0+900x90',
      ),
    ],
  },
  {
    alert: 'OtelCollectorExporterSendFailed',
    firing: [
      s('otelcol_exporter_send_failed_spans_total', { ...gateway, exporter: 'otlp_http/backend' }, '0+50x90'),
    ],
    firingLabels: [{ ...pick(gateway, ['job', 'namespace', 'pod']), exporter: 'otlp_http/backend' }],
    healthy: [
      s('otelcol_exporter_send_failed_spans_total', { ...gateway, exporter: 'otlp_http/backend' }, '0x90'),
      s('otelcol_exporter_sent_spans_total', { ...gateway, exporter: 'otlp_http/backend' }, '0+500x90'),
    ],
  },
  {
    alert: 'OtelCollectorExporterEnqueueFailed',
    firing: [
      s('otelcol_exporter_enqueue_failed_metric_points_total', { ...gateway, exporter: 'otlp' }, '0+200x90'),
    ],
    firingLabels: [{ ...pick(gateway, ['job', 'namespace', 'pod']), exporter: 'otlp' }],
    healthy: [
      s('otelcol_exporter_enqueue_failed_metric_points_total', { ...gateway, exporter: 'otlp' }, '40x90'),
    ],
  },
  {
    alert: 'OtelCollectorExporterQueueNearlyFull',
    firing: [
      s('otelcol_exporter_queue_size', { ...agent, exporter: 'otlp', data_type: 'logs' }, '900x90'),
      s('otelcol_exporter_queue_capacity', { ...agent, exporter: 'otlp', data_type: 'logs' }, '1000x90'),
    ],
    firingLabels: [{ ...pick(agent, ['job', 'namespace', 'pod']), exporter: 'otlp', data_type: 'logs' }],
    healthy: [
      s('otelcol_exporter_queue_size', { ...agent, exporter: 'otlp', data_type: 'logs' }, '120x90'),
      s('otelcol_exporter_queue_capacity', { ...agent, exporter: 'otlp', data_type: 'logs' }, '1000x90'),
    ],
  },
  {
    alert: 'OtelCollectorMemoryLimiterRefusing',
    firing: [
      s(
        'otelcol_processor_memory_limiter_refused_log_records_total',
        { ...gateway, processor: 'memory_limiter' },
        '0+100x90',
      ),
    ],
    firingLabels: [{ ...pick(gateway, ['job', 'namespace', 'pod']), processor: 'memory_limiter' }],
    healthy: [
      s(
        'otelcol_processor_memory_limiter_refused_log_records_total',
        { ...gateway, processor: 'memory_limiter' },
        '0x90',
      ),
      s(
        'otelcol_processor_memory_limiter_accepted_log_records_total',
        { ...gateway, processor: 'memory_limiter' },
        '0+100x90',
      ),
    ],
  },
  ...tiers.map(({ tier, t }): AlertCase => ({
    alert: 'OtelCollectorDown',
    ruleLabels: { tier },
    firing: [s('up', t, '0x90')],
    firingLabels: [t],
    healthy: [s('up', t, '1x90')],
  })),
  ...tiers.map(({ tier, t }): AlertCase => ({
    alert: 'OtelCollectorAbsent',
    ruleLabels: { tier },
    // The other tiers are up, so only this tier's rule fires.
    firing: tiers.filter((o) => o.tier !== tier).map((o) => s('up', o.t, '1x90')),
    firingLabels: [{ job: t.job }],
    healthy: tiers.map((o) => s('up', o.t, '1x90')),
  })),
  {
    alert: 'OtelCollectorRestarting',
    firing: [
      s(
        'kube_pod_container_status_restarts_total',
        { ...ksm, pod: agent.pod, container: 'otc-container' },
        '0+1x90',
      ),
    ],
    firingLabels: [{ ...ksm, pod: agent.pod, container: 'otc-container' }],
    healthy: [
      s(
        'kube_pod_container_status_restarts_total',
        { ...ksm, pod: agent.pod, container: 'otc-container' },
        '7x90',
      ),
      // Restarting, but not one of ours.
      s('kube_pod_container_status_restarts_total', { ...ksm, pod: 'web-1', container: 'nginx' }, '0+1x90'),
    ],
  },
  {
    alert: 'OtelCollectorOOMKilled',
    firing: [
      s(
        'kube_pod_container_status_last_terminated_reason',
        { ...ksm, pod: gateway.pod, container: 'otc-container', reason: 'OOMKilled' },
        '0x30 1x60',
      ),
      s(
        'kube_pod_container_status_restarts_total',
        { ...ksm, pod: gateway.pod, container: 'otc-container' },
        '0x30 1x60',
      ),
    ],
    firingLabels: [{ ...ksm, pod: gateway.pod, container: 'otc-container', reason: 'OOMKilled' }],
    // An OOM kill long ago: the reason is still reported, but there has been no restart since.
    healthy: [
      s(
        'kube_pod_container_status_last_terminated_reason',
        { ...ksm, pod: gateway.pod, container: 'otc-container', reason: 'OOMKilled' },
        '1x90',
      ),
      s(
        'kube_pod_container_status_restarts_total',
        { ...ksm, pod: gateway.pod, container: 'otc-container' },
        '1x90',
      ),
    ],
  },
  {
    alert: 'OtelTargetAllocatorDown',
    firing: [s('up', ta, '0x90')],
    firingLabels: [ta],
    healthy: [s('up', ta, '1x90')],
  },
  {
    alert: 'OtelTargetAllocatorTargetsUnassigned',
    firing: [s('opentelemetry_allocator_targets_unassigned', ta, '4x90')],
    firingLabels: [pick(ta, ['job', 'namespace', 'pod'])],
    healthy: [s('opentelemetry_allocator_targets_unassigned', ta, '0x90')],
  },
  {
    alert: 'OtelTargetAllocatorNoCollectors',
    firing: [
      s('opentelemetry_allocator_collectors_allocatable', { ...ta, strategy: 'consistent-hashing' }, '0x90'),
    ],
    firingLabels: [pick(ta, ['job', 'namespace', 'pod'])],
    healthy: [
      s('opentelemetry_allocator_collectors_allocatable', { ...ta, strategy: 'consistent-hashing' }, '3x90'),
    ],
  },
  // One case per podtail failure kind, from the runtime's contract.
  ...FAILURE_KINDS.map(({ kind }): AlertCase => ({
    alert: failureAlertName(kind),
    firing: [s(PODTAIL_METRICS.failures, { ...podtail, kind }, '0x40 1+1x50')],
    firingLabels: [{ ...pick(podtail, ['job', 'namespace', 'pod']), kind }],
    // Failures long ago (the counter is non-zero but flat), and a different kind failing now.
    healthy: [
      s(PODTAIL_METRICS.failures, { ...podtail, kind }, '5x90'),
      s(PODTAIL_METRICS.failures, { ...podtail, kind: `not_${kind}` }, '0+1x90'),
    ],
  })),
  {
    alert: 'PodtailDown',
    firing: [s('up', podtail, '0x90')],
    firingLabels: [podtail],
    healthy: [s('up', podtail, '1x90')],
  },
  {
    alert: 'PodtailExportFailing',
    firing: [s(PODTAIL_METRICS.exportFailures, { ...podtail, reason: '503' }, '0+2x90')],
    firingLabels: [pick(podtail, ['job', 'namespace', 'pod'])],
    healthy: [s(PODTAIL_METRICS.exportFailures, { ...podtail, reason: '503' }, '3x90')],
  },
  {
    alert: 'PodtailLagGrowing',
    firing: [
      s(
        PODTAIL_METRICS.lagBytes,
        { ...podtail, exported_namespace: 'train', exported_pod: 'trainer-0', container: 'main' },
        '70000000+1000000x90',
      ),
      s(
        PODTAIL_METRICS.lagBytes,
        { ...podtail, exported_namespace: 'web', exported_pod: 'web-1', container: 'nginx' },
        '0x90',
      ),
    ],
    firingLabels: [pick(podtail, ['job', 'namespace', 'pod'])],
    healthy: [
      // Far behind but catching up overall: the pod's total lag shrinks.
      s(
        PODTAIL_METRICS.lagBytes,
        { ...podtail, exported_namespace: 'train', exported_pod: 'trainer-0', container: 'main' },
        '200000000-1000000x90',
      ),
      s(
        PODTAIL_METRICS.lagBytes,
        { ...podtail, exported_namespace: 'web', exported_pod: 'web-1', container: 'nginx' },
        '0+1000x90',
      ),
    ],
  },
  {
    alert: 'PodtailDegraded',
    firing: [
      s(PODTAIL_METRICS.degraded, { ...podtail, component: 'containerd' }, '1x90'),
      s(PODTAIL_METRICS.degraded, { ...podtail, component: 'kubernetes' }, '0x90'),
    ],
    firingLabels: [{ ...pick(podtail, ['job', 'namespace', 'pod']), component: 'containerd' }],
    healthy: [
      s(PODTAIL_METRICS.degraded, { ...podtail, component: 'containerd' }, '0x90'),
      s(PODTAIL_METRICS.degraded, { ...podtail, component: 'kubernetes' }, '0x90'),
    ],
  },
];
