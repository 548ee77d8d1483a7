import { AlertGroup, AlertRule } from './alert-rule';
import { CollectorTierName, ResolvedAlertRulesProps } from './alert-props';
import { COLLECTOR_METRICS, COLLECTOR_METRICS_RELEASE, signalCounterSelector } from './collector-metrics';

const TIER_TITLE: Record<CollectorTierName, string> = {
  agent: 'agent (DaemonSet)',
  gateway: 'gateway',
  clusterAgent: 'cluster agent',
};

/** A `job=~"a|b|c"` matcher over the collector jobs of the enabled tiers. */
export function collectorJobMatcher(props: ResolvedAlertRulesProps): string {
  return `job=~"${props.tiers.map((t) => escapeRegex(props.jobs[t])).join('|')}"`;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
}

/** Collector pipeline alerts (all enabled tiers) and per-tier down/absent alerts. */
export function collectorAlerts(props: ResolvedAlertRulesProps): AlertGroup {
  if (props.tiers.length === 0) return { name: 'otel-tiers.collector', rules: [] };
  const jobs = collectorJobMatcher(props);
  const by = 'job, namespace, pod';
  const note = `(collector ${COLLECTOR_METRICS_RELEASE} metric names)`;
  const rules: AlertRule[] = [
    {
      alert: 'OtelCollectorReceiverRefused',
      expr: `sum by (${by}, receiver) (rate(${signalCounterSelector(COLLECTOR_METRICS.receiverRefused, jobs)}[5m])) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Collector {{ $labels.pod }} receiver {{ $labels.receiver }} is refusing data',
      description:
        'Receiver {{ $labels.receiver }} of {{ $labels.job }} pod {{ $labels.namespace }}/{{ $labels.pod }} ' +
        `has refused items for 10 minutes ${note}. Senders must retry or lose data; the pipeline behind it is ` +
        'pushing back (memory_limiter, full queue or a failing exporter).',
    },
    {
      alert: 'OtelCollectorExporterSendFailed',
      expr: `sum by (${by}, exporter) (rate(${signalCounterSelector(COLLECTOR_METRICS.exporterSendFailed, jobs)}[5m])) > 0`,
      for: '10m',
      severity: 'critical',
      summary: 'Collector {{ $labels.pod }} exporter {{ $labels.exporter }} is failing to send',
      description:
        'Exporter {{ $labels.exporter }} of {{ $labels.job }} pod {{ $labels.namespace }}/{{ $labels.pod }} ' +
        `has failed to send items for 10 minutes ${note}. Items that exhausted their retries are lost.`,
    },
    {
      alert: 'OtelCollectorExporterEnqueueFailed',
      expr: `sum by (${by}, exporter) (rate(${signalCounterSelector(COLLECTOR_METRICS.exporterEnqueueFailed, jobs)}[5m])) > 0`,
      for: '5m',
      severity: 'critical',
      summary: 'Collector {{ $labels.pod }} exporter {{ $labels.exporter }} queue is full and dropping',
      description:
        'Exporter {{ $labels.exporter }} of {{ $labels.job }} pod {{ $labels.namespace }}/{{ $labels.pod }} ' +
        `could not enqueue items for 5 minutes ${note}: its sending queue is full and new items are dropped.`,
    },
    {
      alert: 'OtelCollectorExporterQueueNearlyFull',
      expr:
        `max by (${by}, exporter, data_type) (${COLLECTOR_METRICS.exporterQueueSize}{${jobs}}) ` +
        `/ max by (${by}, exporter, data_type) (${COLLECTOR_METRICS.exporterQueueCapacity}{${jobs}}) ` +
        `> ${props.thresholds.queueUtilisation}`,
      for: '10m',
      severity: 'warning',
      summary: `Collector {{ $labels.pod }} exporter {{ $labels.exporter }} queue is above ${Math.round(
        props.thresholds.queueUtilisation * 100,
      )}% of capacity`,
      description:
        'The sending queue of exporter {{ $labels.exporter }} on {{ $labels.job }} pod ' +
        `{{ $labels.namespace }}/{{ $labels.pod }} has stayed above ${Math.round(
          props.thresholds.queueUtilisation * 100,
        )}% of its capacity for 10 minutes ${note}. When it is full, items are dropped.`,
    },
    {
      alert: 'OtelCollectorMemoryLimiterRefusing',
      expr: `sum by (${by}, processor) (rate(${signalCounterSelector(COLLECTOR_METRICS.memoryLimiterRefused, jobs)}[5m])) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Collector {{ $labels.pod }} memory_limiter is refusing data',
      description:
        'Processor {{ $labels.processor }} of {{ $labels.job }} pod {{ $labels.namespace }}/{{ $labels.pod }} ' +
        `has refused items for 10 minutes because the collector is over its soft memory limit ${note}.`,
    },
  ];
  for (const tier of props.tiers) {
    const job = props.jobs[tier];
    rules.push(
      {
        alert: 'OtelCollectorDown',
        expr: `up{job="${job}"} == 0`,
        for: '5m',
        severity: 'critical',
        labels: { tier },
        summary: `Collector ${TIER_TITLE[tier]} {{ $labels.namespace }}/{{ $labels.pod }} is down`,
        description:
          `Prometheus has failed to scrape ${TIER_TITLE[tier]} collector {{ $labels.namespace }}/{{ $labels.pod }} ` +
          `(job ${job}) for 5 minutes. Telemetry that passes through it is not collected.`,
      },
      {
        alert: 'OtelCollectorAbsent',
        expr: `absent(up{job="${job}"})`,
        for: '15m',
        severity: 'critical',
        labels: { tier },
        summary: `No ${TIER_TITLE[tier]} collector is being scraped (job ${job})`,
        description:
          `Prometheus has had no target with job ${job} for 15 minutes: the ${TIER_TITLE[tier]} tier is not ` +
          'deployed, has no running pods, or its monitor does not select them.',
      },
    );
  }
  return { name: 'otel-tiers.collector', rules };
}
